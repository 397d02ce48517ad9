/**
 * NMS: hand cases for every rule in nms.ts's header (strict vs inclusive thresholds, ties, per-class vs
 * agnostic, multi-label, caps, top-k, the class offset's float32 rounding), then random cases against a
 * brute-force reference written here the way torchvision's CPU kernel is written (suppression flags over
 * a stably sorted list).
 */
import { describe, expect, it } from 'vitest'
import type { Candidates, Detections } from '../../../../src-main/core/detect/detection-types'
import {
  candidateFloor,
  NMS_PROFILES,
  nmsOptionsFromHailo,
  runNms,
  type NmsOptions,
} from '../../../../src-main/core/detect/nms'
import { InvalidArgumentError } from '../../../../src-main/core/errors'

/** Rows of [x1, y1, x2, y2, ...scores]. */
function candidates(numClasses: number, rows: number[][]): Candidates {
  return {
    count: rows.length,
    numClasses,
    boxes: Float32Array.from(rows.flatMap((r) => r.slice(0, 4))),
    scores: Float32Array.from(rows.flatMap((r) => r.slice(4))),
    nmsApplied: false,
  }
}

const base: NmsOptions = {
  confThreshold: 0.1,
  confCompare: 'gt',
  iouThreshold: 0.5,
  iouCompare: 'gt',
  classAgnostic: false,
  multiLabel: false,
}

function summary(d: Detections): string[] {
  return Array.from({ length: d.count }, (_, i) => {
    const box = Array.from(d.boxes.subarray(i * 4, i * 4 + 4)).join(',')
    return `${d.classes[i]}:${d.scores[i]}@${box}`
  })
}

/** Just the x1 of each detection, enough to tell hand-placed boxes apart. */
const x1s = (d: Detections) => Array.from({ length: d.count }, (_, i) => d.boxes[i * 4]!)

describe('confidence threshold', () => {
  it("'gt' is strict and compares in float32, as torch does with a Python float", () => {
    const c = candidates(1, [
      [0, 0, 1, 1, 0.25],
      [10, 0, 11, 1, Math.fround(0.001)],
      [20, 0, 21, 1, 0.0011],
    ])
    expect(x1s(runNms(c, { ...base, confThreshold: 0.25 }))).toEqual([])
    // fround(0.001) > 0.001 in double, but not in float32: dropped.
    expect(x1s(runNms(c, { ...base, confThreshold: 0.001 }))).toEqual([0, 20])
  })

  it("'ge' keeps a score equal to the threshold (HailoRT)", () => {
    const c = candidates(1, [
      [0, 0, 1, 1, 0.25],
      [10, 0, 11, 1, 0.2499],
    ])
    expect(x1s(runNms(c, { ...base, confThreshold: 0.25, confCompare: 'ge' }))).toEqual([0])
  })

  it('candidateFloor is the lowest score that can pass', () => {
    expect(candidateFloor({ confThreshold: 0.001, confCompare: 'gt' })).toBe(Math.fround(0.001))
    expect(candidateFloor({ confThreshold: 0.2, confCompare: 'ge' })).toBe(0.2)
  })
})

describe('IoU threshold', () => {
  // [0,0,10,10] and [0,0,10,5]: intersection 50, union 100 → IoU exactly 0.5.
  const c = candidates(1, [
    [0, 0, 10, 10, 0.9],
    [0, 0, 10, 5, 0.8],
  ])
  it("'gt' suppresses only above the threshold (torchvision)", () => {
    expect(runNms(c, base).count).toBe(2)
    expect(runNms(c, { ...base, iouThreshold: 0.49 }).count).toBe(1)
  })
  it("'ge' suppresses at the threshold (HailoRT)", () => {
    expect(runNms(c, { ...base, iouCompare: 'ge' }).count).toBe(1)
  })
  it('touching boxes never suppress each other', () => {
    const touching = candidates(1, [
      [0, 0, 10, 10, 0.9],
      [10, 0, 20, 10, 0.8],
    ])
    expect(runNms(touching, { ...base, iouThreshold: 0, iouCompare: 'gt' }).count).toBe(2)
  })
  it('a suppressed box does not suppress others (greedy)', () => {
    // A suppresses B (IoU 0.6); B would suppress C (IoU 0.6) but C and A overlap only 0.25.
    const chain = candidates(1, [
      [0, 0, 10, 10, 0.9],
      [2.5, 0, 12.5, 10, 0.8],
      [5, 0, 15, 10, 0.7],
    ])
    expect(x1s(runNms(chain, base))).toEqual([0, 5])
  })
})

