/**
 * Detection metrics as Ultralytics' `yolo val` computes them (ultralytics/utils/metrics.py `ap_per_class`,
 * `compute_ap`, and the validator's `match_predictions`), so users can put our numbers next to theirs:
 *
 * - Matching, per image and IoU threshold t in linspace(.5, .95, 10): pairs (gt, det) of the same class
 *   with IoU ≥ t; each detection keeps its best-IoU gt; then each gt keeps the detection that comes
 *   first in score order (Ultralytics' double `np.unique` — not the highest IoU). No crowd regions, no
 *   area ranges, no per-image detection cap.
 * - AP per class: precision envelope, then `np.interp` at 101 recall points and `np.trapz` (area under
 *   the interpolated curve — COCO instead averages 101 step samples taken with searchsorted).
 * - P, R, F1: read from per-class curves interpolated on a 1,000-point confidence grid, at the grid
 *   confidence where the mean F1 (box-smoothed, width 101) is highest.
 *
 * Known differences from Ultralytics itself: IoU and thresholds in float64 (Ultralytics: float32), and a
 * stable sort by score where NumPy's default sort is not stable (only ties can differ).
 */
import type { Dataset, Detection } from '../datasets/dataset'
import { boxIou } from './box-iou'
import { groupByImage, type ImageGroup } from './image-groups'
import { argmax, interp, linspace, smooth, trapz } from './numpy-compat'

export const ULTRALYTICS_IOU_THRESHOLDS = linspace(0.5, 0.95, 10)
const EPS = 1e-16
const CONF_GRID = linspace(0, 1, 1000)
const RECALL_GRID = linspace(0, 1, 101)

export interface UltralyticsClassMetrics {
  categoryId: number
  /** Ground-truth boxes (non-crowd) and detections of this class. */
  nGt: number
  nDt: number
  precision: number
  recall: number
  f1: number
  ap50: number
  ap50_95: number
  /** AP at each of the 10 IoU thresholds. */
  ap: number[]
}

export interface UltralyticsMetrics {
  /** Means over the classes that have ground truth (Ultralytics' `mp`, `mr`, `map50`, `map`). */
  precision: number
  recall: number
  f1: number
  map50: number
  map75: number
  map50_95: number
  /** The confidence (on the 1,000-point grid) where P, R and F1 were read. */
  confidence: number
  perClass: UltralyticsClassMetrics[]
  skipped: { unknownImage: number; unknownCategory: number }
}

/** Ultralytics' `match_predictions` for one image: correct[d·T + t] for T thresholds. */
export function matchImage(
  group: ImageGroup,
  thresholds: ArrayLike<number> = ULTRALYTICS_IOU_THRESHOLDS,
): Uint8Array {
  const G = group.gtBoxes.length
  const D = group.dtBoxes.length
  const T = thresholds.length
  const correct = new Uint8Array(D * T)
  if (G === 0 || D === 0) return correct
  // iou[g·D + d], zero across classes (Ultralytics multiplies by the class-equality mask).
  const iou = new Float64Array(G * D)
  for (let g = 0; g < G; g++) {
    for (let d = 0; d < D; d++) {
      if (group.gtClasses[g] === group.dtClasses[d]) {
        iou[g * D + d] = boxIou(group.gtBoxes[g]!, group.dtBoxes[d]!)
      }
    }
  }
  const bestGt = new Int32Array(D)
  const takenBy = new Int32Array(G)
  for (let t = 0; t < T; t++) {
    const thr = thresholds[t] as number
    // Each detection's best gt (ties: the lower gt index, as a stable descending sort would keep).
    for (let d = 0; d < D; d++) {
      let best = -1
      let bestIou = -1
      for (let g = 0; g < G; g++) {
        const v = iou[g * D + d] as number
        if (v >= thr && v > bestIou) {
          best = g
          bestIou = v
        }
      }
      bestGt[d] = best
    }
    // Each gt goes to the first detection (in score order) that chose it.
    takenBy.fill(-1)
    for (let d = 0; d < D; d++) {
      const g = bestGt[d] as number
      if (g >= 0 && takenBy[g] === -1) {
        takenBy[g] = d
        correct[d * T + t] = 1
      }
    }
  }
  return correct
}

/** Ultralytics' `compute_ap`: envelope, np.interp at 101 recall points, np.trapz. */
export function computeAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  const n = recall.length
  const mrec = new Float64Array(n + 2)
  const mpre = new Float64Array(n + 2)
  mrec[0] = 0
  mpre[0] = 1
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = recall[i] as number
    mpre[i + 1] = precision[i] as number
  }
  mrec[n + 1] = 1
  mpre[n + 1] = 0
  for (let i = n; i >= 0; i--) mpre[i] = Math.max(mpre[i] as number, mpre[i + 1] as number)
  const y = new Float64Array(RECALL_GRID.length)
  for (let i = 0; i < y.length; i++) y[i] = interp(RECALL_GRID[i] as number, mrec, mpre)
  return trapz(y, RECALL_GRID)
}

