/**
 * Per-image outcomes at one operating point, for the image views (which images flipped between two
 * runs). COCO-style greedy matching at IoU ≥ 0.5: detections with score ≥ conf, by score, each takes the
 * best-IoU free ground truth of its class; crowd boxes absorb matches without counting.
 */
import type { Dataset, Detection } from '../datasets/dataset'
import type { ImageOutcome } from '../../shared/run'

/** COCO's IoU for boxes [x, y, w, h]; against a crowd box the union is the detection's own area. */
function iou(d: Detection['bbox'], g: Detection['bbox'], crowd: boolean): number {
  const w = Math.min(d[0] + d[2], g[0] + g[2]) - Math.max(d[0], g[0])
  const h = Math.min(d[1] + d[3], g[1] + g[3]) - Math.max(d[1], g[1])
  if (w <= 0 || h <= 0) return 0
  const inter = w * h
  const union = crowd ? d[2] * d[3] : d[2] * d[3] + g[2] * g[3] - inter
  return union > 0 ? inter / union : 0
}

export function imageOutcomes(
  gt: Pick<Dataset, 'images' | 'annotations'>,
  dets: readonly Detection[],
  options: { conf: number; iou?: number },
): ImageOutcome[] {
  const threshold = options.iou ?? 0.5
  const gtByImage = new Map<number, Dataset['annotations']>()
  for (const a of gt.annotations) {
    const list = gtByImage.get(a.imageId) ?? []
    list.push(a)
    gtByImage.set(a.imageId, list)
  }
  const dtByImage = new Map<number, Detection[]>()
  for (const d of dets) {
    if (d.score < options.conf) continue
    const list = dtByImage.get(d.imageId) ?? []
    list.push(d)
    dtByImage.set(d.imageId, list)
  }
  return gt.images.map((image) => {
    const gts = gtByImage.get(image.id) ?? []
    const ds = (dtByImage.get(image.id) ?? [])
      .map((d, i) => ({ d, i }))
      .sort((a, b) => b.d.score - a.d.score || a.i - b.i)
    const taken = new Uint8Array(gts.length)
    let tp = 0
    let fp = 0
    for (const { d } of ds) {
      let best = -1
      let bestIou = threshold
      let bestCrowd = -1
      for (let g = 0; g < gts.length; g++) {
        const a = gts[g]!
        if (a.categoryId !== d.categoryId) continue
        const v = iou(d.bbox, a.bbox, a.iscrowd)
        if (a.iscrowd) {
          if (v >= threshold) bestCrowd = g
        } else if (!taken[g] && v >= bestIou) {
          best = g
          bestIou = v
        }
      }
      if (best >= 0) {
        taken[best] = 1
        tp++
      } else if (bestCrowd < 0) {
        fp++
      }
    }
    const fn = gts.filter((a, g) => !a.iscrowd && !taken[g]).length
    return { imageId: image.id, tp, fp, fn }
  })
}
