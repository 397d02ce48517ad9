/**
 * Runs from a terminal with real workspaces: import a device's COCO results as a run, list/filter/sort,
 * tag, note, export CSV and bundles, import a bundle into another workspace without duplicates, reject
 * malformed bundles without writing anything.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, sharedFixture } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'

const bin = join(repoRoot, 'bin', 'quantscope.mjs')
function q(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
function ok(...args: string[]): string {
  const r = q(...args)
  if (r.code !== 0) throw new Error(`quantscope ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

const gt = sharedFixture('golden', 'coco128-jitter-21', 'gt.json')
const dets = sharedFixture('golden', 'coco128-jitter-21', 'dets.json')
const expected = JSON.parse(
  readFileSync(sharedFixture('golden', 'coco128-jitter-21', 'expected.json'), 'utf8'),
) as {
  stats: number[]
}

interface ListedRun {
  id: number
  uid: string
  status: string
  stage: string
  backend: string
  map50_95: number
  tags: string[]
  notes: string
}

describe('quantscope runs', () => {
  const temp = tempDir()
  const wsA = join(temp.dir, 'a')
  const wsB = join(temp.dir, 'b')
  afterAll(() => temp.remove())

  beforeAll(() => {
    const added = JSON.parse(ok('datasets', 'add', gt, '--workspace', wsA, '--json')) as {
      id: number
      imageCount: number
    }
    expect(added).toMatchObject({ id: 1, imageCount: 128 })
    ok(
      'runs',
      'import',
      dets,
      '--stage',
      'hardware',
      '--backend',
      'hailo8',
      '--dataset',
      '1',
      '--label',
      'device',
      '--workspace',
      wsA,
    )
    ok(
      'runs',
      'import',
      dets,
      '--stage',
      'emulator',
      '--backend',
      'hailo-emulator',
      '--dataset',
      '1',
      '--workspace',
      wsA,
    )
  })

  it('imports COCO results as a completed run scored with the same metrics', () => {
    const list = JSON.parse(ok('runs', 'list', '--workspace', wsA, '--json')) as ListedRun[]
    expect(list).toHaveLength(2)
    for (const run of list) {
      expect(run.status).toBe('completed')
      expect(Math.abs(run.map50_95 - expected.stats[0]!)).toBeLessThanOrEqual(1e-12)
    }
    const shown = JSON.parse(ok('runs', 'show', String(list[0]!.id), '--workspace', wsA, '--json')) as {
      metrics: { coco: { stats: number[] } }
      perClass: unknown[]
      curves: unknown[]
    }
    shown.metrics.coco.stats.forEach((v, i) =>
      expect(Math.abs(v - expected.stats[i]!)).toBeLessThanOrEqual(1e-12),
    )
    expect(shown.perClass.length).toBeGreaterThan(0)
    expect(shown.curves.length).toBeGreaterThan(0)
  })

  it('filters and sorts', () => {
    const hw = JSON.parse(
      ok('runs', 'list', '--where', 'stage=hardware,backend=hailo8', '--workspace', wsA, '--json'),
    ) as ListedRun[]
    expect(hw.map((r) => r.stage)).toEqual(['hardware'])
    const sorted = JSON.parse(ok('runs', 'list', '--sort', 'id', '--workspace', wsA, '--json')) as ListedRun[]
    expect(sorted.map((r) => r.id)).toEqual([1, 2])
    const bad = q('runs', 'list', '--sort', 'bogus', '--workspace', wsA)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--sort "bogus": sort by one of/)
    const badWhere = q('runs', 'list', '--where', 'color=red', '--workspace', wsA)
    expect(badWhere.code).toBe(2)
  })

  it('tags and notes, CSV export', () => {
    ok('runs', 'tag', '1', 'baseline', '--workspace', wsA)
    ok('runs', 'note', '1', 'was it BGR?', '--workspace', wsA)
    const tagged = JSON.parse(
      ok('runs', 'list', '--where', 'tag=baseline', '--workspace', wsA, '--json'),
    ) as ListedRun[]
    expect(tagged).toMatchObject([{ id: 1, tags: ['baseline'], notes: 'was it BGR?' }])
    const csv = ok('runs', 'export', '--format', 'csv', '--workspace', wsA)
    const lines = csv.trim().split(/\r?\n/)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^id,uid,status,stage,backend,label/)
    expect(csv).toContain('baseline')
    expect(q('runs', 'tag', '99', 'x', '--workspace', wsA).code).toBe(2)
  })

  it('moves runs between workspaces as a bundle, merged by uid with no duplicates', () => {
    const file = join(temp.dir, 'bundle.json')
    ok('runs', 'export', '--format', 'bundle', '-o', file, '--workspace', wsA)
    expect(ok('runs', 'import', file, '--workspace', wsB)).toMatch(/imported 2 runs/)
    expect(ok('runs', 'import', file, '--workspace', wsB)).toMatch(/imported 0 runs; 2 already here, skipped/)
    const a = JSON.parse(ok('runs', 'list', '--sort', 'id', '--workspace', wsA, '--json')) as ListedRun[]
    const b = JSON.parse(ok('runs', 'list', '--sort', 'id', '--workspace', wsB, '--json')) as ListedRun[]
    expect(b.map((r) => r.uid)).toEqual(a.map((r) => r.uid))
    expect(b.map((r) => r.map50_95)).toEqual(a.map((r) => r.map50_95))
    expect(b[0]!.tags).toEqual(['baseline'])
  })

  it.each([
    ['not a bundle', '{"runs": []}', /is not a Quantscope run bundle/],
    ['a bad field', 'BAD_STATS', /runs\[0\]\.metrics\.coco\.stats: .*nothing was imported/],
    ['truncated JSON', '{"format": "quantscope-run-bundle", "runs": [', /line 1/],
  ])('rejects %s without writing anything', (_label, text, message) => {
    const good = JSON.parse(readFileSync(join(temp.dir, 'bundle.json'), 'utf8')) as {
      runs: { uid: string; metrics: { coco: { stats: unknown[] } } }[]
    }
    if (text === 'BAD_STATS') {
      good.runs[0]!.uid = 'fresh-uid-00000001'
      good.runs[1]!.uid = 'fresh-uid-00000002'
      good.runs[0]!.metrics.coco.stats = [1, 2, 3]
      text = JSON.stringify(good)
    }
    const file = join(temp.dir, 'bad-bundle.json')
    writeFileSync(file, text)
    const wsC = join(temp.dir, 'c')
    const r = q('runs', 'import', file, '--workspace', wsC)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(JSON.parse(ok('runs', 'list', '--workspace', wsC, '--json'))).toEqual([])
  })

  it('asks what it needs to import results, and deletes runs', () => {
    const r = q('runs', 'import', dets, '--workspace', wsA)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/needs --stage, --backend and --dataset/)
    const unknownDataset = q(
      'runs',
      'import',
      dets,
      '--stage',
      'hardware',
      '--backend',
      'x',
      '--dataset',
      '42',
      '--workspace',
      wsA,
    )
    expect(unknownDataset.code).toBe(2)
    expect(unknownDataset.stderr).toMatch(/no stored dataset with id 42/)
    ok('runs', 'delete', '2', '--workspace', wsA)
    expect((JSON.parse(ok('runs', 'list', '--workspace', wsA, '--json')) as unknown[]).length).toBe(1)
  })
})
