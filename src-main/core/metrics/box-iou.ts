/** Intersection over union of boxes in COCO's [x, y, w, h] pixels, as Ultralytics' `box_iou` computes it. */
import type { BoxXYWH } from '../datasets/dataset'

/** Ultralytics adds this to the union so two empty boxes give 0, not NaN. */
const UNION_EPS = 1e-7

export function boxIou(a: BoxXYWH, b: BoxXYWH): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0])
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1])
  const inter = Math.max(0, w) * Math.max(0, h)
  return inter / (a[2] * a[3] + b[2] * b[3] - inter + UNION_EPS)
}
