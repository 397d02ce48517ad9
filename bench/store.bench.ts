/**
 * The workspace store at scale: 10,000 completed runs, each with 80-class per-class AP and PR curves
 * (81 curves × 101 points) and 200 predictions. Prints insert throughput, list/filter/sort and
 * compare-20 latencies (goals: list/filter/sort < 50 ms, compare < 20 ms) and bytes per run.
 * Run: npm run bench -- bench/store.bench.ts
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, test } from 'vitest'
import { openWorkspace } from '../src-main/services/store/workspace'
import { syntheticNewRun, syntheticResult } from '../test/helpers/synthetic-run'
import { tempDir } from '../test/helpers/temp'

const RUNS = 10_000
const temp = tempDir('quantscope-bench-store-')
const ws = openWorkspace(temp.dir)

afterAll(() => {
  ws.close()
  temp.remove()
})

describe('store with 10,000 runs', () => {
  test('insert', () => {
    const start = performance.now()
    // 100 runs per transaction, as a sweep would write them one by one but quickly.
    for (let i = 0; i < RUNS; i += 100) {
      ws.runs.transaction(() => {
        for (let j = i; j < i + 100; j++) {
          const run = ws.runs.create(syntheticNewRun(j, { modelId: null }))
          ws.runs.complete(run.id, syntheticResult(j, { predictions: 200 }))
        }
      })
    }
    const ms = performance.now() - start
    ws.db.pragma('wal_checkpoint(TRUNCATE)')
    const bytes = statSync(join(temp.dir, 'quantscope.db')).size
    console.log(
      `insert: ${RUNS} runs in ${(ms / 1000).toFixed(1)} s (${(RUNS / (ms / 1000)).toFixed(0)} runs/s); ` +
        `database ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / RUNS / 1024).toFixed(1)} KiB per run`,
    )
  }, 600_000)

  test('list, filter, sort (goal < 50 ms each)', async ({ bench }) => {
    await bench('list all, newest first', () => void ws.runs.list()).run({ iterations: 20 })
    await bench(
      'filter stage=quantized, sort by mAP',
      () => void ws.runs.list({ stage: 'quantized', sort: 'map50_95', order: 'desc' }),
    ).run({ iterations: 20 })
    await bench(
      'filter backend+level, first 100',
      () => void ws.runs.list({ backend: 'ort-cpu', optimizationLevel: 2, limit: 100 }),
    ).run({ iterations: 20 })
    await bench(
      'sort by recall, page 50 of 100 rows',
      () => void ws.runs.list({ sort: 'recall', order: 'asc', limit: 100, offset: 5000 }),
    ).run({ iterations: 20 })
  }, 120_000)

  test('compare 20 runs (goal < 20 ms)', async ({ bench }) => {
    const ids = Array.from({ length: 20 }, (_, i) => 1 + i * 487)
    await bench('get 20 runs with per-class AP and curves', () => void ids.map((id) => ws.runs.get(id))).run({
      iterations: 20,
    })
  }, 120_000)
})
