/**
 * Each decoder on small synthetic outputs with hand-placed rows; expected boxes and scores are worked out
 * here from the published formulas (numbers in the comments), not by calling the code under test.
 */
import { describe, expect, it } from 'vitest'
import { decodeE2e } from '../../../../src-main/core/detect/decoders/e2e'
import { decodeNanodet } from '../../../../src-main/core/detect/decoders/nanodet'
import { decodeYolov5 } from '../../../../src-main/core/detect/decoders/yolov5'
import { decodeYolov8 } from '../../../../src-main/core/detect/decoders/yolov8'
import { decodeYolox } from '../../../../src-main/core/detect/decoders/yolox'
import type { Candidates, DecodeContext } from '../../../../src-main/core/detect/detection-types'
import { candidateFloor, NMS_PROFILES, runNms } from '../../../../src-main/core/detect/nms'
import { DecodeError } from '../../../../src-main/core/errors'
import { outputsOf, tensor, zeros } from '../../../helpers/detect-tensors'

/** Input 32×32: strides 8/16/32 give grids 4×4, 2×2, 1×1 = 21 cells (rows 0–15, 16–19, 20). */
const ctx32: DecodeContext = { inputWidth: 32, inputHeight: 32 }

function row(c: Candidates, r: number): { box: number[]; scores: number[] } {
  return {
    box: Array.from(c.boxes.subarray(r * 4, r * 4 + 4)),
    scores: Array.from(c.scores.subarray(r * c.numClasses, (r + 1) * c.numClasses)),
  }
}

function expectRow(c: Candidates, r: number, box: number[], scores: number[]): void {
  const got = row(c, r)
  got.box.forEach((v, i) => expect(v, `row ${r} box[${i}]`).toBeCloseTo(box[i]!, 4))
  got.scores.forEach((v, i) => expect(v, `row ${r} score[${i}]`).toBeCloseTo(scores[i]!, 6))
}

