/**
 * The parsed stage: the model cut at its end nodes, decoded on the host, must give the candidates the
 * original model's in-graph decode gives — under the same protocol (same input tensor). And a wrong host
 * decode (or a wrong colour order) must show up as a clear mismatch.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Candidates, ModelOutputs, NamedTensor } from '../../../../src-main/core/detect/detection-types'
import { decodeRawV5 } from '../../../../src-main/core/detect/decoders/raw-v5'
import { decodeRawV8 } from '../../../../src-main/core/detect/decoders/raw-v8'
import { decodeYolov5 } from '../../../../src-main/core/detect/decoders/yolov5'
import { decodeYolov8 } from '../../../../src-main/core/detect/decoders/yolov8'
import { decodeYolox } from '../../../../src-main/core/detect/decoders/yolox'
import { decodeNanodet } from '../../../../src-main/core/detect/decoders/nanodet'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { buildParsedStage } from '../../../../src-main/core/onnx/stage-parsed'
import { withSha256 } from '../../../../src-main/core/onnx/variant'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { runOnnx, uniform } from '../../../helpers/onnx-run'

interface Gap {
  box: number
  score: number
}

/** Largest box (px) and score differences between two candidate sets of the same rows. */
function gap(a: Candidates, b: Candidates): Gap {
  expect(b.count).toBe(a.count)
  expect(b.numClasses).toBe(a.numClasses)
  let box = 0
  let score = 0
  for (let i = 0; i < a.boxes.length; i++) box = Math.max(box, Math.abs(a.boxes[i]! - b.boxes[i]!))
  for (let i = 0; i < a.scores.length; i++) score = Math.max(score, Math.abs(a.scores[i]! - b.scores[i]!))
  return { box, score }
}

/** BGR <-> RGB of an NCHW [1, 3, H, W] tensor. */
function swapChannels(data: Float32Array): Float32Array {
  const plane = data.length / 3
  const out = new Float32Array(data.length)
  out.set(data.subarray(2 * plane), 0)
  out.set(data.subarray(plane, 2 * plane), plane)
  out.set(data.subarray(0, plane), 2 * plane)
  return out
}

