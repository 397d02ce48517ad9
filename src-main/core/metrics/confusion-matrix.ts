/**
 * The confusion matrix at one confidence and one IoU threshold, as Ultralytics' `ConfusionMatrix`
 * builds it, plus precision and recall per class read from it. Users compare stages this way
 * ("at conf 0.4, IoU 0.8 the quantized model loses 12 % of its persons to background").
 *
 * Semantics (per image): detections with score > conf are kept (strictly greater); a gt and a detection
 * are candidates when IoU > iou (strictly greater), whatever their classes — so off-diagonal cells count
 * class confusions; each detection keeps its best-IoU gt, then each gt its best-IoU detection. A matched
 * pair adds 1 to [predicted class][true class]; an unmatched gt to [background][true class] (missed);
 * an unmatched detection to [predicted class][background] (false positive). Crowd boxes are left out.
 */
import type { Dataset, Detection } from '../datasets/dataset'
import { boxIou } from './box-iou'
import { groupByImage, type ImageGroup } from './image-groups'

export interface ConfusionMatrix {
  /** COCO category ids in row/column order; index K (= categoryIds.length) is background. */
  categoryIds: number[]
  /** (K+1)×(K+1), row-major: matrix[pred·(K+1) + true]. */
  matrix: number[]
  conf: number
  iou: number
  perClass: { categoryId: number; tp: number; fp: number; fn: number; precision: number; recall: number }[]
  /** Summed over classes (micro-averaged). */
  total: { tp: number; fp: number; fn: number; precision: number; recall: number }
  skipped: { unknownImage: number; unknownCategory: number }
}

function accumulate(group: ImageGroup, conf: number, iouThr: number, K: number, m: number[]): void {
  const N = K + 1
  const keep: number[] = []
  for (let d = 0; d < group.dtBoxes.length; d++) if (group.dtScores[d]! > conf) keep.push(d)
  const G = group.gtBoxes.length
  const D = keep.length
  const iou = new Float64Array(G * D)
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < D; j++) iou[g * D + j] = boxIou(group.gtBoxes[g]!, group.dtBoxes[keep[j]!]!)
  }
  // Each detection's best gt above the threshold, then each gt's best detection among those.
  const gtOfDet = new Int32Array(D).fill(-1)
  for (let j = 0; j < D; j++) {
    let best = -Infinity
    for (let g = 0; g < G; g++) {
      const v = iou[g * D + j]!
      if (v > iouThr && v > best) {
        best = v
        gtOfDet[j] = g
      }
    }
  }
  const detOfGt = new Int32Array(G).fill(-1)
  for (let g = 0; g < G; g++) {
    let best = -Infinity
    for (let j = 0; j < D; j++) {
      if (gtOfDet[j] !== g) continue
      const v = iou[g * D + j]!
      if (v > best) {
        best = v
        detOfGt[g] = j
      }
    }
  }
  const matchedDet = new Uint8Array(D)
  for (let g = 0; g < G; g++) {
    const j = detOfGt[g]!
    const trueClass = group.gtClasses[g]!
    if (j >= 0) {
      matchedDet[j] = 1
      m[group.dtClasses[keep[j]!]! * N + trueClass]!++
    } else {
      m[K * N + trueClass]!++
    }
  }
  for (let j = 0; j < D; j++) if (!matchedDet[j]) m[group.dtClasses[keep[j]!]! * N + K]!++
}

export function confusionMatrix(
  gt: Pick<Dataset, 'images' | 'categories' | 'annotations'>,
  dets: readonly Detection[],
  options: { conf: number; iou: number },
): ConfusionMatrix {
  const { categoryIds, groups, skipped } = groupByImage(gt, dets)
  const K = categoryIds.length
  const N = K + 1
  const matrix = new Array<number>(N * N).fill(0)
  for (const group of groups) accumulate(group, options.conf, options.iou, K, matrix)
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0)
  const perClass = categoryIds.map((categoryId, k) => {
    let row = 0
    let col = 0
    for (let i = 0; i < N; i++) {
      row += matrix[k * N + i]!
      col += matrix[i * N + k]!
    }
    const tp = matrix[k * N + k]!
    const fp = row - tp
    const fn = col - tp
    return { categoryId, tp, fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn) }
  })
  const tp = perClass.reduce((s, c) => s + c.tp, 0)
  const fp = perClass.reduce((s, c) => s + c.fp, 0)
  const fn = perClass.reduce((s, c) => s + c.fn, 0)
  return {
    categoryIds,
    matrix,
    conf: options.conf,
    iou: options.iou,
    perClass,
    total: { tp, fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn) },
    skipped,
  }
}