describe('yolov5 decoder', () => {
  // [1, 3, 5 + 2]: cx cy w h obj cls0 cls1
  const out = tensor(
    'output0',
    [1, 3, 7],
    [
      100,
      50,
      40,
      20,
      0.8,
      0.5,
      0.25, // → [80, 40, 120, 60], scores [0.4, 0.2]
      10,
      10,
      4,
      8,
      0.5,
      0.1,
      0.9, // → [8, 6, 12, 14], scores [0.05, 0.45]
      0,
      0,
      2,
      2,
      0.0,
      1,
      1, // → [-1, -1, 1, 1], scores [0, 0]
    ],
  )

  it('decodes cx, cy, w, h and multiplies objectness into the class scores', () => {
    const c = decodeYolov5(outputsOf(out), ctx32)
    expect(c).toMatchObject({ count: 3, numClasses: 2, nmsApplied: false })
    expectRow(c, 0, [80, 40, 120, 60], [0.4, 0.2])
    expectRow(c, 1, [8, 6, 12, 14], [0.05, 0.45])
    expectRow(c, 2, [-1, -1, 1, 1], [0, 0])
  })

  it('drops rows whose best score is below minScore', () => {
    const c = decodeYolov5(outputsOf(out), { ...ctx32, minScore: 0.3 })
    expect(c.count).toBe(2)
    expectRow(c, 1, [8, 6, 12, 14], [0.05, 0.45])
  })

  it('ignores columns after 5 + numClasses (a seg head’s mask coefficients)', () => {
    const seg = tensor('output0', [1, 1, 9], [100, 50, 40, 20, 0.8, 0.5, 0.25, 7, 7])
    const c = decodeYolov5(outputsOf(seg), { ...ctx32, numClasses: 2 })
    expectRow(c, 0, [80, 40, 120, 60], [0.4, 0.2])
  })

  it('picks the rank-3 output when old exports add the raw maps', () => {
    const raw = tensor('raw', [1, 3, 1, 1, 7], new Array(21).fill(0))
    expect(decodeYolov5(outputsOf(raw, out), ctx32).count).toBe(3)
  })

  it('says what it expected and lists the outputs when the layout is not its own', () => {
    const bad = tensor('boxes', [1, 4], [1, 2, 3, 4])
    expect(() => decodeYolov5(outputsOf(bad), ctx32)).toThrow(DecodeError)
    expect(() => decodeYolov5(outputsOf(bad), ctx32)).toThrow(
      /"boxes" \[1,4\].*--decoder \(yolov5, yolov8, yolox/,
    )
  })

  it('rejects a batch larger than one', () => {
    const b2 = tensor('output0', [2, 1, 7], new Array(14).fill(0))
    expect(() => decodeYolov5(outputsOf(b2), ctx32)).toThrow(/batch 2/)
  })
})

describe('yolov8 decoder', () => {
  // 21 anchors, C = 2. Anchor 3: cx 16, cy 8, w 10, h 4 → [11, 6, 21, 10]; cls [0.3, 0.6].
  // Anchor 20: cx 30, cy 30, w 8, h 8 → [26, 26, 34, 34]; cls [0.9, 0.0].
  const channelsFirst = zeros('output0', [1, 6, 21])
  const transposed = zeros('output0', [1, 21, 6])
  const put = (a: number, values: number[]) =>
    values.forEach((v, ch) => {
      channelsFirst.set([0, ch, a], v)
      transposed.set([0, a, ch], v)
    })
  put(3, [16, 8, 10, 4, 0.3, 0.6])
  put(20, [30, 30, 8, 8, 0.9, 0])

  it('decodes Ultralytics’ [1, 4+C, N]', () => {
    const c = decodeYolov8(outputsOf(channelsFirst), ctx32)
    expect(c).toMatchObject({ count: 21, numClasses: 2 })
    expectRow(c, 3, [11, 6, 21, 10], [0.3, 0.6])
    expectRow(c, 20, [26, 26, 34, 34], [0.9, 0])
    expectRow(c, 0, [0, 0, 0, 0], [0, 0])
  })

  it('decodes the transposed [1, N, 4+C] to the same candidates', () => {
    const a = decodeYolov8(outputsOf(channelsFirst), ctx32)
    const b = decodeYolov8(outputsOf(transposed), ctx32)
    expect(b).toEqual(a)
  })

  it('keeps only rows whose best score reaches minScore, in anchor order', () => {
    for (const out of [channelsFirst, transposed]) {
      const c = decodeYolov8(outputsOf(out), { ...ctx32, minScore: 0.5 })
      expect(c.count).toBe(2)
      expectRow(c, 0, [11, 6, 21, 10], [0.3, 0.6])
      expectRow(c, 1, [26, 26, 34, 34], [0.9, 0])
    }
  })

  it('orients by the anchor count, then by numClasses, then by the smaller dim', () => {
    // Neither dim is an anchor count of a 32² input: 6 < 10 → channels first.
    const small = zeros('o', [1, 6, 10])
    small.set([0, 0, 1], 5)
    expect(decodeYolov8(outputsOf(small), ctx32).count).toBe(10)
    // [1, 10, 6] with numClasses 6 → channels first (10 = 4 + 6), 6 anchors.
    const c = decodeYolov8(outputsOf(tensor('o', [1, 10, 6], new Array(60).fill(0))), {
      ...ctx32,
      numClasses: 6,
    })
    expect(c).toMatchObject({ count: 6, numClasses: 6 })
  })

  it('takes only numClasses classes from a segmentation head', () => {
    const seg = zeros('output0', [1, 4 + 2 + 3, 21])
    seg.set([0, 4, 0], 0.7)
    seg.set([0, 8, 0], 5) // a mask coefficient, not a class
    const c = decodeYolov8(outputsOf(seg, tensor('output1', [1, 3, 2, 2], new Array(12).fill(0))), {
      ...ctx32,
      numClasses: 2,
    })
    expect(c.numClasses).toBe(2)
    expectRow(c, 0, [0, 0, 0, 0], [0.7, 0])
  })
})

describe('yolox decoder', () => {
  // [1, 21, 5 + 2]: reg(4) obj cls0 cls1, cells s8 4×4, s16 2×2, s32 1×1.
  const out = zeros('output', [1, 21, 7])
  const put = (r: number, values: number[]) => values.forEach((v, k) => out.set([0, r, k], v))
  // Row 5 = stride 8, gx 1, gy 1: cx (0.5+1)·8 = 12, cy (0.25+1)·8 = 10, w e^{ln 2}·8 = 16, h 8 → [4, 6, 20, 14].
  put(5, [0.5, 0.25, Math.log(2), 0, 0.9, 0.1, 0.7])
  // Row 17 = stride 16, gx 1, gy 0: cx 16, cy 0, w h 16 → [8, −8, 24, 8].
  put(17, [0, 0, 0, 0, 0.5, 0.5, 0.5])
  // Row 20 = stride 32, (0, 0): cx 16, cy 16, w 32·0.5 = 16, h 32·0.25 = 8 → [8, 12, 24, 20].
  put(20, [0.5, 0.5, Math.log(0.5), Math.log(0.25), 1, 0.2, 0.3])

  it('adds the cell, scales by the stride and multiplies objectness in', () => {
    const c = decodeYolox(outputsOf(out), ctx32)
    expect(c).toMatchObject({ count: 21, numClasses: 2 })
    expectRow(c, 5, [4, 6, 20, 14], [0.09, 0.63])
    expectRow(c, 17, [8, -8, 24, 8], [0.25, 0.25])
    expectRow(c, 20, [8, 12, 24, 20], [0.2, 0.3])
    // Row 0 = stride 8, (0, 0), reg 0: cx 0, cy 0, w h 8.
    expectRow(c, 0, [-4, -4, 4, 4], [0, 0])
  })

  it('requires N to be the grid cell count of the input size', () => {
    expect(() => decodeYolox(outputsOf(out), { inputWidth: 64, inputHeight: 64 })).toThrow(
      /\[1, 84, 5\+C\]: 84 grid cells for a 64×64 input at strides 8\/16\/32/,
    )
  })

  it('handles a non-square input (ceil per side) and custom strides', () => {
    // 40×24 at strides 8/16: 5×3 + 3×2 = 21 cells. Row 15 = stride 16, (0, 0).
    const c = decodeYolox(outputsOf(out), { inputWidth: 40, inputHeight: 24, strides: [8, 16] })
    expect(c.count).toBe(21)
    // Row 17 = stride 16, gx 2, gy 0: cx 32, cy 0, w h 16.
    expectRow(c, 17, [24, -8, 40, 8], [0.25, 0.25])
  })
})

describe('nanodet decoder', () => {
  // C = 2, 8 bins. One-hot logits (60 at bin k) give distance k to well below 1e-20.
  const hot = (k: number) => Array.from({ length: 8 }, (_, i) => (i === k ? 60 : 0))
  const twoBins = (a: number, b: number) => Array.from({ length: 8 }, (_, i) => (i === a || i === b ? 60 : 0))
  const cls = [zeros('792', [1, 16, 2]), zeros('814', [1, 4, 2]), zeros('836', [1, 1, 2])]
  const reg = [zeros('795', [1, 16, 32]), zeros('817', [1, 4, 32]), zeros('839', [1, 1, 32])]
  const put = (level: number, r: number, scores: number[], dist: number[][]) => {
    scores.forEach((v, k) => cls[level]!.set([0, r, k], v))
    dist.flat().forEach((v, k) => reg[level]!.set([0, r, k], v))
  }
  // Stride 8, cell (1, 1) = row 5, centre (1.5·8, 1.5·8) = (12, 12); l 2, t 1, r 3, b 2.5 bins
  // → [12 − 16, 12 − 8, 12 + 24, 12 + 20] = [−4, 4, 36, 32].
  put(0, 5, [0.6, 0.1], [hot(2), hot(1), hot(3), twoBins(2, 3)])
  // Stride 32, cell (0, 0), centre (16, 16); l t r b = 0, 7, 1, 0 → [16, −208, 48, 16].
  put(2, 0, [0.2, 0.8], [hot(0), hot(7), hot(1), hot(0)])

  /** Uniform logits on the other rows: distance 3.5 bins each side. */
  function check(c: Candidates) {
    expect(c).toMatchObject({ count: 21, numClasses: 2 })
    expectRow(c, 5, [-4, 4, 36, 32], [0.6, 0.1])
    expectRow(c, 20, [16, -208, 48, 16], [0.2, 0.8])
    // Row 16 = stride 16, (0, 0): centre (8, 8), 3.5·16 = 56 each side.
    expectRow(c, 16, [-48, -48, 64, 64], [0, 0])
  }

  it('decodes per-stride outputs (nanodet-m’s six), centre (x + 0.5)·stride', () => {
    check(decodeNanodet(outputsOf(...cls, ...reg), ctx32))
  })

  it('pairs outputs by row count whatever their order, and tells cls from reg by width', () => {
    check(decodeNanodet(outputsOf(reg[2]!, cls[0]!, reg[0]!, cls[2]!, reg[1]!, cls[1]!), ctx32))
  })

  const concat = (parts: { data: Float32Array }[]) => {
    const all = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0))
    let o = 0
    for (const p of parts) {
      all.set(p.data, o)
      o += p.data.length
    }
    return all
  }

  it('decodes concatenated cls [1, N, C] + reg [1, N, 32]', () => {
    const c = tensor('cls', [1, 21, 2], concat(cls))
    const r = tensor('reg', [1, 21, 32], concat(reg))
    check(decodeNanodet(outputsOf(r, c), ctx32))
  })

  it('decodes one [1, N, C + 32] output, classes first', () => {
    const c = concat(cls)
    const r = concat(reg)
    const rows = new Float32Array(21 * 34)
    for (let i = 0; i < 21; i++) {
      rows.set(c.subarray(i * 2, i * 2 + 2), i * 34)
      rows.set(r.subarray(i * 32, i * 32 + 32), i * 34 + 2)
    }
    check(decodeNanodet(outputsOf(tensor('output', [1, 21, 34], rows)), ctx32))
  })

  it('uses centre x·stride for four strides (NanoDet-Plus) unless told otherwise', () => {
    // 32² at 8/16/32/64: 16 + 4 + 1 + 1 = 22 cells. Row 5 (stride 8, (1, 1)): centre (8, 8), uniform 3.5 bins.
    const rows = new Float32Array(22 * 34)
    rows[5 * 34] = 0.5
    const out = outputsOf(tensor('output', [1, 22, 34], rows))
    const plus = decodeNanodet(out, ctx32)
    expectRow(plus, 5, [-20, -20, 36, 36], [0.5, 0])
    const gfl = decodeNanodet(out, { ...ctx32, gridCellOffset: 0.5 })
    expectRow(gfl, 5, [-16, -16, 40, 40], [0.5, 0])
  })

  it('drops rows below minScore', () => {
    const c = decodeNanodet(outputsOf(...cls, ...reg), { ...ctx32, minScore: 0.5 })
    expect(c.count).toBe(2)
    expectRow(c, 0, [-4, 4, 36, 32], [0.6, 0.1])
    expectRow(c, 1, [16, -208, 48, 16], [0.2, 0.8])
  })

  it('rejects outputs that do not pair up into the grid', () => {
    expect(() => decodeNanodet(outputsOf(cls[0]!, reg[1]!), ctx32)).toThrow(
      /NanoDet outputs.*"792" \[1,16,2\]/,
    )
  })
})

