/**
 * Raw heads against tiny torch heads (test/fixtures/detect/make-raw-heads.py, 64×64 input, C = 3):
 * raw-v5 / raw-v8 decode of the end-node maps equals an independent float64 decode of the same maps, and
 * equals the yolov5 / yolov8 decode of the output the full Detect module exports — the parsed-vs-original
 * check a user needs when Hailo's parser cuts the head off.
 */
import { describe, expect, it } from 'vitest'
import { decodeRawV5 } from '../../../../src-main/core/detect/decoders/raw-v5'
import { decodeRawV8 } from '../../../../src-main/core/detect/decoders/raw-v8'
import { decodeYolov5 } from '../../../../src-main/core/detect/decoders/yolov5'
import { decodeYolov8 } from '../../../../src-main/core/detect/decoders/yolov8'
import type { Candidates, DecodeContext, NamedTensor } from '../../../../src-main/core/detect/detection-types'
import { candidateFloor, NMS_PROFILES, runNms } from '../../../../src-main/core/detect/nms'
import { DecodeError } from '../../../../src-main/core/errors'
import {
  fixtureFloat64,
  fixtureTensor,
  outputsOf,
  rawHeadsFixture,
  tensor,
} from '../../../helpers/detect-tensors'

const fx = rawHeadsFixture()
const ctx: DecodeContext = { inputWidth: fx.inputSize, inputHeight: fx.inputSize }
const TOL = 1e-4

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

function expectSame(c: Candidates, boxes: ArrayLike<number>, scores: ArrayLike<number>): void {
  expect(maxAbsDiff(c.boxes, boxes)).toBeLessThan(TOL)
  expect(maxAbsDiff(c.scores, scores)).toBeLessThan(TOL)
}

describe('raw-v5 (YOLOv5 Detect convs)', () => {
  const head = fx.yolov5
  const raw = head.raw.map(fixtureTensor)
  const expectedBoxes = fixtureFloat64(head.expected.boxes)
  const expectedScores = fixtureFloat64(head.expected.scores)

  it('the fixture is what the test expects: three maps [1, 3·8, H, W], 252 rows', () => {
    expect(raw.map((t) => t.dims)).toEqual([
      [1, 24, 8, 8],
      [1, 24, 4, 4],
      [1, 24, 2, 2],
    ])
    expect(head.expected.count).toBe(3 * (64 + 16 + 4))
    expect(head.anchors).toEqual([
      [10, 13, 16, 30, 33, 23],
      [30, 61, 62, 45, 59, 119],
      [116, 90, 156, 198, 373, 326],
    ])
  })

  it('decodes like the independent reference', () => {
    const c = decodeRawV5(outputsOf(...raw), ctx)
    expect(c).toMatchObject({ count: 252, numClasses: 3 })
    expectSame(c, expectedBoxes, expectedScores)
  })

  it('matches the yolov5 decode of the original [1, N, 5+C] output row for row (parsed vs original)', () => {
    const original = decodeYolov5(outputsOf(fixtureTensor(head.original)), ctx)
    const parsed = decodeRawV5(outputsOf(...raw), ctx)
    expectSame(parsed, original.boxes, original.scores)
    expectSame(original, expectedBoxes, expectedScores)
  })

  it('does not depend on the order of the outputs', () => {
    const c = decodeRawV5(outputsOf(raw[2]!, raw[0]!, raw[1]!), ctx)
    expectSame(c, expectedBoxes, expectedScores)
  })

  it('reads the Detect module’s own view [1, na, H, W, 5+C]', () => {
    const permuted = raw.map((t) => {
      const [, ch, h, w] = t.dims as [number, number, number, number]
      const no = ch / 3
      const out = new Float32Array(t.data.length)
      for (let a = 0; a < 3; a++)
        for (let k = 0; k < no; k++)
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++)
              out[((a * h + y) * w + x) * no + k] = t.data[((a * no + k) * h + y) * w + x]!
      return tensor(t.name, [1, 3, h, w, no], out)
    })
    expectSame(decodeRawV5(outputsOf(...permuted), ctx), expectedBoxes, expectedScores)
  })

  it('uses given anchors and refuses a count that does not match the levels', () => {
    const anchors = [
      [20, 26, 32, 60, 66, 46],
      [60, 122, 124, 90, 118, 238],
      [232, 180, 312, 396, 746, 652],
    ]
    const doubled = decodeRawV5(outputsOf(...raw), { ...ctx, anchors })
    const base = decodeRawV5(outputsOf(...raw), ctx)
    // Twice the anchors → twice the width and height about the same centre.
    for (let r = 0; r < 252; r += 17) {
      const w0 = base.boxes[r * 4 + 2]! - base.boxes[r * 4]!
      const w1 = doubled.boxes[r * 4 + 2]! - doubled.boxes[r * 4]!
      expect(w1).toBeCloseTo(2 * w0, 3)
    }
    expect(() => decodeRawV5(outputsOf(...raw), { ...ctx, anchors: anchors.slice(0, 2) })).toThrow(
      /2 anchor sets for 3 output maps/,
    )
  })
})

