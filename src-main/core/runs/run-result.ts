/**
 * Turn an evaluation (ground truth + detections, scored by core/metrics) into what the store keeps for a
 * run: headline metrics, per-class AP, PR curves, per-image outcomes and the predictions themselves.
 * Shared by `quantscope eval`, imports of COCO results from devices, and bundles.
 */
import type { Dataset, Detection } from '../datasets/dataset'
import { computeMetrics } from '../metrics/metrics-report'
import { prCurve } from '../metrics/coco-eval'
import type { CocoStats, ImageOutcome, PrCurveData, RunClassMetrics, RunMetrics } from '../../shared/run'
import { imageOutcomes } from './image-outcomes'

export interface ScoredRun {
  metrics: RunMetrics
  perClass: RunClassMetrics[]
  curves: PrCurveData[]
  imageOutcomes: ImageOutcome[]
  predictions: readonly Detection[]
}

/** The operating point reported next to mAP unless the protocol names one (Ultralytics' predict default). */
export const DEFAULT_REPORTING_POINT = { conf: 0.25, iou: 0.5 }

/** Round to 6 significant decimals: curves are for drawing, and this keeps them small. */
const r6 = (v: number): number => Math.round(v * 1e6) / 1e6

export function scoreRun(
  gt: Pick<Dataset, 'images' | 'categories' | 'annotations'>,
  dets: readonly Detection[],
  point: { conf: number; iou: number } = DEFAULT_REPORTING_POINT,
): ScoredRun {
  const report = computeMetrics(gt, dets, { flavor: 'ultralytics', atConfidence: point })
  const { coco } = report
  const curves: PrCurveData[] = []
  for (const iouThr of [0.5, 0.75]) {
    const mean = new Array<number>(coco.dims.R).fill(0)
    let counted = 0
    for (const c of coco.perClass) {
      const curve = prCurve(coco, c.categoryId, { iouThr })
      if (c.nGt > 0) {
        curve.precision.forEach((p, r) => (mean[r]! += p))
        counted++
      }
      if (iouThr === 0.5)
        curves.push({ categoryId: c.categoryId, iou: iouThr, precision: Array.from(curve.precision, r6) })
    }
    curves.push({ categoryId: -1, iou: iouThr, precision: mean.map((v) => (counted ? r6(v / counted) : -1)) })
  }
  const cm = report.confusion!
  const u = report.ultralytics!
  return {
    metrics: {
      coco: { stats: report.stats as CocoStats },
      ultralytics: {
        precision: u.precision,
        recall: u.recall,
        f1: u.f1,
        map50: u.map50,
        map75: u.map75,
        map50_95: u.map50_95,
        confidence: u.confidence,
      },
      atConfidence: {
        conf: cm.conf,
        iou: cm.iou,
        precision: cm.total.precision,
        recall: cm.total.recall,
        tp: cm.total.tp,
        fp: cm.total.fp,
        fn: cm.total.fn,
      },
    },
    perClass: report.perClass.map((c) => ({
      categoryId: c.categoryId,
      name: c.name,
      ap: c.ap,
      ap50: c.ap50,
      ap75: c.ap75,
      nGt: c.nGt,
      nDt: c.nDt,
    })),
    curves,
    imageOutcomes: imageOutcomes(gt, dets, { conf: point.conf, iou: point.iou }),
    predictions: dets,
  }
}
