/**
 * Ultralytics-style metrics and the confusion matrix against a second implementation written the way
 * Ultralytics writes them (NumPy, double np.unique, np.interp/np.trapz): test/fixtures/metrics/
 * ultralytics_reference.py, run on the golden cases with conf 0.4 and IoU 0.8.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Dataset, Detection } from '../../../../src-main/core/datasets/dataset'
import { confusionMatrix } from '../../../../src-main/core/metrics/confusion-matrix'
import {
  computeAp,
  matchImage,
  ultralyticsMetrics,
} from '../../../../src-main/core/metrics/ultralytics-metrics'
import { interp, linspace, smooth } from '../../../../src-main/core/metrics/numpy-compat'
import { repoFixture, sharedFixture } from '../../../helpers/fixtures'

interface RawGt {
  images: { id: number; width: number; height: number; file_name: string }[]
  categories: { id: number; name: string }[]
  annotations: {
    id: number
    image_id: number
    category_id: number
    bbox: [number, number, number, number]
    area: number
    iscrowd?: number
  }[]
}
interface RawDet {
  image_id: number
  category_id: number
  bbox: [number, number, number, number]
  score: number
}
interface Expected {
  precision: number
  recall: number
  f1: number
  map50: number
  map75: number
  map50_95: number
  confidence: number
  per_class: Record<string, { precision: number; recall: number; ap50: number; ap50_95: number }>
  confusion: { conf: number; iou: number; matrix: number[][] }
}

function load(name: string): {
  gt: Pick<Dataset, 'images' | 'categories' | 'annotations'>
  dets: Detection[]
} {
  const raw = JSON.parse(readFileSync(sharedFixture('golden', name, 'gt.json'), 'utf8')) as RawGt
  const rawDets = JSON.parse(readFileSync(sharedFixture('golden', name, 'dets.json'), 'utf8')) as RawDet[]
  return {
    gt: {
      images: raw.images.map((i) => ({ id: i.id, width: i.width, height: i.height, fileName: i.file_name })),
      categories: raw.categories.map((c) => ({ id: c.id, name: c.name })),
      annotations: raw.annotations.map((a) => ({
        id: a.id,
        imageId: a.image_id,
        categoryId: a.category_id,
        bbox: a.bbox,
        area: a.area,
        iscrowd: a.iscrowd === 1,
      })),
    },
    dets: rawDets.map((d) => ({
      imageId: d.image_id,
      categoryId: d.category_id,
      bbox: d.bbox,
      score: d.score,
    })),
  }
}

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol

describe.each(['synthetic-11', 'coco128-jitter-21'])('Ultralytics flavor on %s', (name) => {
  const { gt, dets } = load(name)
  const expected = JSON.parse(
    readFileSync(repoFixture('metrics', `ultralytics-${name}.expected.json`), 'utf8'),
  ) as Expected

  it('P, R, F1, mAP50, mAP75, mAP50-95 and the confidence equal the reference', () => {
    const m = ultralyticsMetrics(gt, dets)
    for (const key of ['precision', 'recall', 'f1', 'map50', 'map75', 'map50_95', 'confidence'] as const) {
      expect(close(m[key], expected[key], 1e-9), `${key}: ${m[key]} vs ${expected[key]}`).toBe(true)
    }
    expect(m.perClass.map((c) => String(c.categoryId))).toEqual(Object.keys(expected.per_class))
    for (const c of m.perClass) {
      const e = expected.per_class[String(c.categoryId)]!
      expect(close(c.ap50, e.ap50, 1e-9), `ap50 of ${c.categoryId}`).toBe(true)
      expect(close(c.ap50_95, e.ap50_95, 1e-9), `ap50_95 of ${c.categoryId}`).toBe(true)
      expect(close(c.precision, e.precision, 1e-9)).toBe(true)
      expect(close(c.recall, e.recall, 1e-9)).toBe(true)
    }
  })

  it('the confusion matrix at conf 0.4, IoU 0.8 equals the reference cell by cell', () => {
    const cm = confusionMatrix(gt, dets, { conf: 0.4, iou: 0.8 })
    const K = cm.categoryIds.length
    const rows = [...Array(K + 1).keys()].map((r) => cm.matrix.slice(r * (K + 1), (r + 1) * (K + 1)))
    expect(rows).toEqual(expected.confusion.matrix)
    const total = cm.matrix.reduce((s, v) => s + v, 0)
    expect(total).toBeGreaterThan(0)
  })
})

describe('matching (match_predictions)', () => {
  const box = (x: number, y: number, w = 10, h = 10) => [x, y, w, h] as const
  it('gives a gt to the first detection in score order that chose it, not to the highest IoU', () => {
    // det 0 (higher score) overlaps gt 0 with IoU 0.68; det 1 overlaps it exactly.
    const group = {
      imageId: 1,
      gtBoxes: [box(0, 0)],
      gtClasses: [0],
      dtBoxes: [box(2, 0), box(0, 0)],
      dtClasses: [0, 0],
      dtScores: [0.9, 0.8],
    }
    const correct = matchImage(group, [0.5, 0.9])
    expect([...correct]).toEqual([1, 0, 0, 1]) // at 0.5 det 0 wins; at 0.9 only det 1 qualifies
  })
  it('never matches across classes', () => {
    const group = {
      imageId: 1,
      gtBoxes: [box(0, 0)],
      gtClasses: [0],
      dtBoxes: [box(0, 0)],
      dtClasses: [1],
      dtScores: [1],
    }
    expect([...matchImage(group, [0.5])]).toEqual([0])
  })
})

describe('NumPy-compatible helpers', () => {
  it('interp follows np.interp at ties, edges and outside the range', () => {
    const xp = [0, 1, 1, 2]
    const fp = [0, 10, 20, 30]
    expect(interp(-1, xp, fp)).toBe(0)
    expect(interp(3, xp, fp)).toBe(30)
    expect(interp(-1, xp, fp, 5, 7)).toBe(5)
    expect(interp(1, xp, fp)).toBe(20) // the last of the tied xp
    expect(interp(0.5, xp, fp)).toBe(5)
    expect(interp(1.5, xp, fp)).toBe(25)
  })
  it('linspace ends exactly at stop; smooth keeps a constant constant', () => {
    const x = linspace(0.5, 0.95, 10)
    expect(x[9]).toBe(0.95)
    expect(x[1]).toBe(0.55)
    const s = smooth(new Float64Array(1000).fill(0.25), 0.1)
    expect(s).toHaveLength(1000)
    expect(Math.max(...s.map((v) => Math.abs(v - 0.25)))).toBeLessThan(1e-12)
  })
  it('compute_ap keeps Ultralytics quirks: a perfect detector scores 0.995, not 1', () => {
    // np.interp at recall 1 takes the last of the tied points (precision 0 of the sentinel), so the
    // last trapezoid is half-height. The Python reference prints the same 0.995 and 0.5.
    expect(computeAp([1], [1])).toBeCloseTo(0.995, 12)
    expect(computeAp([], [])).toBeCloseTo(0.5, 12) // never reached: classes without detections get 0
  })
})