describe('ties', () => {
  it('equal scores keep row order: the first row wins and comes first', () => {
    const c = candidates(1, [
      [0, 0, 10, 10, 0.5],
      [0, 0, 10, 10, 0.5],
      [50, 0, 60, 10, 0.5],
      [1, 0, 11, 10, 0.5],
    ])
    expect(x1s(runNms(c, base))).toEqual([0, 50])
  })
  it('with multi-label, pairs tie in (row, class) order', () => {
    const c = candidates(2, [
      [0, 0, 10, 10, 0.5, 0.5],
      [20, 0, 30, 10, 0.5, 0.5],
    ])
    const d = runNms(c, { ...base, multiLabel: true })
    expect(summary(d)).toEqual(['0:0.5@0,0,10,10', '1:0.5@0,0,10,10', '0:0.5@20,0,30,10', '1:0.5@20,0,30,10'])
  })
  it('−0 and +0 tie', () => {
    const c = candidates(1, [
      [0, 0, 1, 1, 0],
      [5, 0, 6, 1, -0],
    ])
    expect(x1s(runNms(c, { ...base, confThreshold: 0, confCompare: 'ge' }))).toEqual([0, 5])
  })
})

describe('classes', () => {
  // Two rows on the same spot, best class 0 and 1.
  const c = candidates(2, [
    [0, 0, 10, 10, 0.9, 0.3],
    [0, 0, 10, 10, 0.2, 0.8],
  ])
  it('per-class NMS keeps overlapping boxes of different classes', () => {
    expect(summary(runNms(c, base))).toEqual([
      '0:' + Math.fround(0.9) + '@0,0,10,10',
      '1:' + Math.fround(0.8) + '@0,0,10,10',
    ])
  })
  it('class-agnostic NMS keeps only the best', () => {
    expect(runNms(c, { ...base, classAgnostic: true }).count).toBe(1)
  })
  it('multi-label makes every class above the threshold a candidate', () => {
    const d = runNms(c, { ...base, multiLabel: true })
    // Row 0 class 1 (0.3) is suppressed by row 1 class 1 (0.8); row 1 class 0 (0.2) by row 0 class 0 (0.9).
    expect(d.count).toBe(2)
    const apart = candidates(2, [[0, 0, 10, 10, 0.9, 0.3]])
    expect(summary(runNms(apart, { ...base, multiLabel: true }))).toEqual([
      '0:' + Math.fround(0.9) + '@0,0,10,10',
      '1:' + Math.fround(0.3) + '@0,0,10,10',
    ])
    expect(runNms(apart, base).count).toBe(1)
  })
  it('the best class is the first of equal maxima', () => {
    const tie = candidates(3, [[0, 0, 1, 1, 0.2, 0.7, 0.7]])
    expect(Array.from(runNms(tie, base).classes)).toEqual([1])
  })
  it('NaN scores never become candidates', () => {
    const nan = candidates(2, [[0, 0, 1, 1, NaN, 0.5]])
    expect(summary(runNms(nan, base))).toEqual(['1:0.5@0,0,1,1'])
    expect(summary(runNms(nan, { ...base, multiLabel: true }))).toEqual(['1:0.5@0,0,1,1'])
  })
})