describe('parsed stage, YOLOv8 head (torch export with DFL + sigmoid + concat in the graph)', () => {
  const bytes = readBytes(repoFixture('stages', 'yolov8_tiny.onnx'))
  // A "picture" whose colour channels differ (R bright, B dark), so a channel swap changes the input.
  const noise = uniform(3 * 64 * 64, 0, 0.2, 3)
  const input = {
    name: 'images',
    dims: [1, 3, 64, 64],
    data: noise.map((v, i) => v + [0.8, 0.4, 0][Math.floor(i / 4096)]!),
  }
  const ctx = { inputWidth: 64, inputHeight: 64, numClasses: 3 }

  it('cuts at the six end convs: outputs are the raw maps, decode and sigmoid are gone', async () => {
    const variant = await withSha256(buildParsedStage(bytes))
    expect(variant.stage).toBe('parsed')
    expect(variant.recipe).toMatchObject({ stage: 'parsed', family: 'yolov8', source: 'proposed' })
    expect(variant.sha256).toBe(createHash('sha256').update(variant.bytes).digest('hex'))
    const cut = decodeOnnxModel(variant.bytes)
    expect(cut.graph.outputs.map((v) => [v.name, v.shape])).toEqual([
      ['/model.22/cv2.0/cv2.0.2/Conv_output_0', [1, 64, 8, 8]],
      ['/model.22/cv3.0/cv3.0.2/Conv_output_0', [1, 3, 8, 8]],
      ['/model.22/cv2.1/cv2.1.2/Conv_output_0', [1, 64, 4, 4]],
      ['/model.22/cv3.1/cv3.1.2/Conv_output_0', [1, 3, 4, 4]],
      ['/model.22/cv2.2/cv2.2.2/Conv_output_0', [1, 64, 2, 2]],
      ['/model.22/cv3.2/cv3.2.2/Conv_output_0', [1, 3, 2, 2]],
    ])
    const ops = new Set(cut.graph.nodes.map((n) => n.opType))
    expect(ops.has('Softmax')).toBe(false)
    expect(ops.has('Concat')).toBe(false)
    expect(variant.bytes.byteLength).toBeLessThan(bytes.byteLength)
  })

  it('original (decodeYolov8) and parsed (decodeRawV8) agree: boxes within 1e-3 px, scores within 1e-5', async () => {
    const variant = buildParsedStage(bytes)
    const [original, parsed] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
    const a = decodeYolov8(original, ctx)
    const b = decodeRawV8(parsed, ctx)
    expect(a.count).toBe(84)
    const g = gap(a, b)
    console.info(
      `yolov8 parsed vs original: max box diff ${g.box.toExponential(2)} px, max score diff ${g.score.toExponential(2)}`,
    )
    expect(g.box).toBeLessThan(1e-3)
    expect(g.score).toBeLessThan(1e-5)
  })

  it('a wrong host decode or colour order shows as a clear mismatch', async () => {
    const variant = buildParsedStage(bytes)
    const bgr = { ...input, data: swapChannels(input.data) }
    const [original, parsed, parsedBgr] = await Promise.all([
      runOnnx(bytes, input),
      runOnnx(variant.bytes, input),
      runOnnx(variant.bytes, bgr),
    ])
    const a = decodeYolov8(original, ctx)
    // Class logits taken as probabilities (no sigmoid on the host).
    expect(gap(a, decodeRawV8(parsed, { ...ctx, scoresActivated: true })).score).toBeGreaterThan(0.05)
    // Anchors at cell corners instead of centres (grid offset 0 instead of Ultralytics' 0.5): half a stride.
    expect(gap(a, decodeRawV8(parsed, { ...ctx, gridCellOffset: 0 })).box).toBeGreaterThanOrEqual(4 - 1e-3)
    // No DFL softmax: the box side as Σ k·bin over raw logits instead of the softmax expectation.
    expect(gap(a, noSoftmaxV8(parsed)).box).toBeGreaterThan(1)
    // The image fed BGR where the model wants RGB: far outside the tolerance (random tiny weights damp
    // the input, so the gap is small in absolute terms; on a trained model it is whole boxes).
    const g = gap(a, decodeRawV8(parsedBgr, ctx))
    console.info(
      `yolov8 parsed fed BGR: max box diff ${g.box.toExponential(2)} px, max score diff ${g.score.toExponential(2)}`,
    )
    expect(g.box).toBeGreaterThan(20 * 1e-3)
    expect(g.score).toBeGreaterThan(20 * 1e-5)
  })
})

/** A deliberately wrong raw-v8 decode (no softmax over the 16 bins), for the failure-mode test. */
function noSoftmaxV8(outputs: ModelOutputs): Candidates {
  const list = [...outputs.values()]
  const boxes: number[] = []
  const scores: number[] = []
  for (let l = 0; l < list.length; l += 2) {
    const box = list[l]!
    const cls = list[l + 1]!
    const [, , h = 0, w = 0] = box.dims
    const s = 64 / h
    const plane = h * w
    for (let cell = 0; cell < plane; cell++) {
      const x = cell % w
      const y = Math.floor(cell / w)
      const side = (k: number) => {
        let d = 0
        for (let b = 0; b < 16; b++) d += b * box.data[(k * 16 + b) * plane + cell]!
        return d
      }
      boxes.push(
        (x + 0.5 - side(0)) * s,
        (y + 0.5 - side(1)) * s,
        (x + 0.5 + side(2)) * s,
        (y + 0.5 + side(3)) * s,
      )
      for (let c = 0; c < 3; c++) scores.push(1 / (1 + Math.exp(-cls.data[c * plane + cell]!)))
    }
  }
  return {
    count: boxes.length / 4,
    numClasses: 3,
    boxes: Float32Array.from(boxes),
    scores: Float32Array.from(scores),
    nmsApplied: false,
  }
}

/**
 * YOLOX host decode of the parsed maps: per stride [reg (4), σ(obj) (1), σ(cls) (C)] on channels, cells
 * row-major, strides ascending → [1, N, 5 + C], which is the original graph's output before its grid
 * decode, so decodeYolox applies as on the original.
 */