export function ultralyticsMetrics(
  gt: Pick<Dataset, 'images' | 'categories' | 'annotations'>,
  dets: readonly Detection[],
): UltralyticsMetrics {
  const { categoryIds, groups, skipped } = groupByImage(gt, dets)
  const T = ULTRALYTICS_IOU_THRESHOLDS.length
  const K = categoryIds.length

  // Flatten detections of all images, then order by score (stable), as ap_per_class does globally.
  const tp: Uint8Array[] = []
  const conf: number[] = []
  const cls: number[] = []
  const nGt = new Int32Array(K)
  for (const group of groups) {
    for (const c of group.gtClasses) nGt[c]!++
    const correct = matchImage(group)
    for (let d = 0; d < group.dtBoxes.length; d++) {
      tp.push(correct.subarray(d * T, d * T + T))
      conf.push(group.dtScores[d]!)
      cls.push(group.dtClasses[d]!)
    }
  }
  const order = conf.map((_, i) => i).sort((i, j) => conf[j]! - conf[i]! || i - j)

  const classes = [...Array(K).keys()].filter((k) => nGt[k]! > 0)
  const pCurves: Float64Array[] = []
  const rCurves: Float64Array[] = []
  const perClass: UltralyticsClassMetrics[] = []
  for (const k of classes) {
    const idx = order.filter((i) => cls[i] === k)
    const nl = nGt[k]!
    const np_ = idx.length
    const p = new Float64Array(CONF_GRID.length)
    const r = new Float64Array(CONF_GRID.length)
    const ap = new Array<number>(T).fill(0)
    if (np_ > 0) {
      const negConf = Float64Array.from(idx, (i) => -conf[i]!)
      const recall: Float64Array[] = []
      const precision: Float64Array[] = []
      for (let t = 0; t < T; t++) {
        const rec = new Float64Array(np_)
        const pre = new Float64Array(np_)
        let tpc = 0
        let fpc = 0
        for (let n = 0; n < np_; n++) {
          const hit = tp[idx[n]!]![t]!
          tpc += hit
          fpc += 1 - hit
          rec[n] = tpc / (nl + EPS)
          pre[n] = tpc / (tpc + fpc)
        }
        recall.push(rec)
        precision.push(pre)
        ap[t] = computeAp(rec, pre)
      }
      for (let i = 0; i < CONF_GRID.length; i++) {
        r[i] = interp(-CONF_GRID[i]!, negConf, recall[0]!, 0)
        p[i] = interp(-CONF_GRID[i]!, negConf, precision[0]!, 1)
      }
    }
    pCurves.push(p)
    rCurves.push(r)
    perClass.push({
      categoryId: categoryIds[k]!,
      nGt: nl,
      nDt: np_,
      precision: 0,
      recall: 0,
      f1: 0,
      ap50: ap[0]!,
      ap50_95: ap.reduce((s, v) => s + v, 0) / T,
      ap,
    })
  }

  // Mean F1 curve over classes, smoothed; P/R/F1 read at its argmax.
  const meanF1 = new Float64Array(CONF_GRID.length)
  const f1Of = (p: number, r: number): number => (2 * p * r) / (p + r + EPS)
  for (let c = 0; c < perClass.length; c++) {
    for (let i = 0; i < meanF1.length; i++)
      meanF1[i]! += f1Of(pCurves[c]![i]!, rCurves[c]![i]!) / perClass.length
  }
  const at = perClass.length ? argmax(smooth(meanF1, 0.1)) : 0
  for (let c = 0; c < perClass.length; c++) {
    const m = perClass[c]!
    m.precision = pCurves[c]![at]!
    m.recall = rCurves[c]![at]!
    m.f1 = f1Of(m.precision, m.recall)
  }
  const mean = (f: (m: UltralyticsClassMetrics) => number): number =>
    perClass.length ? perClass.reduce((s, m) => s + f(m), 0) / perClass.length : 0
  const precision = mean((m) => m.precision)
  const recall = mean((m) => m.recall)
  return {
    precision,
    recall,
    f1: mean((m) => m.f1),
    map50: mean((m) => m.ap50),
    map75: mean((m) => m.ap[5]!),
    map50_95: mean((m) => m.ap50_95),
    confidence: CONF_GRID[at]!,
    perClass,
    skipped,
  }
}
