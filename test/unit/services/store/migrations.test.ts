import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../../../src-main/services/store/database'
import { appliedMigrations, migrate, type Migration } from '../../../../src-main/services/store/migrations'
import { schemaMigrations } from '../../../../src-main/services/store/schema'
import { StoreError } from '../../../../src-main/core/errors'
import { tempDir } from '../../../helpers/temp'

const tables = (db: Db): string[] =>
  (
    db.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
      name: string
    }[]
  ).map((r) => r.name)

describe('migration runner', () => {
  const open: Db[] = []
  const temp = tempDir()
  afterEach(() => {
    for (const db of open.splice(0)) db.close()
  })

  const v1: Migration = { version: 1, name: 'a', up: 'create table a (x integer)' }
  const v2: Migration = { version: 2, name: 'b', up: 'create table b (y integer)' }

  it('applies every migration on a new database, in order, once', () => {
    const db = openDatabase(':memory:', { migrations: [v1, v2] })
    open.push(db)
    expect(tables(db)).toEqual(['a', 'b', 'schema_migrations'])
    expect(appliedMigrations(db).map((m) => m.version)).toEqual([1, 2])
    expect(migrate(db, [v1, v2])).toEqual([]) // idempotent
  })

  it('applies only the new ones when a database is behind', () => {
    const file = join(temp.dir, 'behind.db')
    openDatabase(file, { migrations: [v1] }).close()
    const db = openDatabase(file, { migrations: [v1, v2] })
    open.push(db)
    expect(appliedMigrations(db).map((m) => m.name)).toEqual(['a', 'b'])
  })

  it('rolls a failing migration back entirely and keeps the earlier ones', () => {
    const file = join(temp.dir, 'failing.db')
    const bad: Migration = {
      version: 2,
      name: 'bad',
      up: 'create table c (z integer); insert into nope values (1)',
    }
    expect(() => openDatabase(file, { migrations: [v1, bad] })).toThrow(
      /migration 2 \(bad\) failed and was rolled back/,
    )
    const db = openDatabase(file, { migrations: [v1] })
    open.push(db)
    expect(tables(db)).toEqual(['a', 'schema_migrations']) // no table c
    expect(appliedMigrations(db).map((m) => m.version)).toEqual([1])
  })

  it('refuses a database written by a newer build, without touching it', () => {
    const file = join(temp.dir, 'newer.db')
    openDatabase(file, { migrations: [v1, v2] }).close()
    expect(() => openDatabase(file, { migrations: [v1] })).toThrow(StoreError)
    expect(() => openDatabase(file, { migrations: [v1] })).toThrow(
      /schema version 2; this build knows up to 1/,
    )
    const db = openDatabase(file, { migrations: [v1, v2] })
    open.push(db)
    expect(appliedMigrations(db)).toHaveLength(2)
  })

  it('rejects a malformed migration list', () => {
    expect(() => openDatabase(':memory:', { migrations: [v2, v1] })).toThrow(
      /versions must be integers increasing/,
    )
  })

  it('opens the application schema with WAL and foreign keys on a file', () => {
    const db = openDatabase(join(temp.dir, 'app.db'))
    open.push(db)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(appliedMigrations(db).map((m) => m.version)).toEqual(schemaMigrations.map((m) => m.version))
    expect(tables(db)).toContain('models')
  })

  it('says which file it could not open', () => {
    expect(() => openDatabase(join(temp.dir, 'no', 'such', 'folder', 'x.db'))).toThrow(
      /cannot open the workspace database/,
    )
  })
})
