/**
 * COCO evaluation on a COCO-val-sized case (5,000 images, ~23,000 boxes, ~150,000 detections; see
 * make-coco-val-case.ts), generated once into bench/.data/. Prints the parse time (read + JSON.parse +
 * mapping to Dataset/Detection) apart from the evaluation time, peak memory, and pycocotools' time on
 * the same files when /usr/bin/python3 can import it. Prints figures; never fails on time.
 * Run: npm run bench -- bench/metrics.bench.ts
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, test } from 'vitest'
import { evaluateCoco } from '../src-main/core/metrics/coco-eval'
import {
  cocoDetections,
  cocoGroundTruth,
  type RawCocoInstances,
  type RawCocoResult,
} from '../test/helpers/coco-json'
import { repoRoot } from '../test/helpers/fixtures'
import { writeCocoValCase } from './make-coco-val-case'

const SEED = 1
const dir = path.join(repoRoot, 'bench', '.data', `coco-val-${SEED}`)
const gtFile = path.join(dir, 'gt.json')
const detsFile = path.join(dir, 'dets.json')
if (!existsSync(gtFile) || !existsSync(detsFile)) {
  const t0 = performance.now()
  const written = writeCocoValCase(dir, SEED)
  console.log(`generated ${JSON.stringify(written)} in ${(performance.now() - t0).toFixed(0)} ms`)
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`

function parse() {
  const gt = cocoGroundTruth(JSON.parse(readFileSync(gtFile, 'utf8')) as RawCocoInstances)
  const dets = cocoDetections(JSON.parse(readFileSync(detsFile, 'utf8')) as RawCocoResult[])
  return { gt, dets }
}

/** pycocotools on the same files, timed inside Python (load + evaluate + accumulate + summarize). */
function pycocotoolsSeconds(): number | string {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import pycocotools'], { stdio: 'ignore' })
  } catch {
    return 'pycocotools is not importable by /usr/bin/python3 here (and PyPI is unreachable): no comparison'
  }
  const script = `
import sys, time, io, contextlib
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
t0 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1]); dt = gt.loadRes(sys.argv[2])
    e = COCOeval(gt, dt, 'bbox'); e.evaluate(); e.accumulate(); e.summarize()
print(time.perf_counter() - t0)
`
  const out = execFileSync('/usr/bin/python3', ['-c', script, gtFile, detsFile], { encoding: 'utf8' })
  return Number(out.trim())
}

describe('COCO eval, COCO-val-sized case', () => {
  test('parse, evaluate, compare', async ({ bench }) => {
    const p0 = performance.now()
    const { gt, dets } = parse()
    const parseMs = performance.now() - p0
    console.log(
      `case: ${gt.images.length} images, ${gt.annotations.length} gt boxes, ${dets.length} detections; ` +
        `parse (read + JSON.parse + map) ${parseMs.toFixed(0)} ms`,
    )

    const rssAfterParse = process.resourceUsage().maxRSS * 1024
    const buffersBefore = process.memoryUsage().arrayBuffers
    const e0 = performance.now()
    const first = evaluateCoco(gt, dets)
    const firstMs = performance.now() - e0
    const resultBytes = first.precision.byteLength + first.scores.byteLength + first.recall.byteLength
    console.log(
      `first (cold) evaluateCoco: ${firstMs.toFixed(0)} ms; AP ${first.stats[0]!.toFixed(4)}, AP50 ${first.stats[1]!.toFixed(4)}; ` +
        `peak RSS ${mb(rssAfterParse)} after parsing, ${mb(process.resourceUsage().maxRSS * 1024)} after the first evaluation; ` +
        `result arrays ${mb(resultBytes)} (array buffers now +${mb(process.memoryUsage().arrayBuffers - buffersBefore)})`,
    )

    const result = await bench('evaluateCoco (5k images, 150k dets)', () => void evaluateCoco(gt, dets)).run({
      iterations: 8,
      time: 0,
    })
    const evalMs = result.latency.mean
    const { maxRSS } = process.resourceUsage()
    console.log(
      `evaluateCoco: mean ${evalMs.toFixed(0)} ms, min ${result.latency.min.toFixed(0)} ms over ${result.latency.samplesCount} runs; ` +
        `peak RSS ${mb(maxRSS * 1024)} (the whole vitest worker, parsed JSON included)`,
    )

    const py = pycocotoolsSeconds()
    if (typeof py === 'number') {
      console.log(
        `pycocotools: ${(py * 1000).toFixed(0)} ms (load + eval) — ${((py * 1000) / evalMs).toFixed(1)}× evaluateCoco`,
      )
    } else {
      console.log(py)
    }
  })
})