describe('caps and top-k', () => {
  // Ten separate boxes, class (i % 2), score 0.9 − i/20.
  const rows = Array.from({ length: 10 }, (_, i) => {
    const s = 0.9 - i / 20
    return [i * 20, 0, i * 20 + 10, 10, i % 2 === 0 ? s : 0, i % 2 === 1 ? s : 0]
  })
  const c = candidates(2, rows)
  it('maxDetections keeps the best, in score order', () => {
    expect(x1s(runNms(c, { ...base, maxDetections: 3 }))).toEqual([0, 20, 40])
  })
  it('maxPerClass keeps the best of each class', () => {
    const d = runNms(c, { ...base, maxPerClass: 2 })
    expect(x1s(d)).toEqual([0, 20, 40, 60])
    expect(Array.from(d.classes)).toEqual([0, 1, 0, 1])
  })
  it('maxPerClass then maxDetections', () => {
    expect(x1s(runNms(c, { ...base, maxPerClass: 2, maxDetections: 3 }))).toEqual([0, 20, 40])
  })
  it('preNmsTopK drops pairs before NMS', () => {
    expect(x1s(runNms(c, { ...base, preNmsTopK: 4 }))).toEqual([0, 20, 40, 60])
    // Top-k runs before NMS: a suppressed box still takes a place.
    const crowded = candidates(1, [
      [0, 0, 10, 10, 0.9],
      [0, 0, 10, 10, 0.8],
      [50, 0, 60, 10, 0.7],
    ])
    expect(x1s(runNms(crowded, { ...base, preNmsTopK: 2 }))).toEqual([0])
  })
  it('class-agnostic: a class over its cap still suppresses other classes', () => {
    const d = candidates(2, [
      [0, 0, 10, 10, 0.9, 0],
      [20, 0, 30, 10, 0.8, 0],
      [20, 0, 30, 10, 0, 0.7],
    ])
    // Row 1 (class 0) is over the cap of 1 but still suppresses row 2 (class 1) in agnostic mode.
    expect(x1s(runNms(d, { ...base, classAgnostic: true, maxPerClass: 1 }))).toEqual([0])
    expect(x1s(runNms(d, { ...base, maxPerClass: 1 }))).toEqual([0, 20])
  })
})

describe('class offset (Ultralytics max_wh trick)', () => {
  // Class 79 (of 80). Without the shift IoU = 0.69963 ≤ 0.7: both kept. Shifted by 79·7680 the float32
  // corners round to 1/16 px and IoU = 0.70650 > 0.7: Ultralytics suppresses the second. (Found and
  // checked with NumPy float32 arithmetic written like torchvision's kernel.)
  const scores = (s: number) => Array.from({ length: 80 }, (_, k) => (k === 79 ? s : 0))
  const c = candidates(80, [
    [41.045780181884766, 47.96550369262695, 47.93791198730469, 60.33995056152344, ...scores(0.9)],
    [41.962127685546875, 47.2670783996582, 47.28742599487305, 61.31339645385742, ...scores(0.8)],
  ])
  const opts = { ...base, iouThreshold: 0.7 }
  it('is reproduced bit for bit when set', () => {
    expect(runNms(c, { ...opts, classOffset: 7680 }).count).toBe(1)
  })
  it('is not applied when unset (plain per-class NMS)', () => {
    expect(runNms(c, opts).count).toBe(2)
  })
  it('is not applied when class-agnostic (Ultralytics multiplies the offset by 0)', () => {
    expect(runNms(c, { ...opts, classOffset: 7680, classAgnostic: true }).count).toBe(2)
  })
})

describe('profiles', () => {
  it('ultralytics: val defaults', () => {
    expect(NMS_PROFILES.ultralytics).toEqual({
      confThreshold: 0.001,
      confCompare: 'gt',
      iouThreshold: 0.7,
      iouCompare: 'gt',
      classAgnostic: false,
      multiLabel: true,
      maxDetections: 300,
      preNmsTopK: 30000,
      classOffset: 7680,
    })
  })
  it('hailo: yolov8n_nms_config.json, inclusive, per-class cap', () => {
    expect(NMS_PROFILES.hailo).toEqual({
      confThreshold: 0.2,
      confCompare: 'ge',
      iouThreshold: 0.7,
      iouCompare: 'ge',
      classAgnostic: false,
      multiLabel: true,
      maxPerClass: 100,
    })
    // yolov5s_nms_config.json, as core/hailo's NmsSettings carries it.
    const yolov5s = nmsOptionsFromHailo({
      scoreThreshold: 0.001,
      iouThreshold: 0.6,
      maxProposalsPerClass: 80,
    })
    expect(yolov5s).toMatchObject({
      confThreshold: 0.001,
      iouThreshold: 0.6,
      maxPerClass: 80,
      iouCompare: 'ge',
    })
  })
  it('hailo: 150 separate boxes of one class → the 100 best', () => {
    const rows = Array.from({ length: 150 }, (_, i) => [i * 20, 0, i * 20 + 10, 10, 0.3 + i / 1000])
    const d = runNms(candidates(1, rows), NMS_PROFILES.hailo)
    expect(d.count).toBe(100)
    expect(d.boxes[0]).toBe(149 * 20)
    expect(d.boxes[99 * 4]).toBe(50 * 20)
  })
})

