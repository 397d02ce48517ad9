/**
 * A forward-only migration runner. Each migration has a strictly increasing version and runs once, in
 * its own transaction together with the bookkeeping row, so a failing migration leaves the database
 * exactly as it was. A database written by a newer build (a version this build does not know) is
 * refused rather than modified.
 */
import type Database from 'better-sqlite3'
import { StoreError } from '../../core/errors'

export interface Migration {
  version: number
  name: string
  /** SQL run with `exec`, or a function for migrations that need data transforms. */
  up: string | ((db: Database.Database) => void)
}

export interface AppliedMigration {
  version: number
  name: string
  appliedAt: string
}

const bookkeeping = `create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  applied_at text not null
)`

/** Check that versions are positive integers, strictly increasing. Throws on a malformed list (a bug). */
export function validateMigrations(migrations: readonly Migration[]): void {
  let previous = 0
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(
        `migration ${JSON.stringify(m.name)} has version ${m.version}; versions must be integers increasing from 1`,
      )
    }
    previous = m.version
  }
}

export function appliedMigrations(db: Database.Database): AppliedMigration[] {
  db.exec(bookkeeping)
  return db
    .prepare('select version, name, applied_at as appliedAt from schema_migrations order by version')
    .all() as AppliedMigration[]
}

/** Apply every migration newer than the database's version. Returns the versions applied now. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  validateMigrations(migrations)
  const applied = appliedMigrations(db)
  const current = applied.at(-1)?.version ?? 0
  const known = migrations.at(-1)?.version ?? 0
  if (current > known) {
    throw new StoreError(
      `this workspace was written by a newer Quantscope (schema version ${current}; this build knows up to ${known}); update Quantscope or choose another workspace with --workspace`,
    )
  }
  const insert = db.prepare('insert into schema_migrations (version, name, applied_at) values (?, ?, ?)')
  const done: number[] = []
  for (const m of migrations) {
    if (m.version <= current) continue
    const run = db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up)
      else m.up(db)
      insert.run(m.version, m.name, new Date().toISOString())
    })
    try {
      run()
    } catch (error) {
      throw new StoreError(
        `migration ${m.version} (${m.name}) failed and was rolled back: ${(error as Error).message}`,
        { cause: error },
      )
    }
    done.push(m.version)
  }
  return done
}
