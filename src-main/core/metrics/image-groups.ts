/**
 * Ground truth and detections gathered per image, the shape the Ultralytics-style metrics and the
 * confusion matrix work on. Crowd boxes are left out: Ultralytics' COCO→YOLO conversion drops them, so
 * its numbers never see them.
 */
import type { BoxXYWH, Dataset, Detection } from '../datasets/dataset'

export interface ImageGroup {
  imageId: number
  /** Non-crowd ground truth: class as an index into `classes`. */
  gtBoxes: BoxXYWH[]
  gtClasses: number[]
  /** Detections sorted by score, descending (stable: file order breaks ties), as NMS hands them on. */
  dtBoxes: BoxXYWH[]
  dtClasses: number[]
  dtScores: number[]
}

export interface GroupedEvaluation {
  /** COCO category ids, ascending; class index i means `categoryIds[i]`. */
  categoryIds: number[]
  groups: ImageGroup[]
  /** Detections left out because their image or category is not in the dataset. */
  skipped: { unknownImage: number; unknownCategory: number }
}

export function groupByImage(
  gt: Pick<Dataset, 'images' | 'categories' | 'annotations'>,
  dets: readonly Detection[],
): GroupedEvaluation {
  const categoryIds = gt.categories.map((c) => c.id).sort((a, b) => a - b)
  const classOf = new Map(categoryIds.map((id, i) => [id, i]))
  const byImage = new Map<number, ImageGroup>()
  for (const image of gt.images) {
    byImage.set(image.id, {
      imageId: image.id,
      gtBoxes: [],
      gtClasses: [],
      dtBoxes: [],
      dtClasses: [],
      dtScores: [],
    })
  }
  for (const a of gt.annotations) {
    const group = byImage.get(a.imageId)
    const cls = classOf.get(a.categoryId)
    if (!group || cls === undefined || a.iscrowd) continue
    group.gtBoxes.push(a.bbox)
    group.gtClasses.push(cls)
  }
  const skipped = { unknownImage: 0, unknownCategory: 0 }
  const order = dets
    .map((_, i) => i)
    .sort((i, j) => (dets[j] as Detection).score - (dets[i] as Detection).score || i - j)
  for (const i of order) {
    const d = dets[i] as Detection
    const group = byImage.get(d.imageId)
    if (!group) {
      skipped.unknownImage++
      continue
    }
    const cls = classOf.get(d.categoryId)
    if (cls === undefined) {
      skipped.unknownCategory++
      continue
    }
    group.dtBoxes.push(d.bbox)
    group.dtClasses.push(cls)
    group.dtScores.push(d.score)
  }
  return { categoryIds, groups: [...byImage.values()], skipped }
}
