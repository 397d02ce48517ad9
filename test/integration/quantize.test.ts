/**
 * The quantized stage end to end on a real detector: calibrate yolox_nano on coco128 pictures, build
 * the QDQ model per tensor and per channel, run it in onnxruntime, compare with the float model and
 * check that a quantized activation lies on its grid.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dataset, DatasetImage } from '../../src-main/core/datasets/dataset'
import { makeProtocol } from '../../src-main/core/detect/protocol'
import { planResize, toInputTensor, type InputTensor } from '../../src-main/core/detect/preprocess'
import { decodeOnnxModel, type OnnxModel } from '../../src-main/core/onnx/onnx-model'
import {
  activationTensorsToCalibrate,
  buildQuantizedStage,
  type QuantizeRecipeOptions,
} from '../../src-main/core/quant/qdq-model'
import { openDataset } from '../../src-main/services/files/dataset-files'
import { decodeImage, readImageBytes, resizeImage } from '../../src-main/services/images/image-decoder'
import { InferenceSession } from '../../src-main/services/inference/inference-session'
import { calibrate, type CalibrationResult } from '../../src-main/services/jobs/calibrate'
import { readBytes, sharedFixture } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'

const MODEL = sharedFixture('models', 'yolox_nano.onnx')
const spec = makeProtocol({ width: 416, height: 416, layout: 'nchw', dtype: 'float32' }, 'yolox').preprocess
const recipe = (
  weights: 'per-tensor' | 'per-channel',
  precision: 'a8_w8' | 'a16_w8' = 'a8_w8',
): QuantizeRecipeOptions => ({ weights, precision })

function columns(data: Float32Array, stride: number, from: number, to: number): Float32Array {
  const rows = data.length / stride
  const out = new Float32Array(rows * (to - from))
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * stride + from, r * stride + to), r * (to - from))
  return out
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!
    aa += a[i]! * a[i]!
    bb += b[i]! * b[i]!
  }
  return ab / Math.sqrt(aa * bb)
}

async function tensorOf(path: string): Promise<InputTensor> {
  const picture = await decodeImage(await readImageBytes(path))
  const plan = planResize(picture.width, picture.height, spec)
  return toInputTensor(
    await resizeImage(picture, plan.resizedWidth, plan.resizedHeight, spec.kernel),
    plan,
    spec,
  )
}

async function outputsOf(bytes: Uint8Array, input: InputTensor, extra: string[] = []) {
  const session = await InferenceSession.open(bytes, { intraOpThreads: 2, extraOutputs: extra })
  try {
    return await session.run({ images: { dims: input.dims, data: input.data.slice() } })
  } finally {
    await session.release()
  }
}

describe('quantize yolox_nano (real onnxruntime, coco128)', () => {
  let bytes: Uint8Array
  let model: OnnxModel
  let calibration: CalibrationResult
  let evalImages: string[]
  const inputName = 'images'
  const results: Record<string, number[]> = {}
  const scoreResults: Record<string, number[]> = {}

  beforeAll(async () => {
    bytes = readBytes(MODEL)
    model = decodeOnnxModel(bytes)
    expect(model.graph.inputs[0]!.name).toBe(inputName)
    const dataset = await openDataset(sharedFixture('coco128', 'data.yaml'), { split: 'train' })
    calibration = await calibrate({
      model: bytes,
      inputName,
      tensors: activationTensorsToCalibrate(model, recipe('per-tensor')),
      dataset,
      preprocess: spec,
      size: 8,
      selection: 'first',
    })
    // Evaluation pictures outside the calibration set.
    evalImages = dataset.images.slice(100, 102).map((im) => im.path!)
  }, 120_000)

  it('calibrates every Conv input on 8 images', () => {
    expect(calibration.images).toHaveLength(8)
    expect(calibration.skipped).toEqual([])
    expect(calibration.imageListSha256).toMatch(/^[0-9a-f]{64}$/)
    const tensors = activationTensorsToCalibrate(model, recipe('per-tensor'))
    // 113 Convs; head branches share their inputs, so fewer distinct tensors.
    expect(tensors.length).toBeGreaterThan(80)
    for (const t of tensors) expect(calibration.ranges.has(t), t).toBe(true)
    // The first Conv reads the space-to-depth of the picture: BGR 0..255.
    const first = calibration.ranges.get(tensors[0]!)!
    expect(first.min).toBeGreaterThanOrEqual(0)
    expect(first.max).toBeLessThanOrEqual(255)
    expect(first.max).toBeGreaterThan(200)
  })

  for (const weights of ['per-tensor', 'per-channel'] as const) {
    it(`${weights}: onnxruntime runs the QDQ model and stays close to float`, async () => {
      const variant = buildQuantizedStage(bytes, model, calibration.ranges, recipe(weights))
      expect(variant.recipe.quantizedNodes).toHaveLength(113)
      const q = decodeOnnxModel(variant.bytes)
      expect(q.graph.nodes.filter((n) => n.opType === 'DequantizeLinear').length).toBeGreaterThan(200)
      const whole: number[] = []
      const scores: number[] = []
      for (const path of evalImages) {
        const input = await tensorOf(path)
        const f = (await outputsOf(bytes, input)).values().next().value!
        const o = (await outputsOf(variant.bytes, input)).values().next().value!
        expect(o.dims).toEqual(f.dims)
        whole.push(cosine(f.data, o.data))
        // [1, 3549, 85]: 4 raw box values, objectness, 80 class scores (both after sigmoid).
        scores.push(cosine(columns(f.data, 85, 4, 85), columns(o.data, 85, 4, 85)))
      }
      results[weights] = whole
      scoreResults[weights] = scores
      console.log(
        `yolox_nano a8_w8 minmax ${weights}: cosine(float, QDQ) of the whole output =`,
        whole.map((s) => s.toFixed(4)).join(', '),
        '; of the objectness + class scores =',
        scores.map((s) => s.toFixed(4)).join(', '),
      )
      // Measured (8 images, min/max): whole output 0.80 per tensor, 0.82–0.84 per channel; scores 0.17–0.20
      // per tensor, 0.47–0.55 per channel. Not the 0.95 hoped for: yolox_nano's activations carry outliers
      // (the stem's SiLU output reaches 132 while most values are < 5), and per-tensor weights collapse on
      // its BN-folded depthwise convs (weights alone, fake-quantized in float: 0.98 per channel, 0.80 per
      // tensor). The floor guards against regressions; the accuracy work is the next slice's.
      for (const s of whole) expect(s).toBeGreaterThan(0.75)
    }, 120_000)
  }

  it('a16_w8 per-channel (int16 activations, com.microsoft Q/DQ on this opset-11 model) is near float', async () => {
    const variant = buildQuantizedStage(bytes, model, calibration.ranges, recipe('per-channel', 'a16_w8'))
    expect(variant.recipe.qdqDomain).toBe('com.microsoft')
    const whole: number[] = []
    const scores: number[] = []
    for (const path of evalImages) {
      const input = await tensorOf(path)
      const f = (await outputsOf(bytes, input)).values().next().value!
      const o = (await outputsOf(variant.bytes, input)).values().next().value!
      whole.push(cosine(f.data, o.data))
      scores.push(cosine(columns(f.data, 85, 4, 85), columns(o.data, 85, 4, 85)))
    }
    console.log(
      'yolox_nano a16_w8 minmax per-channel: cosine(float, QDQ) of the whole output =',
      whole.map((s) => s.toFixed(4)).join(', '),
      '; of the objectness + class scores =',
      scores.map((s) => s.toFixed(4)).join(', '),
    )
    // With 16-bit activations the 8-bit weights alone remain (weights-only per channel measured 0.98).
    for (const s of whole) expect(s).toBeGreaterThan(0.95)
  }, 120_000)

  it('--exclude-head on yolox: the proposed end nodes are quantized, nothing after them', () => {
    const head = buildQuantizedStage(bytes, model, calibration.ranges, {
      ...recipe('per-channel'),
      excludeHead: true,
    })
    // 3 strides × (reg, obj, cls); only Reshape/Sigmoid/Concat/Transpose follow them, so every Conv stays quantized.
    expect(head.recipe.endNodes).toHaveLength(9)
    expect(head.recipe.quantizedNodes).toHaveLength(113)
    const excluded = buildQuantizedStage(bytes, model, calibration.ranges, {
      ...recipe('per-channel'),
      excluded: head.recipe.endNodes,
    })
    expect(excluded.recipe.quantizedNodes).toHaveLength(104)
  })

  it('per-channel weights are at least as close to float as per-tensor', () => {
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(results['per-channel']!)).toBeGreaterThanOrEqual(mean(results['per-tensor']!))
    expect(mean(scoreResults['per-channel']!)).toBeGreaterThan(mean(scoreResults['per-tensor']!))
  })

  it('activations after a DequantizeLinear lie on their grid', async () => {
    const variant = buildQuantizedStage(bytes, model, calibration.ranges, recipe('per-channel'))
    const q = decodeOnnxModel(variant.bytes)
    const picks = variant.recipe.activations.filter((_, i) => i % 15 === 1)
    const dqOut = picks.map(
      (a) =>
        q.graph.nodes.find((n) => n.opType === 'DequantizeLinear' && n.inputs[1] === `${a.tensor}_scale`)!
          .outputs[0]!,
    )
    const outputs = await outputsOf(variant.bytes, await tensorOf(evalImages[0]!), dqOut)
    picks.forEach((a, k) => {
      const t = outputs.get(dqOut[k]!)!
      let offGrid = 0
      for (const v of t.data) {
        const level = v / a.scale + a.zeroPoint
        const r = Math.round(level)
        if (Math.abs(level - r) > 1e-3 || r < 0 || r > 255) offGrid++
      }
      expect(offGrid, dqOut[k]).toBe(0)
      expect(t.data.length).toBeGreaterThan(0)
    })
  }, 120_000)
})

describe('calibrate: pictures that fail', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())

  it('skips and counts a corrupt or missing picture; refuses a set where none decodes', async () => {
    const bytes = readBytes(MODEL)
    const model = decodeOnnxModel(bytes)
    const bad = join(temp.dir, 'bad.jpg')
    writeFileSync(bad, 'not a jpeg')
    const real = (await openDataset(sharedFixture('coco128', 'data.yaml'), { split: 'train' })).images[0]!
    const image = (fileName: string, path: string, id: number): DatasetImage => ({
      id,
      fileName,
      width: 640,
      height: 480,
      path,
    })
    const dataset = (images: DatasetImage[]): Dataset => ({
      format: 'yolo',
      images,
      categories: [],
      annotations: [],
      classIndexToCategoryId: [],
      warnings: [],
    })
    const base = {
      model: bytes,
      inputName: 'images',
      tensors: activationTensorsToCalibrate(model, recipe('per-channel')).slice(0, 3),
      preprocess: spec,
      size: 3,
      intraOpThreads: 1,
    }
    const r = await calibrate({
      ...base,
      method: 'mse',
      dataset: dataset([
        image('bad.jpg', bad, 1),
        image(real.fileName, real.path!, 2),
        image('gone.jpg', join(temp.dir, 'gone.jpg'), 3),
      ]),
    })
    expect(r.images).toEqual([real.fileName])
    expect(r.skipped.map((s) => s.fileName)).toEqual(['bad.jpg', 'gone.jpg'])
    expect(r.ranges.size).toBe(3)
    await expect(calibrate({ ...base, dataset: dataset([image('bad.jpg', bad, 1)]) })).rejects.toThrow(
      /no calibration image could be read/,
    )
  }, 120_000)
})