describe('raw-v8 (YOLOv8 cv2/cv3 end convs)', () => {
  const head = fx.yolov8
  const raw = head.raw.map(fixtureTensor)
  const expectedBoxes = fixtureFloat64(head.expected.boxes)
  const expectedScores = fixtureFloat64(head.expected.scores)
  const box = raw.filter((t) => t.name.includes('cv2'))
  const cls = raw.filter((t) => t.name.includes('cv3'))

  it('the fixture is what the test expects: box [1, 64, H, W] + cls [1, 3, H, W] per stride, 84 rows', () => {
    expect(box.map((t) => t.dims)).toEqual([
      [1, 64, 8, 8],
      [1, 64, 4, 4],
      [1, 64, 2, 2],
    ])
    expect(cls.map((t) => t.dims[1])).toEqual([3, 3, 3])
    expect(head.original.dims).toEqual([1, 7, 84])
  })

  it('decodes like the independent reference (DFL, anchors at cell centres)', () => {
    const c = decodeRawV8(outputsOf(...raw), ctx)
    expect(c).toMatchObject({ count: 84, numClasses: 3 })
    expectSame(c, expectedBoxes, expectedScores)
  })

  it('matches the yolov8 decode of the original [1, 4+C, N] output within 1e-4 (parsed vs original)', () => {
    const original = decodeYolov8(outputsOf(fixtureTensor(head.original)), ctx)
    const parsed = decodeRawV8(outputsOf(...raw), ctx)
    expectSame(parsed, original.boxes, original.scores)
    // And after NMS the detections are the same.
    const nms = { ...NMS_PROFILES.ultralytics, confThreshold: 0.05 }
    const a = runNms(original, nms)
    const b = runNms(parsed, nms)
    expect(Array.from(b.classes)).toEqual(Array.from(a.classes))
    expect(maxAbsDiff(b.boxes, a.boxes)).toBeLessThan(TOL)
  })

  it('pairs maps by grid size and tells box from cls without names, in any order', () => {
    const anonymous = [cls[2]!, box[0]!, box[2]!, cls[0]!, cls[1]!, box[1]!].map((t, i) => ({
      ...t,
      name: `out${i}`,
    }))
    expectSame(decodeRawV8(outputsOf(...anonymous), ctx), expectedBoxes, expectedScores)
  })

  it('reads per-level concatenated maps [1, 64 + C, H, W]', () => {
    const cat = box.map((b, i) => {
      const c = cls[i]!
      const data = new Float32Array(b.data.length + c.data.length)
      data.set(b.data)
      data.set(c.data, b.data.length)
      return tensor(`cat${i}`, [1, 67, b.dims[2]!, b.dims[3]!], data)
    })
    expectSame(decodeRawV8(outputsOf(...cat), ctx), expectedBoxes, expectedScores)
  })

  it('skips the sigmoid when the class maps already hold probabilities (HEF cls outputs)', () => {
    const activated: NamedTensor[] = cls.map((t) => ({
      ...t,
      data: t.data.map((v) => 1 / (1 + Math.exp(-v))),
    }))
    const c = decodeRawV8(outputsOf(...box, ...activated), { ...ctx, scoresActivated: true })
    expectSame(c, expectedBoxes, expectedScores)
  })

  it('minScore keeps the NMS result identical', () => {
    const options = { ...NMS_PROFILES.ultralytics, confThreshold: 0.3 }
    const all = runNms(decodeRawV8(outputsOf(...raw), ctx), options)
    const floored = decodeRawV8(outputsOf(...raw), { ...ctx, minScore: candidateFloor(options) })
    expect(floored.count).toBeLessThan(84)
    expect(runNms(floored, options)).toEqual(all)
  })

  it('rejects a lone box map', () => {
    expect(() => decodeRawV8(outputsOf(box[0]!), ctx)).toThrow(DecodeError)
  })
})
