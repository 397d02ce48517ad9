/**
 * The ONLY importer of better-sqlite3. Opens a workspace database with the settings every caller needs:
 * WAL (the app, `serve` and the CLI may share one workspace at once), foreign keys, a busy timeout so a
 * second process waits instead of failing, then brings the schema up to date.
 */
import Database from 'better-sqlite3'
import { StoreError, quote } from '../../core/errors'
import { migrate, type Migration } from './migrations'
import { schemaMigrations } from './schema'

export type Db = Database.Database

export interface OpenDatabaseOptions {
  /** Defaults to the application schema; tests pass their own lists to exercise the runner. */
  migrations?: readonly Migration[]
  readonly?: boolean
}

/** Open (creating if needed) the SQLite file at `file` (`:memory:` for tests) and migrate it. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  let db: Db
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: false })
  } catch (error) {
    throw new StoreError(
      `cannot open the workspace database ${quote(file)}: ${(error as Error).message}; check that the folder exists and is writable`,
      { cause: error },
    )
  }
  try {
    db.pragma('busy_timeout = 5000') // ms a writer waits for another process's lock
    assertQuantscopeDatabase(db, file) // before anything writes: a foreign or corrupt file stays untouched
    if (!options.readonly) db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('synchronous = NORMAL') // safe with WAL: a crash loses at most the last commit, never corrupts
    migrate(db, options.migrations ?? schemaMigrations)
    return db
  } catch (error) {
    db.close()
    if (error instanceof StoreError) throw error
    throw new StoreError(
      `cannot prepare the workspace database ${quote(file)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
}

/**
 * Refuse files that are not SQLite (corrupt, random) and SQLite files of another application (tables but
 * no `schema_migrations`), so that opening a wrong folder as a workspace never modifies anything.
 */
function assertQuantscopeDatabase(db: Db, file: string): void {
  let tables: string[]
  try {
    tables = (
      db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]
    ).map((r) => r.name)
  } catch (error) {
    throw new StoreError(
      `${quote(file)} is not a readable SQLite database (${(error as Error).message}); it was left untouched — move it away or choose another workspace with --workspace`,
      { cause: error },
    )
  }
  if (tables.length > 0 && !tables.includes('schema_migrations')) {
    throw new StoreError(
      `${quote(file)} is a SQLite database of another application (tables: ${tables.slice(0, 5).join(', ')}); it was left untouched — choose another workspace with --workspace`,
    )
  }
}

/** The SQLite library version, for `app.info`. */
export function sqliteVersion(db: Db): string {
  return (db.prepare('select sqlite_version() as v').get() as { v: string }).v
}