function yoloxRows(parsed: ModelOutputs, names: readonly string[], sigmoid = true): ModelOutputs {
  const act = sigmoid ? (v: number) => 1 / (1 + Math.exp(-v)) : (v: number) => v
  const maps = names.map((n) => parsed.get(n)!)
  const levels: Array<[NamedTensor, NamedTensor, NamedTensor]> = []
  for (let i = 0; i < maps.length; i += 3) levels.push([maps[i]!, maps[i + 1]!, maps[i + 2]!])
  const numClasses = levels[0]![2].dims[1]!
  const k = 5 + numClasses
  const cells = levels.reduce((n, [r]) => n + r.dims[2]! * r.dims[3]!, 0)
  const out = new Float32Array(cells * k)
  let row = 0
  for (const [reg, obj, cls] of levels) {
    const plane = reg.dims[2]! * reg.dims[3]!
    for (let c = 0; c < plane; c++, row++) {
      for (let j = 0; j < 4; j++) out[row * k + j] = reg.data[j * plane + c]!
      out[row * k + 4] = act(obj.data[c]!)
      for (let j = 0; j < numClasses; j++) out[row * k + 5 + j] = act(cls.data[j * plane + c]!)
    }
  }
  return new Map([['output', { name: 'output', dims: [1, cells, k], data: out }]])
}

describe('parsed stage, YOLOX (yolox_nano fixture: cut before the final sigmoids and concat)', () => {
  const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
  const input = { name: 'images', dims: [1, 3, 416, 416], data: uniform(3 * 416 * 416, 0, 255, 11) }
  const ctx = { inputWidth: 416, inputHeight: 416 }

  it('host decode of the nine raw maps equals the original output decode', async () => {
    const variant = buildParsedStage(bytes)
    const names = variant.recipe.endNodes.map((e) => e.output)
    expect(variant.recipe.endNodes.map((e) => e.role).slice(0, 3)).toEqual(['box', 'obj', 'cls'])
    const cut = decodeOnnxModel(variant.bytes)
    expect(cut.graph.outputs.map((v) => v.name)).toEqual(names)
    expect(cut.graph.nodes.some((n) => n.opType === 'Transpose')).toBe(false)
    const [original, parsed] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
    const a = decodeYolox(original, ctx)
    const b = decodeYolox(yoloxRows(parsed, names), ctx)
    expect(a.count).toBe(3549)
    const g = gap(a, b)
    console.info(
      `yolox parsed vs original: max box diff ${g.box.toExponential(2)} px, max score diff ${g.score.toExponential(2)}`,
    )
    expect(g.box).toBeLessThan(1e-3)
    expect(g.score).toBeLessThan(1e-5)

    // Forgetting the sigmoids the cut removed: scores are nowhere near.
    expect(gap(a, decodeYolox(yoloxRows(parsed, names, false), ctx)).score).toBeGreaterThan(0.1)
  })

  it('Hailo Model Zoo style YOLOX end nodes (reg Conv, obj and cls Sigmoids) decode the same', async () => {
    const proposal = buildParsedStage(bytes).recipe.endNodes
    const model = decodeOnnxModel(bytes)
    const sigmoidAfter = (output: string) =>
      model.graph.nodes.find((n) => n.opType === 'Sigmoid' && n.inputs[0] === output)!.name
    // As yolox_tiny.yaml lists them: Conv_261, Sigmoid_263, Sigmoid_264, … per stride.
    const names = proposal.map((e) => (e.role === 'box' ? e.name : sigmoidAfter(e.output)))
    const variant = buildParsedStage(bytes, { endNodes: names })
    expect(variant.recipe.source).toBe('user')
    expect(variant.recipe.endNodes.map((e) => e.role).slice(0, 3)).toEqual(['box', 'obj', 'cls'])
    const outputs = variant.recipe.endNodes.map((e) => e.output)
    const [original, parsed] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
    const g = gap(decodeYolox(original, ctx), decodeYolox(yoloxRows(parsed, outputs, false), ctx))
    expect(g.box).toBeLessThan(1e-3)
    expect(g.score).toBeLessThan(1e-5)
  })

  it('user end nodes that do not exist or do not separate the graph are refused', () => {
    expect(() => buildParsedStage(bytes, { endNodes: ['Conv_999'] })).toThrow(/"Conv_999" not found/)
    expect(() => buildParsedStage(bytes, { endNodes: ['Conv_393', 'Conv_394', 'Conv_380'] })).toThrow(
      /do not separate the graph/,
    )
  })

  it('a model with no image input is refused', () => {
    expect(() => buildParsedStage(readBytes(repoFixture('stages', 'no_image_input.onnx')))).toThrow(
      /no image input/,
    )
  })
})