describe('e2e decoder', () => {
  it('reads Ultralytics end2end rows x1 y1 x2 y2 score class', () => {
    const out = tensor(
      'output0',
      [1, 3, 6],
      [10, 20, 30, 40, 0.9, 2, 0, 0, 5, 5, 0.5, 0, 1, 1, 2, 2, 0.0001, 1],
    )
    const c = decodeE2e(outputsOf(out), ctx32)
    expect(c).toMatchObject({ count: 3, numClasses: 3, nmsApplied: true })
    expect(Array.from(c.classes!)).toEqual([2, 0, 1])
    expectRow(c, 0, [10, 20, 30, 40], [0, 0, 0.9])
    expectRow(c, 1, [0, 0, 5, 5], [0.5, 0, 0])
  })

  it('reads ONNX-NMS rows batch x1 y1 x2 y2 class score, dropping other batches', () => {
    const out = tensor(
      'dets',
      [3, 7],
      [0, 1, 2, 3, 4, 1, 0.75, 1, 1, 2, 3, 4, 0, 0.5, 0, 5, 6, 7, 8, 0, 0.25],
    )
    const c = decodeE2e(outputsOf(out), { ...ctx32, numClasses: 80 })
    expect(c).toMatchObject({ count: 2, numClasses: 80 })
    expect(Array.from(c.classes!)).toEqual([1, 0])
    expect(row(c, 0).box).toEqual([1, 2, 3, 4])
    expect(c.scores[1]).toBeCloseTo(0.75, 6)
    expect(c.scores[80]).toBeCloseTo(0.25, 6)
  })

  it('reads the score/class columns the other way round when column 6 is the integer one', () => {
    const out = tensor('dets', [1, 2, 7], [0, 1, 2, 3, 4, 0.75, 3, 0, 5, 6, 7, 8, 0.25, 1])
    const c = decodeE2e(outputsOf(out), ctx32)
    expect(Array.from(c.classes!)).toEqual([3, 1])
    expect(c.scores[3]).toBeCloseTo(0.75, 6)
  })

  it('drops padding rows (class −1) and rows under minScore; rejects classes beyond numClasses', () => {
    const out = tensor('o', [1, 3, 6], [0, 0, 1, 1, 0.9, 0, 0, 0, 0, 0, 0, -1, 0, 0, 1, 1, 0.01, 1])
    expect(decodeE2e(outputsOf(out), { ...ctx32, minScore: 0.5 }).count).toBe(1)
    expect(() => decodeE2e(outputsOf(out), { ...ctx32, numClasses: 1 })).toThrow(
      /holds class 1, but the model has 1/,
    )
  })

  it('runNms keeps the model’s rows: threshold, cap, then score order', () => {
    const out = tensor(
      'o',
      [1, 4, 6],
      [0, 0, 9, 9, 0.5, 0, 0, 0, 9, 9, 0.8, 1, 0, 0, 1, 1, 0.0005, 0, 5, 5, 9, 9, 0.6, 0],
    )
    const c = decodeE2e(outputsOf(out), ctx32)
    const all = runNms(c, NMS_PROFILES.ultralytics)
    expect(Array.from(all.scores)).toEqual([0.8, 0.6, 0.5].map(Math.fround))
    expect(Array.from(all.classes)).toEqual([1, 0, 0])
    // Overlapping boxes are not suppressed again; max_det cuts in model order (rows 0 and 1).
    const two = runNms(c, { ...NMS_PROFILES.ultralytics, maxDetections: 2 })
    expect(Array.from(two.scores)).toEqual([0.8, 0.5].map(Math.fround))
  })
})

describe('minScore = candidateFloor(options) changes nothing after NMS', () => {
  // Random [1, 21, 7] rows with many scores near the threshold.
  const rnd = mulberry(7)
  const values = Array.from({ length: 21 * 7 }, (_, i) => {
    const k = i % 7
    if (k < 2) return rnd() * 4
    if (k < 4) return rnd() * 1.5 - 1
    return rnd() < 0.3 ? 0.2 : rnd()
  })
  const out = outputsOf(tensor('output', [1, 21, 7], values))
  for (const profile of ['ultralytics', 'hailo'] as const) {
    it(`${profile} profile, YOLOX rows`, () => {
      const options = { ...NMS_PROFILES[profile], confThreshold: 0.2 }
      const all = runNms(decodeYolox(out, ctx32), options)
      const floored = decodeYolox(out, { ...ctx32, minScore: candidateFloor(options) })
      expect(floored.count).toBeLessThan(21)
      expect(runNms(floored, options)).toEqual(all)
    })
  }
})

function mulberry(seed: number): () => number {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