describe('bad input', () => {
  const c = candidates(1, [[0, 0, 1, 1, 0.5]])
  it.each([
    [{ confThreshold: NaN }, /confidence threshold must be a finite number/],
    [{ iouThreshold: 1.5 }, /IoU threshold must be within \[0, 1\]; got 1.5/],
    [{ maxDetections: 0 }, /maxDetections must be a whole number/],
    [{ preNmsTopK: 2.5 }, /preNmsTopK/],
    [{ classOffset: -1 }, /classOffset/],
  ])('%o', (patch, message) => {
    expect(() => runNms(c, { ...base, ...patch })).toThrow(InvalidArgumentError)
    expect(() => runNms(c, { ...base, ...patch })).toThrow(message)
  })
  it('inconsistent candidates', () => {
    expect(() => runNms({ ...c, count: 2 }, base)).toThrow(/inconsistent: 2 rows, 1 classes, 4 box values/)
  })
  it('no candidates', () => {
    expect(runNms(candidates(3, []), NMS_PROFILES.ultralytics)).toEqual({
      count: 0,
      boxes: new Float32Array(0),
      scores: new Float32Array(0),
      classes: new Int32Array(0),
    })
  })
})

// ---------------------------------------------------------------- brute force

/** Written like torchvision's nms_kernel_impl: float32 areas, then a suppressed[] pass over the sorted list. */
function referenceNms(c: Candidates, o: NmsOptions): string[] {
  const f = Math.fround
  const C = c.numClasses
  const conf = o.confCompare === 'gt' ? f(o.confThreshold) : o.confThreshold
  const passes = (s: number) => (o.confCompare === 'gt' ? s > conf : s >= conf)
  const pairs: { row: number; cls: number; score: number; n: number }[] = []
  for (let r = 0; r < c.count; r++) {
    const s = Array.from(c.scores.subarray(r * C, r * C + C))
    if (o.multiLabel) {
      s.forEach((v, k) => passes(v) && pairs.push({ row: r, cls: k, score: v, n: pairs.length }))
    } else {
      const best = s.reduce((b, v, k) => (v > s[b]! ? k : b), 0)
      if (passes(s[best]!)) pairs.push({ row: r, cls: best, score: s[best]!, n: pairs.length })
    }
  }
  pairs.sort((a, b) => b.score - a.score || a.n - b.n)
  const list = pairs.slice(0, o.preNmsTopK ?? pairs.length)
  const shift = (p: { cls: number }) =>
    o.classAgnostic || o.classOffset === undefined ? 0 : f(p.cls * o.classOffset)
  const boxes = list.map((p) => [0, 1, 2, 3].map((k) => f(c.boxes[p.row * 4 + k]! + shift(p))))
  const areas = boxes.map((b) => f(f(b[2]! - b[0]!) * f(b[3]! - b[1]!)))
  const suppressed = list.map(() => false)
  const keep: number[] = []
  for (let i = 0; i < list.length; i++) {
    if (suppressed[i]) continue
    keep.push(i)
    const bi = boxes[i]!
    for (let j = i + 1; j < list.length; j++) {
      if (suppressed[j] || (!o.classAgnostic && list[j]!.cls !== list[i]!.cls)) continue
      const bj = boxes[j]!
      const w = Math.max(0, f(Math.min(bi[2]!, bj[2]!) - Math.max(bi[0]!, bj[0]!)))
      const h = Math.max(0, f(Math.min(bi[3]!, bj[3]!) - Math.max(bi[1]!, bj[1]!)))
      const inter = f(w * h)
      const iou = f(inter / f(f(areas[i]! + areas[j]!) - inter))
      if (o.iouCompare === 'gt' ? iou > o.iouThreshold : iou >= o.iouThreshold) suppressed[j] = true
    }
  }
  const perClass = new Map<number, number>()
  const out: string[] = []
  for (const i of keep) {
    const p = list[i]!
    const n = perClass.get(p.cls) ?? 0
    if (n >= (o.maxPerClass ?? Infinity)) continue
    perClass.set(p.cls, n + 1)
    if (out.length < (o.maxDetections ?? Infinity)) {
      out.push(`${p.cls}:${p.score}@${Array.from(c.boxes.subarray(p.row * 4, p.row * 4 + 4)).join(',')}`)
    }
  }
  return out
}

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

