/**
 * COCO bbox evaluation against pycocotools: the golden files pycocotools produced (../shared/fixtures/
 * golden), and edge cases whose expected values come from test/fixtures/metrics/cocoeval_reference.py,
 * a NumPy transcription of cocoeval.py that reproduces those golden files exactly (`check-golden`).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Detection } from '../../../../src-main/core/datasets/dataset'
import { InvalidArgumentError } from '../../../../src-main/core/errors'
import {
  COCO_IOU_THRESHOLDS,
  COCO_RECALL_THRESHOLDS,
  evaluateCoco,
  numpySum,
  prCurve,
  precisionIndex,
  recallIndex,
  type CocoEvalResult,
  type CocoGroundTruth,
} from '../../../../src-main/core/metrics/coco-eval'
import { readCocoCase } from '../../../helpers/coco-json'
import { repoFixture, sharedFixture } from '../../../helpers/fixtures'

const TOL = 1e-9
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)))
  return worst
}

describe.each(['synthetic-11', 'synthetic-12', 'coco128-jitter-21'])(
  'golden case %s (pycocotools)',
  (name) => {
    const { gt, dets } = readCocoCase(
      sharedFixture('golden', name, 'gt.json'),
      sharedFixture('golden', name, 'dets.json'),
    )
    const expected = JSON.parse(readFileSync(sharedFixture('golden', name, 'expected.json'), 'utf8')) as {
      stats: number[]
      per_class_ap: Record<string, number>
    }
    const result = evaluateCoco(gt, dets)

    it('all 12 stats within 1e-9', () => {
      for (let i = 0; i < 12; i++) {
        const diff = Math.abs(result.stats[i]! - expected.stats[i]!)
        expect(diff <= TOL, `stats[${i}]: ${result.stats[i]} vs ${expected.stats[i]}`).toBe(true)
      }
    })

    it('every per-class AP within 1e-9', () => {
      expect(result.perClass.map((c) => String(c.categoryId))).toEqual(Object.keys(expected.per_class_ap))
      for (const c of result.perClass) {
        const want = expected.per_class_ap[String(c.categoryId)]!
        expect(Math.abs(c.ap - want) <= TOL, `AP of class ${c.categoryId}: ${c.ap} vs ${want}`).toBe(true)
      }
    })

    it('agrees to the last bit (NumPy pairwise means, same operation order)', () => {
      const worst = Math.max(
        maxDiff(result.stats, expected.stats),
        maxDiff(
          result.perClass.map((c) => c.ap),
          result.perClass.map((c) => expected.per_class_ap[String(c.categoryId)]!),
        ),
      )
      expect(worst).toBe(0)
    })
  },
)

/** The reference is only worth its expected values if it reproduces pycocotools' own output. */
const python = '/usr/bin/python3'
const hasNumpy = (() => {
  try {
    execFileSync(python, ['-c', 'import numpy'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
describe('the NumPy reference itself', () => {
  it.skipIf(!hasNumpy)('reproduces the pycocotools golden files exactly (check-golden)', () => {
    const out = execFileSync(
      python,
      [repoFixture('metrics', 'cocoeval_reference.py'), 'check-golden', sharedFixture('golden')],
      { encoding: 'utf8' },
    )
    expect(out).toMatch(/coco128-jitter-21: max \|reference - pycocotools\| = 0\n/)
    expect(out.match(/= 0\n/g)).toHaveLength(3)
  })
})

interface ReferenceCase {
  description: string
  options?: { maxDets: number[] }
  stats: number[]
  per_class: Record<string, { ap: number; ap50: number; ap75: number }>
  ignored: { unknownImage: number; unknownCategory: number }
  params: { iouThrs: number[]; recThrs: number[]; maxDets: number[]; catIds: number[] }
  recall: number[]
  precision_kamtr_rle: [number, number][]
  scores_kamtr_rle: [number, number][]
}

/** Undo the reference's run-length encoding of an array written in [K, A, M, T, R] order, back to [T, R, K, A, M]. */
function fromKamtr(rle: [number, number][], r: CocoEvalResult): Float64Array {
  const { T, R, K, A, M } = r.dims
  const flat: number[] = []
  for (const [v, n] of rle) for (let i = 0; i < n; i++) flat.push(v)
  expect(flat.length).toBe(T * R * K * A * M)
  const out = new Float64Array(flat.length)
  let i = 0
  for (let k = 0; k < K; k++)
    for (let a = 0; a < A; a++)
      for (let m = 0; m < M; m++)
        for (let t = 0; t < T; t++)
          for (let q = 0; q < R; q++) out[precisionIndex(r.dims, t, q, k, a, m)] = flat[i++]!
  return out
}

const casesDir = repoFixture('metrics', 'cocoeval')
const caseNames = existsSync(casesDir) ? readdirSync(casesDir).sort() : []

describe('edge cases against the NumPy transcription of cocoeval.py', () => {
  it('has its cases', () => {
    expect(caseNames.length).toBeGreaterThanOrEqual(14)
  })

  describe.each(caseNames)('%s', (name) => {
    const dir = path.join(casesDir, name)
    const { gt, dets } = readCocoCase(path.join(dir, 'gt.json'), path.join(dir, 'dets.json'))
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as ReferenceCase
    const result = evaluateCoco(gt, dets, expected.options ?? {})

    it(`stats and per-class AP / AP50 / AP75 (${expected.description})`, () => {
      expect(maxDiff(result.stats, expected.stats)).toBeLessThanOrEqual(TOL)
      expect(result.perClass.map((c) => String(c.categoryId))).toEqual(Object.keys(expected.per_class))
      for (const c of result.perClass) {
        const want = expected.per_class[String(c.categoryId)]!
        expect(maxDiff([c.ap, c.ap50, c.ap75], [want.ap, want.ap50, want.ap75])).toBeLessThanOrEqual(TOL)
      }
    })

    it('precision, recall and scores arrays, cell by cell', () => {
      expect(result.params.maxDets).toEqual(expected.params.maxDets)
      expect(result.params.catIds).toEqual(expected.params.catIds)
      expect(maxDiff(result.recall, expected.recall)).toBeLessThanOrEqual(TOL)
      expect(maxDiff(result.precision, fromKamtr(expected.precision_kamtr_rle, result))).toBeLessThanOrEqual(
        TOL,
      )
      expect(maxDiff(result.scores, fromKamtr(expected.scores_kamtr_rle, result))).toBeLessThanOrEqual(TOL)
    })

    it('counts the detections it left out', () => {
      expect(result.ignored).toEqual(expected.ignored)
    })

    it('uses NumPy linspace thresholds, bit for bit', () => {
      expect([...COCO_IOU_THRESHOLDS]).toEqual(expected.params.iouThrs)
      expect([...COCO_RECALL_THRESHOLDS]).toEqual(expected.params.recThrs)
    })
  })
})

/** Values derived by hand, independent of both implementations. */
describe('hand-derived cases', () => {
  const gtOf = (
    boxes: [number, number, number, number][],
    opts: { crowd?: boolean[]; categoryIds?: number[] } = {},
  ): CocoGroundTruth => ({
    images: [{ id: 1, fileName: '1.jpg', width: 640, height: 480 }],
    categories: (opts.categoryIds ?? [1]).map((id) => ({ id, name: `c${id}` })),
    annotations: boxes.map((b, j) => ({
      id: j + 1,
      imageId: 1,
      categoryId: 1,
      bbox: b,
      area: b[2] * b[3],
      iscrowd: opts.crowd?.[j] ?? false,
    })),
  })
  const det = (
    bbox: [number, number, number, number],
    score: number,
    imageId = 1,
    categoryId = 1,
  ): Detection => ({
    imageId,
    categoryId,
    bbox,
    score,
  })

  it('a perfect detection scores 1 / (1 + 2⁻⁵²), not 1 (the eps in tp / (tp + fp + eps))', () => {
    const r = evaluateCoco(gtOf([[10, 10, 50, 50]]), [det([10, 10, 50, 50], 0.9)])
    const p = 1 / (1 + 2 ** -52)
    expect(r.stats[0]).toBe(p)
    expect(r.stats[1]).toBe(0.9999999999999999) // np.mean(np.full(101, p)): the pairwise sum rounds
    expect(r.stats[4]).toBe(p) // 2500 px² is medium
    expect(r.stats[3]).toBe(-1) // no small gt
    expect(r.stats[8]).toBe(1)
    expect(r.perClass[0]).toMatchObject({ categoryId: 1, ap: p, nGt: 1, nCrowd: 0, nDt: 1 })
  })

  it('no detections: AP and AR 0 where gt exists, -1 elsewhere', () => {
    const r = evaluateCoco(gtOf([[0, 0, 10, 10]]), [])
    expect(r.stats).toEqual([0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1])
    expect(r.perClass[0]!.ap).toBe(0)
  })

  it('a class without ground truth reads -1 and stays out of the means', () => {
    const r = evaluateCoco(gtOf([[0, 0, 10, 10]], { categoryIds: [1, 2] }), [
      det([0, 0, 10, 10], 0.9),
      det([0, 0, 10, 10], 0.8, 1, 2),
    ])
    expect(r.perClass.map((c) => c.ap)).toEqual([1 / (1 + 2 ** -52), -1])
    expect(r.stats[0]).toBe(1 / (1 + 2 ** -52))
  })

  it('a false positive ranked above the true positive halves precision: AP 0.5 at every threshold', () => {
    // Scores 0.9 (FP), 0.8 (TP): pr = [0, 1/2], envelope [1/2, 1/2]; recall 1 at index 1.
    const r = evaluateCoco(gtOf([[0, 0, 10, 10]]), [det([200, 200, 10, 10], 0.9), det([0, 0, 10, 10], 0.8)])
    expect(r.stats[0]).toBe(0.5)
    // maxDets 1 keeps only the FP: recall 0.
    expect(r.stats[6]).toBe(0)
    expect(r.stats[7]).toBe(1)
  })

  it('a detection inside a crowd region is neither TP nor FP (IoU = intersection / detection area)', () => {
    // The det lies wholly inside the crowd box: IoU 1 with the crowd, so it is ignored; the regular gt is missed.
    const r = evaluateCoco(
      gtOf(
        [
          [0, 0, 100, 100],
          [300, 300, 10, 10],
        ],
        { crowd: [true, false] },
      ),
      [det([10, 10, 20, 20], 0.9)],
    )
    expect(r.stats[0]).toBe(0)
    expect(r.perClass[0]).toMatchObject({ nGt: 1, nCrowd: 1 })
    const at = precisionIndex(r.dims, 0, 0, 0, 0, 2)
    expect(r.precision[at]).toBe(0) // no TP anywhere: precision 0 at recall 0 (nd = 1, rc = [0])
    expect(r.scores[at]).toBe(0.9)
    expect(r.recall[recallIndex(r.dims, 0, 0, 0, 2)]).toBe(0)
  })

  it('IoU exactly 0.5 matches at threshold 0.5 (>=), not at 0.55', () => {
    const r = evaluateCoco(gtOf([[0, 0, 10, 10]]), [det([0, 0, 10, 5], 0.9)])
    expect(r.recall[recallIndex(r.dims, 0, 0, 0, 2)]).toBe(1)
    expect(r.recall[recallIndex(r.dims, 1, 0, 0, 2)]).toBe(0)
  })

  it('detections on unknown images and classes are counted, not evaluated', () => {
    const r = evaluateCoco(gtOf([[0, 0, 10, 10]]), [
      det([0, 0, 10, 10], 0.9),
      det([0, 0, 10, 10], 0.95, 42),
      det([0, 0, 10, 10], 0.95, 1, 7),
    ])
    expect(r.ignored).toEqual({ unknownImage: 1, unknownCategory: 1 })
    expect(r.stats[0]).toBe(1 / (1 + 2 ** -52))
  })

  it('counts ground truth left out: unknown image, unknown category, duplicated ids', () => {
    const gt = gtOf([
      [0, 0, 10, 10],
      [20, 20, 10, 10],
    ])
    gt.annotations.push(
      { id: 7, imageId: 99, categoryId: 1, bbox: [0, 0, 5, 5], area: 25, iscrowd: false },
      { id: 8, imageId: 1, categoryId: 42, bbox: [0, 0, 5, 5], area: 25, iscrowd: false },
      { id: 1, imageId: 1, categoryId: 1, bbox: [50, 50, 10, 10], area: 100, iscrowd: false },
    )
    const r = evaluateCoco(gt, [det([50, 50, 10, 10], 0.9)])
    expect(r.ignoredGt).toEqual({ unknownImage: 1, unknownCategory: 1, duplicateId: 1 })
    // pycocotools loads id 1 twice as its last annotation ([50, 50, 10, 10]): 3 gt, one found.
    expect(r.perClass[0]!.nGt).toBe(3)
    expect(r.recall[recallIndex(r.dims, 0, 0, 0, 2)]).toBe(1 / 3)
  })

  it('prCurve reads precision[t, :, k, a, m] and finds 0.65 among the linspace thresholds', () => {
    const r = evaluateCoco(gtOf([[0, 0, 10, 10]]), [det([200, 200, 10, 10], 0.9), det([0, 0, 10, 10], 0.8)])
    const curve = prCurve(r, 1)
    expect(curve.recall).toHaveLength(101)
    expect([...curve.precision]).toEqual(new Array(101).fill(0.5))
    expect(curve.scores[100]).toBe(0.8)
    expect(prCurve(r, 1, { iouThr: 0.65 }).iouThr).toBe(COCO_IOU_THRESHOLDS[3])
    expect(() => prCurve(r, 2)).toThrow(InvalidArgumentError)
  })

  it('rejects NaN scores, non-finite boxes and bad maxDets with typed errors', () => {
    const gt = gtOf([[0, 0, 10, 10]])
    expect(() => evaluateCoco(gt, [det([0, 0, 10, 10], NaN)])).toThrow(InvalidArgumentError)
    expect(() => evaluateCoco(gt, [det([0, Infinity, 10, 10], 0.5)])).toThrow(InvalidArgumentError)
    expect(() => evaluateCoco(gt, [], { maxDets: [1, 10] })).toThrow(InvalidArgumentError)
    expect(() => evaluateCoco(gt, [], { maxDets: [1, 10, 10] })).toThrow(InvalidArgumentError)
  })

  it('an empty ground truth gives -1 everywhere without failing', () => {
    const r = evaluateCoco({ images: [], categories: [], annotations: [] }, [det([0, 0, 1, 1], 0.5)])
    expect(r.stats).toEqual(new Array(12).fill(-1))
    expect(r.ignored.unknownImage).toBe(1)
  })
})

describe('numpySum', () => {
  it("gives NumPy's np.sum to the last bit (pairwise below 8,192 elements, blocks of 8,192 above)", () => {
    // Expected values printed by NumPy 1.24 for the same arrays.
    expect(numpySum(new Float64Array(1000).fill(0.1))).toBe(100.00000000000001)
    const saw = (n: number) => Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 997)
    const harmonic = (n: number) => Float64Array.from({ length: n }, (_, i) => 1 / (i + 1))
    expect(numpySum(saw(777))).toBe(388.6098294884654)
    expect(numpySum(saw(777)) / 777).toBe(0.5001413506930056)
    expect(numpySum(harmonic(333))).toBe(6.386858904881903)
    expect(numpySum(saw(20000))).toBe(10020.060180541625)
    expect(numpySum(harmonic(20000))).toBe(10.480728217229329)
    expect(numpySum(saw(71710))).toBe(35927.9889669007)
    expect(numpySum(harmonic(71710))).toBe(11.75760812429019)
    expect(numpySum(harmonic(100000)) / 100000).toBe(0.00012090146129863433)
    expect(numpySum(new Float64Array([1, 2, 3]))).toBe(6)
  })
})
