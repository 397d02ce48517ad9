/**
 * Throughput of a whole evaluation (read, decode, resize, tensor, inference, decode + NMS of every
 * picture) against a bare loop of inference alone on the same pictures' tensors made beforehand, for
 * yolox_nano on coco128's 128 pictures. Goal: the evaluation at ≥ 0.90 of the bare loop's images/s.
 * Prints images/s, the ratio and the peak RSS; never fails on time.
 *
 * Bare loops: (a) the same InferenceSession service and options the evaluation uses — the ratio that
 * says what the pipeline costs around inference; (b) onnxruntime-node on the main thread with its own
 * defaults (spinning threads) — the fastest a lone loop gets on this machine.
 * The evaluation's throughput is pictures ÷ the pictures' loop (model loading and metrics excluded;
 * the whole call's time is printed beside). Each figure is the best of `REPEATS` (shared machines are noisy).
 * Run: npm run bench -- bench/inference.bench.ts
 */
import { availableParallelism } from 'node:os'
import * as ort from 'onnxruntime-node'
import { describe, test } from 'vitest'
import type { Dataset } from '../src-main/core/datasets/dataset'
import { planResize, toInputTensor, type InputTensor } from '../src-main/core/detect/preprocess'
import { makeProtocol } from '../src-main/core/detect/protocol'
import { openDataset } from '../src-main/services/files/dataset-files'
import { loadImage, resizeImage } from '../src-main/services/images/image-decoder'
import { InferenceSession } from '../src-main/services/inference/inference-session'
import { evaluate } from '../src-main/services/jobs/evaluate'
import { readBytes, sharedFixture } from '../test/helpers/fixtures'

const REPEATS = 3
const model = sharedFixture('models', 'yolox_nano.onnx')
const rate = (n: number, ms: number): number => (n / ms) * 1000
const peakRssMb = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`

async function tensorsOf(dataset: Dataset): Promise<InputTensor[]> {
  const pre = makeProtocol({ width: 416, height: 416, layout: 'nchw', dtype: 'float32' }, 'yolox').preprocess
  const out: InputTensor[] = []
  for (const image of dataset.images) {
    const picture = await loadImage(image.path!)
    const plan = planResize(picture.width, picture.height, pre)
    out.push(
      toInputTensor(await resizeImage(picture, plan.resizedWidth, plan.resizedHeight, pre.kernel), plan, pre),
    )
  }
  return out
}

async function bareService(tensors: InputTensor[], threads: number): Promise<number> {
  const session = await InferenceSession.open(readBytes(model), { intraOpThreads: threads })
  try {
    for (let i = 0; i < 3; i++) await session.run({ images: tensors[i]! })
    const t0 = performance.now()
    for (const t of tensors) await session.run({ images: t })
    return rate(tensors.length, performance.now() - t0)
  } finally {
    await session.release()
  }
}

async function bareOrt(tensors: InputTensor[], threads: number): Promise<number> {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  })
  try {
    const feeds = tensors.map((t) => new ort.Tensor('float32', t.data as Float32Array, t.dims))
    for (let i = 0; i < 3; i++) await session.run({ images: feeds[i]! })
    const t0 = performance.now()
    for (const f of feeds) await session.run({ images: f })
    return rate(tensors.length, performance.now() - t0)
  } finally {
    await session.release()
  }
}

async function best(fn: () => Promise<number>): Promise<number> {
  let top = 0
  for (let i = 0; i < REPEATS; i++) top = Math.max(top, await fn())
  return top
}

describe('evaluation vs bare inference (yolox_nano, coco128)', () => {
  test('images/s, ratio, peak RSS', async () => {
    const dataset = await openDataset(sharedFixture('coco128', 'annotations', 'instances_train2017.json'), {
      imagesDir: sharedFixture('coco128', 'images', 'train2017'),
    })
    const n = dataset.images.length
    console.log(`${n} pictures, ${availableParallelism()} CPUs`)
    const rows: string[] = []
    for (const threads of [...new Set([1, availableParallelism()])]) {
      let wall = 0
      const evalRate = await best(async () => {
        const r = await evaluate({ modelPath: model, dataset, inference: { intraOpThreads: threads } })
        wall = r.wallMs
        return rate(r.total, r.loopMs)
      })
      const tensors = await tensorsOf(dataset)
      const service = await best(() => bareService(tensors, threads))
      const raw = await best(() => bareOrt(tensors, threads))
      rows.push(
        `intra-op ${threads}: eval ${evalRate.toFixed(1)} img/s (whole call ${(wall / 1000).toFixed(2)} s) | ` +
          `bare loop, same service ${service.toFixed(1)} img/s → ratio ${(evalRate / service).toFixed(2)} | ` +
          `bare onnxruntime on the main thread ${raw.toFixed(1)} img/s → ratio ${(evalRate / raw).toFixed(2)}`,
      )
    }
    for (const row of rows) console.log(row)
    console.log(`peak RSS ${peakRssMb()} (the whole bench process, 128 pre-made tensors of 2 MB included)`)
  }, 600_000)
})
