/**
 * Everything `quantscope metrics` (and later a run) reports for one set of detections against one ground
 * truth: pycocotools' numbers always; Ultralytics' on request; P/R and the confusion matrix at a chosen
 * confidence and IoU on request. Plain JSON-safe data.
 */
import type { Dataset, Detection } from '../datasets/dataset'
import { COCO_STAT_NAMES, evaluateCoco, type CocoEvalResult } from './coco-eval'
import { confusionMatrix, type ConfusionMatrix } from './confusion-matrix'
import { ultralyticsMetrics, type UltralyticsMetrics } from './ultralytics-metrics'

export type MetricsFlavor = 'coco' | 'ultralytics'

export interface MetricsOptions {
  flavor?: MetricsFlavor
  /** Both or neither: confusion matrix and P/R at this confidence (score > conf) and IoU (> iou). */
  atConfidence?: { conf: number; iou: number }
}

export interface MetricsClassRow {
  categoryId: number
  name: string
  /** COCO AP@[.5:.95], AP50, AP75; -1 where the class has no ground truth. */
  ap: number
  ap50: number
  ap75: number
  nGt: number
  nDt: number
  /** Ultralytics flavor only. */
  ultralytics?: { precision: number; recall: number; ap50: number; ap50_95: number }
}

export interface MetricsReport {
  flavor: MetricsFlavor
  /** pycocotools' 12 numbers, in its order (names in `statNames`). */
  stats: number[]
  statNames: readonly string[]
  perClass: MetricsClassRow[]
  /** Ultralytics flavor: its headline numbers. */
  precision?: number
  recall?: number
  map50?: number
  map50_95?: number
  ultralytics?: Omit<UltralyticsMetrics, 'perClass' | 'skipped'>
  confusion?: ConfusionMatrix
  counts: {
    images: number
    gtBoxes: number
    crowd: number
    detections: number
    /** Detections that could not be scored: image or category not in the ground truth. */
    unknownImage: number
    unknownCategory: number
  }
}

export function computeMetrics(
  gt: Pick<Dataset, 'images' | 'categories' | 'annotations'>,
  dets: readonly Detection[],
  options: MetricsOptions = {},
): MetricsReport & { coco: CocoEvalResult } {
  const flavor = options.flavor ?? 'coco'
  const coco = evaluateCoco(gt, dets)
  const names = new Map(gt.categories.map((c) => [c.id, c.name]))
  const ultra = flavor === 'ultralytics' ? ultralyticsMetrics(gt, dets) : undefined
  const ultraOf = new Map(ultra?.perClass.map((c) => [c.categoryId, c]))
  const perClass: MetricsClassRow[] = coco.perClass.map((c) => {
    const u = ultraOf.get(c.categoryId)
    return {
      categoryId: c.categoryId,
      name: names.get(c.categoryId) ?? String(c.categoryId),
      ap: c.ap,
      ap50: c.ap50,
      ap75: c.ap75,
      nGt: c.nGt,
      nDt: c.nDt,
      ...(u
        ? { ultralytics: { precision: u.precision, recall: u.recall, ap50: u.ap50, ap50_95: u.ap50_95 } }
        : {}),
    }
  })
  const report: MetricsReport & { coco: CocoEvalResult } = {
    flavor,
    stats: coco.stats,
    statNames: COCO_STAT_NAMES,
    perClass,
    counts: {
      images: gt.images.length,
      gtBoxes: gt.annotations.length,
      crowd: gt.annotations.filter((a) => a.iscrowd).length,
      detections: dets.length,
      unknownImage: coco.ignored.unknownImage,
      unknownCategory: coco.ignored.unknownCategory,
    },
    coco,
  }
  if (ultra) {
    const { perClass: _p, skipped: _s, ...headline } = ultra
    report.ultralytics = headline
    report.precision = ultra.precision
    report.recall = ultra.recall
    report.map50 = ultra.map50
    report.map50_95 = ultra.map50_95
  }
  if (options.atConfidence) report.confusion = confusionMatrix(gt, dets, options.atConfidence)
  return report
}

/** The report without the large pycocotools arrays, as `--json` prints it. */
export function metricsReportJson(report: MetricsReport & { coco?: CocoEvalResult }): MetricsReport {
  const { coco: _coco, ...rest } = report
  return rest
}
