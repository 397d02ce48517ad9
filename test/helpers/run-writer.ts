/**
 * A child process for the store's crash and concurrency tests: writes runs to a workspace forever (or
 * `count` of them), printing `done <id>` after each completes. Run with
 * node --experimental-transform-types --import test/helpers/ts-resolve.mjs test/helpers/run-writer.ts <dir> <seed> [count]
 */
import { openWorkspace } from '../../src-main/services/store/workspace'
import { syntheticNewRun, syntheticResult } from './synthetic-run'

const [dir, seedText, countText] = process.argv.slice(2)
const ws = openWorkspace(dir!)
const count = countText ? Number(countText) : Infinity
let seed = Number(seedText)
for (let i = 0; i < count; i++, seed++) {
  const run = ws.runs.create(syntheticNewRun(seed, { label: `writer-${seedText}` }))
  process.stdout.write(`started ${run.id}\n`)
  ws.runs.complete(run.id, syntheticResult(seed))
  process.stdout.write(`done ${run.id}\n`)
}
ws.close()