/**
 * NanoDet host decode of the parsed maps: each [1, C + 4·bins, H, W] map split on channels (classes
 * first, as the graph's Split does), σ on the classes, cells row-major → cls [1, n, C], reg [1, n, 4·bins].
 */
function nanodetRows(parsed: ModelOutputs, numClasses: number): ModelOutputs {
  const out = new Map<string, NamedTensor>()
  let level = 0
  for (const t of parsed.values()) {
    const [, ch = 0, h = 0, w = 0] = t.dims
    const plane = h * w
    const reg = ch - numClasses
    const cls = new Float32Array(plane * numClasses)
    const box = new Float32Array(plane * reg)
    for (let c = 0; c < plane; c++) {
      for (let j = 0; j < numClasses; j++)
        cls[c * numClasses + j] = 1 / (1 + Math.exp(-t.data[j * plane + c]!))
      for (let j = 0; j < reg; j++) box[c * reg + j] = t.data[(numClasses + j) * plane + c]!
    }
    out.set(`cls${level}`, { name: `cls${level}`, dims: [1, plane, numClasses], data: cls })
    out.set(`reg${level}`, { name: `reg${level}`, dims: [1, plane, reg], data: box })
    level++
  }
  return out
}

describe('parsed stage, NanoDet (nanodet_m fixture: cut at the Conv before each Split)', () => {
  it('host decode of the three raw maps equals the original outputs decode', async () => {
    const bytes = readBytes(sharedFixture('models', 'nanodet_m.onnx'))
    const input = { name: 'input.1', dims: [1, 3, 416, 416], data: uniform(3 * 416 * 416, -2, 2, 13) }
    const ctx = { inputWidth: 416, inputHeight: 416, numClasses: 80 }
    const variant = buildParsedStage(bytes)
    expect(variant.recipe.family).toBe('nanodet')
    const [original, parsed] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
    const a = decodeNanodet(original, ctx)
    const b = decodeNanodet(nanodetRows(parsed, 80), ctx)
    expect(a.count).toBe(2704 + 676 + 169)
    const g = gap(a, b)
    console.info(
      `nanodet parsed vs original: max box diff ${g.box.toExponential(2)} px, max score diff ${g.score.toExponential(2)}`,
    )
    expect(g.box).toBeLessThan(1e-3)
    expect(g.score).toBeLessThan(1e-5)
  })
})

describe('parsed stage, YOLOv5 head (torch export with the grid/anchor decode in the graph)', () => {
  it('original (decodeYolov5) and parsed (decodeRawV5) agree', async () => {
    const bytes = readBytes(repoFixture('stages', 'yolov5_tiny.onnx'))
    const input = { name: 'images', dims: [1, 3, 64, 64], data: uniform(3 * 64 * 64, 0, 1, 17) }
    const ctx = { inputWidth: 64, inputHeight: 64, numClasses: 3 }
    const variant = buildParsedStage(bytes)
    expect(variant.recipe.family).toBe('yolov5')
    const [original, parsed] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
    const a = decodeYolov5(original, ctx)
    const b = decodeRawV5(parsed, ctx)
    expect(a.count).toBe(3 * 84)
    const g = gap(a, b)
    console.info(
      `yolov5 parsed vs original: max box diff ${g.box.toExponential(2)} px, max score diff ${g.score.toExponential(2)}`,
    )
    expect(g.box).toBeLessThan(1e-3)
    expect(g.score).toBeLessThan(1e-5)
  })
})
