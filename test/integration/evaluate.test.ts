/**
 * Evaluation runs end to end on real files: coco128 pictures, both fixture models, real onnxruntime and
 * sharp. Plausible mAP, byte-identical predictions across runs, cancellation, per-image errors, and the
 * errors that must come before any work.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCocoResults } from '../../src-main/core/datasets/coco-results'
import type { Dataset } from '../../src-main/core/datasets/dataset'
import { InvalidArgumentError } from '../../src-main/core/errors'
import { openDataset } from '../../src-main/services/files/dataset-files'
import { evaluate, formatPredictions, type EvalProgress } from '../../src-main/services/jobs/evaluate'
import { nanodetM, yoloxNano } from '../helpers/bad-files'
import { sharedFixture } from '../helpers/fixtures'
import { encodeModel, reluModel, valueInfo } from '../helpers/onnx-builder'
import { tempDir } from '../helpers/temp'

const instances = sharedFixture('coco128', 'annotations', 'instances_train2017.json')
const imagesDir = sharedFixture('coco128', 'images', 'train2017')

describe('evaluate on coco128', () => {
  let dataset: Dataset
  beforeAll(async () => {
    dataset = await openDataset(instances, { imagesDir })
  })

  it('yolox_nano, 16 pictures: the YOLOX contract, plausible mAP, speed per stage, progress', async () => {
    const progress: EvalProgress[] = []
    const r = await evaluate({
      modelPath: yoloxNano,
      dataset,
      limit: 16,
      onProgress: (p) => progress.push(p),
    })
    expect(r.protocol.decode.decoder).toBe('yolox')
    expect(r.protocol.preprocess).toMatchObject({
      width: 416,
      height: 416,
      resize: 'letterbox-topleft',
      colorOrder: 'bgr',
      pixelRange: 255,
      pad: 114,
      kernel: 'opencv-linear',
    })
    expect(r.protocolHash).toMatch(/^[0-9a-f]{64}$/)
    expect([r.images, r.total, r.errors]).toEqual([16, 16, []])
    expect(r.metrics.stats).toHaveLength(12)
    expect(r.metrics.stats[0]).toBeGreaterThan(0.2) // COCO train pictures: inflated, well above 0.2
    expect(r.metrics.stats[1]).toBeGreaterThan(r.metrics.stats[0]!)
    expect(r.metrics.ultralytics!.map50_95).toBeGreaterThan(0.2)
    for (const v of Object.values(r.speed)) expect(v).toBeGreaterThan(0)
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
    expect(progress.at(-1)).toMatchObject({ done: 16, total: 16, errors: 0, etaMs: 0 })
    // Predictions are COCO results in image pixels: inside the pictures, COCO category ids.
    const sizes = new Map(dataset.images.map((im) => [im.id, im]))
    const ids = new Set(dataset.categories.map((c) => c.id))
    for (const d of r.predictions) {
      const im = sizes.get(d.imageId)!
      expect(d.bbox[0] + d.bbox[2]).toBeLessThanOrEqual(im.width + 1e-3)
      expect(d.bbox[1] + d.bbox[3]).toBeLessThanOrEqual(im.height + 1e-3)
      expect(ids.has(d.categoryId)).toBe(true)
    }
  })

  it('nanodet_m, 16 pictures: the NanoDet contract and plausible mAP', async () => {
    const r = await evaluate({ modelPath: nanodetM, dataset, limit: 16 })
    expect(r.protocol.decode.decoder).toBe('nanodet')
    expect(r.protocol.preprocess).toMatchObject({
      resize: 'letterbox',
      pad: 0,
      colorOrder: 'bgr',
      pixelRange: 255,
      mean: [103.53, 116.28, 123.675],
      std: [57.375, 57.12, 58.395],
    })
    expect(r.metrics.stats[0]).toBeGreaterThan(0.2)
  })

  it('is deterministic: two runs write byte-identical predictions and the same numbers', async () => {
    const a = await evaluate({ modelPath: yoloxNano, dataset, limit: 10, prefetch: 1 })
    const b = await evaluate({ modelPath: yoloxNano, dataset, limit: 10, prefetch: 6 })
    const text = formatPredictions(a.predictions)
    expect(formatPredictions(b.predictions)).toBe(text)
    expect(b.metrics).toEqual(a.metrics)
    expect(b.protocolHash).toBe(a.protocolHash)
    // The written file reads back as the same detections.
    expect(parseCocoResults(text)).toEqual(a.predictions)
  })

  it('the protocol changes the hash and the numbers (RGB [0,1] is not YOLOX’s contract)', async () => {
    const yolox = await evaluate({ modelPath: yoloxNano, dataset, limit: 8 })
    const wrong = await evaluate({
      modelPath: yoloxNano,
      dataset,
      limit: 8,
      protocol: { preset: 'ultralytics' },
    })
    expect(wrong.protocolHash).not.toBe(yolox.protocolHash)
    expect(wrong.metrics.stats[0]).toBeLessThan(yolox.metrics.stats[0]! - 0.1)
  })

  it('cancels mid-run with the signal’s reason and frees the session', async () => {
    const controller = new AbortController()
    let seen = 0
    const run = evaluate({
      modelPath: yoloxNano,
      dataset,
      signal: controller.signal,
      onProgress: (p) => {
        seen = p.done
        if (p.done === 3) controller.abort(new DOMException('stop', 'AbortError'))
      },
    })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    expect(seen).toBe(3)
  })

  it('an already aborted signal stops before any work', async () => {
    await expect(
      evaluate({
        modelPath: yoloxNano,
        dataset,
        signal: AbortSignal.abort(new DOMException('no', 'AbortError')),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('per-image errors', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())

  it('a truncated and an empty picture are recorded, the run goes on and scores the rest', async () => {
    const raw = JSON.parse(readFileSync(instances, 'utf8')) as {
      images: { id: number; file_name: string }[]
      annotations: { image_id: number }[]
    }
    const images = raw.images.slice(0, 8)
    const keep = new Set(images.map((im) => im.id))
    writeFileSync(
      join(temp.dir, 'instances.json'),
      JSON.stringify({ ...raw, images, annotations: raw.annotations.filter((a) => keep.has(a.image_id)) }),
    )
    for (const im of images) copyFileSync(join(imagesDir, im.file_name), join(temp.dir, im.file_name))
    const cut = join(temp.dir, images[2]!.file_name)
    writeFileSync(cut, readFileSync(cut).subarray(0, 5000))
    writeFileSync(join(temp.dir, images[5]!.file_name), new Uint8Array(0))

    const dataset = await openDataset(join(temp.dir, 'instances.json'), { imagesDir: temp.dir })
    const r = await evaluate({ modelPath: yoloxNano, dataset })
    expect(r.total).toBe(8)
    expect(r.images).toBe(6)
    expect(r.errors.map((e) => [e.imageId, e.reason])).toEqual([
      [images[2]!.id, 'truncated'],
      [images[5]!.id, 'empty'],
    ])
    expect(r.errors[0]!.message).toContain(images[2]!.file_name)
    expect(new Set(r.predictions.map((d) => d.imageId)).has(images[2]!.id)).toBe(false)
    expect(r.metrics.counts.images).toBe(6)
    expect(r.metrics.stats[0]).toBeGreaterThan(0.1)
  })
})

describe('errors before any work', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())
  let dataset: Dataset
  beforeAll(async () => {
    dataset = await openDataset(instances, { imagesDir })
  })

  it('a model whose input is not a picture', async () => {
    const path = join(temp.dir, 'relu.onnx')
    writeFileSync(path, encodeModel(reluModel()))
    await expect(evaluate({ modelPath: path, dataset })).rejects.toThrow(/input "x" has shape \[1, 3\]/)
    const ids = join(temp.dir, 'ids.onnx')
    writeFileSync(
      ids,
      encodeModel(
        reluModel({
          graph: {
            name: 'g',
            node: [{ name: 'relu', opType: 'Relu', input: ['x'], output: ['y'] }],
            input: [valueInfo('x', [1, 3, 8, 8], 7)],
            output: [valueInfo('y', [1, 3, 8, 8], 7)],
          },
        }),
      ),
    )
    await expect(evaluate({ modelPath: ids, dataset })).rejects.toThrow(/is int64; an image input is float32/)
  })

  it('an input size that conflicts with imgsz', async () => {
    const error = await evaluate({ modelPath: yoloxNano, dataset, imgsz: 640 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect((error as Error).message).toMatch(/fixed at 416×416 .* --imgsz asks for 640×640/)
  })

  it('a dataset without pictures, and a COCO JSON without its images folder', async () => {
    await expect(evaluate({ modelPath: yoloxNano, dataset: { ...dataset, images: [] } })).rejects.toThrow(
      /no images/,
    )
    const bare = await openDataset(instances)
    await expect(evaluate({ modelPath: yoloxNano, dataset: bare })).rejects.toThrow(/--images DIR/)
  })
})