describe('random cases against the brute-force reference', () => {
  const rnd = mulberry(2026)
  let suppressing = 0
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  for (let t = 0; t < 300; t++) {
    const numClasses = 1 + Math.floor(rnd() * 4)
    const count = Math.floor(rnd() * 70)
    // Boxes clustered around a few centres so that they overlap; scores from a coarse grid so that they tie.
    const centres = Array.from({ length: 3 }, () => [rnd() * 100, rnd() * 100])
    const rows = Array.from({ length: count }, () => {
      const [cx, cy] = pick(centres)
      const x = cx! + (rnd() - 0.5) * 12
      const y = cy! + (rnd() - 0.5) * 12
      const w = 4 + rnd() * 20
      const h = 4 + rnd() * 20
      const scores = Array.from({ length: numClasses }, () => (rnd() < 0.3 ? 0 : Math.round(rnd() * 10) / 10))
      return [x, y, x + w, y + h, ...scores]
    })
    const options: NmsOptions = {
      confThreshold: pick([0, 0.1, 0.3, 0.5]),
      confCompare: pick(['gt', 'ge'] as const),
      iouThreshold: pick([0.3, 0.45, 0.5, 0.7]),
      iouCompare: pick(['gt', 'ge'] as const),
      classAgnostic: rnd() < 0.3,
      multiLabel: rnd() < 0.5,
      ...(rnd() < 0.5 ? { maxDetections: 1 + Math.floor(rnd() * 20) } : {}),
      ...(rnd() < 0.4 ? { maxPerClass: 1 + Math.floor(rnd() * 6) } : {}),
      ...(rnd() < 0.3 ? { preNmsTopK: 1 + Math.floor(rnd() * 40) } : {}),
      ...(rnd() < 0.5 ? { classOffset: pick([7680, 100, 4096]) } : {}),
    }
    const c = candidates(numClasses, rows)
    const noSuppression = referenceNms(c, { ...options, iouThreshold: 1, iouCompare: 'gt' })
    if (referenceNms(c, options).length < noSuppression.length) suppressing++
    it(`case ${t}: ${count} rows, ${numClasses} classes`, () => {
      expect(summary(runNms(c, options))).toEqual(referenceNms(c, options))
    })
  }
  it('a good share of the cases suppress a box that the caps would have kept (the check is not vacuous)', () => {
    expect(suppressing).toBeGreaterThan(60)
  })
})

describe('many pairs (the lazily sorted path, ≥ 4096 pairs) against the reference', () => {
  const rnd = mulberry(99)
  const cases: [string, number, Partial<NmsOptions>][] = [
    ['Ultralytics-like, max_det 300', 1, { iouThreshold: 0.7, maxDetections: 300 }],
    ['no caps: every pair is visited', 1, { iouThreshold: 0.5 }],
    ['top-k cuts inside a bucket', 2, { multiLabel: true, preNmsTopK: 4200, iouThreshold: 0.6 }],
    [
      'hailo-like: inclusive, per-class cap',
      3,
      { ...NMS_PROFILES.hailo, confThreshold: 0.01, maxPerClass: 40 },
    ],
  ]
  for (const [label, numClasses, patch] of cases) {
    it(label, () => {
      // ≈ 4300 pairs over a 400×400 field; scores on a 1/4096 grid so that many tie (and ties would
      // straddle the 2048-pair chunks unless buckets kept them together).
      const rows = Array.from({ length: Math.ceil(4300 / numClasses) }, () => {
        const x = rnd() * 400
        const y = rnd() * 400
        const w = 5 + rnd() * 30
        const scores = Array.from({ length: numClasses }, () => Math.floor(rnd() * 4096) / 4096)
        return [x, y, x + w, y + w * (0.5 + rnd()), ...scores]
      })
      const c = candidates(numClasses, rows)
      const options = { ...base, confThreshold: 0.001, ...patch }
      const got = summary(runNms(c, options))
      expect(got.length).toBeGreaterThan(100)
      expect(got).toEqual(referenceNms(c, options))
    })
  }
})
