import { readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openWorkspace, type Workspace } from '../../../../src-main/services/store/workspace'
import { StoreError } from '../../../../src-main/core/errors'
import { openDatabase } from '../../../../src-main/services/store/database'
import { syntheticNewRun, syntheticResult } from '../../../helpers/synthetic-run'
import { tempDir } from '../../../helpers/temp'

describe('run repository', () => {
  let temp: ReturnType<typeof tempDir>
  let ws: Workspace
  beforeEach(() => {
    temp = tempDir()
    ws = openWorkspace(temp.dir)
  })
  afterEach(() => {
    ws.close()
    temp.remove()
  })

  it('creates a running run owned by this process, then completes it with every output in one go', () => {
    const run = ws.runs.create(syntheticNewRun(1, { stage: 'quantized', recipe: { optimizationLevel: 2 } }))
    expect(run).toMatchObject({ status: 'running', stage: 'quantized', optimizationLevel: 2, map50_95: null })
    expect(run.uid).toMatch(/^[0-9a-f-]{36}$/)
    const result = syntheticResult(1)
    const done = ws.runs.complete(run.id, result)
    expect(done.status).toBe('completed')
    expect(done.map50_95).toBe(result.metrics.coco.stats[0])
    const detail = ws.runs.get(run.id)
    expect(detail.perClass).toHaveLength(80)
    expect(detail.curves).toHaveLength(81)
    expect(detail.curves).toEqual(result.curves) // float32 storage, same 6-decimal numbers back
    expect(detail.metrics).toEqual(result.metrics)
    expect(detail.predictions).toMatchObject({ count: 2000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(ws.runs.predictions(run.id)).toEqual(result.predictions)
    expect(ws.runs.imageOutcomes(run.id)).toEqual(result.imageOutcomes)
  })

  it('refuses to complete a run that is not running', () => {
    const run = ws.runs.create(syntheticNewRun(2))
    ws.runs.end(run.id, 'cancelled', null)
    expect(() => ws.runs.complete(run.id, syntheticResult(2))).toThrow(/is cancelled, not running/)
    expect(ws.runs.get(run.id).metrics).toBeNull()
  })

  it('marks runs of dead processes interrupted at the next open, discarding partial outputs, touching nothing else', () => {
    const finished = ws.runs.create(syntheticNewRun(3))
    ws.runs.complete(finished.id, syntheticResult(3))
    const orphan = ws.runs.create(syntheticNewRun(4))
    const mine = ws.runs.create(syntheticNewRun(5))
    // Pretend the orphan belonged to a pid that no longer exists on this machine.
    ws.db.prepare('update runs set owner = ? where id = ?').run(`${hostname()}:999999999`, orphan.id)
    const recovered = ws.runs.recoverInterrupted()
    expect(recovered).toEqual([orphan.id])
    expect(ws.runs.summary(orphan.id)).toMatchObject({
      status: 'interrupted',
      error: expect.stringMatching(/stopped/),
    })
    expect(ws.runs.summary(mine.id).status).toBe('running') // this process is alive
    expect(ws.runs.get(finished.id).perClass).toHaveLength(80)
  })

  it('treats a run owned by another machine as dead only when its heartbeat is stale', () => {
    const run = ws.runs.create(syntheticNewRun(6))
    ws.db.prepare("update runs set owner = 'other-host:1' where id = ?").run(run.id)
    expect(ws.runs.recoverInterrupted(() => true, Date.now())).toEqual([])
    expect(ws.runs.recoverInterrupted(() => true, Date.now() + 11 * 60_000)).toEqual([run.id])
  })

  it('lists with filters, sorting and paging; tags and notes', () => {
    for (let i = 0; i < 30; i++) {
      const run = ws.runs.create(syntheticNewRun(100 + i))
      if (i % 3 !== 0) ws.runs.complete(run.id, syntheticResult(100 + i, { predictions: 10 }))
    }
    const all = ws.runs.list()
    expect(all).toHaveLength(30)
    const quantized = ws.runs.list({ stage: 'quantized' })
    expect(quantized.every((r) => r.stage === 'quantized')).toBe(true)
    const byMap = ws.runs.list({ status: 'completed', sort: 'map50_95', order: 'desc' })
    expect(byMap).toHaveLength(20)
    const maps = byMap.map((r) => r.map50_95!)
    expect(maps).toEqual([...maps].sort((a, b) => b - a))
    const page = ws.runs.list({ sort: 'id', order: 'asc', limit: 5, offset: 5 })
    expect(page.map((r) => r.id)).toEqual([6, 7, 8, 9, 10])

    ws.runs.tag(3, 'baseline')
    ws.runs.tag(3, 'hailo')
    ws.runs.tag(3, 'baseline') // idempotent
    ws.runs.setNotes(3, 'BGR instead of RGB?')
    expect(ws.runs.summary(3)).toMatchObject({ tags: ['baseline', 'hailo'], notes: 'BGR instead of RGB?' })
    expect(ws.runs.list({ tag: 'hailo' }).map((r) => r.id)).toEqual([3])
    ws.runs.untag(3, 'hailo')
    expect(ws.runs.summary(3).tags).toEqual(['baseline'])
    expect(() => ws.runs.tag(999, 'x')).toThrow(/no run with id 999/)
  })

  it('deleting a run deletes its outputs and tags', () => {
    const run = ws.runs.create(syntheticNewRun(7))
    ws.runs.complete(run.id, syntheticResult(7, { predictions: 5 }))
    ws.runs.tag(run.id, 't')
    expect(ws.runs.delete(run.id)).toBe(true)
    for (const table of ['run_metrics', 'run_class_metrics', 'run_artifacts', 'run_tags']) {
      expect((ws.db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n).toBe(0)
    }
  })

  it('detects a damaged artifact instead of returning wrong predictions', () => {
    const run = ws.runs.create(syntheticNewRun(8))
    ws.runs.complete(run.id, syntheticResult(8, { predictions: 50 }))
    ws.db
      .prepare("update run_artifacts set sha256 = 'ff' || substr(sha256, 3) where kind = 'predictions'")
      .run()
    expect(() => ws.runs.predictions(run.id)).toThrow(/do not match their hash/)
  })
})

describe('workspace database safety', () => {
  it('refuses a corrupt database file and leaves it byte-for-byte untouched', () => {
    const temp = tempDir()
    const file = join(temp.dir, 'quantscope.db')
    const junk = Buffer.from('this is not sqlite at all, just text '.repeat(200))
    writeFileSync(file, junk)
    expect(() => openWorkspace(temp.dir)).toThrow(StoreError)
    expect(() => openWorkspace(temp.dir)).toThrow(/not a readable SQLite database .* left untouched/)
    expect(Buffer.compare(readFileSync(file), junk)).toBe(0)
    temp.remove()
  })

  it('refuses a SQLite database of another application without modifying it', () => {
    const temp = tempDir()
    const file = join(temp.dir, 'quantscope.db')
    const foreign = openDatabase(file, { migrations: [{ version: 1, name: 'x', up: 'create table x (a)' }] })
    foreign.exec('drop table schema_migrations; create table invoices (id integer)')
    foreign.close()
    const before = readFileSync(file)
    expect(() => openWorkspace(temp.dir)).toThrow(/database of another application \(tables: .*invoices/)
    expect(Buffer.compare(readFileSync(file), before)).toBe(0)
    temp.remove()
  })
})
