/**
 * What a dataset holds, at a glance: per-class counts, objects per image, object sizes by COCO's area
 * ranges, crowd regions, background images, and the warnings of the read.
 *
 * "Objects" are the non-crowd boxes, the ones a detector is scored on; crowd regions are counted apart.
 * Sizes use COCO's rule on the annotation's `area` (the mask area for COCO JSON, w·h for YOLO): small
 * < 32², medium < 96², else large. pycocotools' evaluation ranges are closed at both ends, so a box of
 * area exactly 32² or 96² also counts in the next range there; this report puts each box in one bucket.
 */
import type { Dataset } from './dataset'

export const SMALL_AREA = 32 * 32
export const MEDIUM_AREA = 96 * 96

export interface ClassCount {
  categoryId: number
  name: string
  /** Non-crowd boxes. */
  boxes: number
  /** Crowd regions. */
  crowd: number
  /** Images with at least one non-crowd box of the class. */
  images: number
}

export interface HistogramBin {
  /** Inclusive bounds; `max` null for the open last bin. */
  min: number
  max: number | null
  images: number
}

export interface DatasetReport {
  format: Dataset['format']
  images: number
  categories: number
  /** All annotations, crowd included. */
  annotations: number
  /** Non-crowd boxes. */
  objects: number
  crowd: number
  /** Boxes with zero or negative width or height (kept; they can only be missed). */
  degenerate: number
  /** Images without any annotation (background), crowd included in "any". */
  imagesWithoutLabels: number
  perClass: ClassCount[]
  /** Non-crowd boxes per image. */
  objectsPerImage: { min: number; mean: number; max: number; histogram: HistogramBin[] }
  /** Non-crowd boxes by COCO's area ranges. */
  sizes: { small: number; medium: number; large: number }
  warnings: string[]
}

/** Bins of the objects-per-image histogram: 0, 1, 2–4, 5–9, 10–19, 20–49, 50–99, 100+. */
const BIN_EDGES = [0, 1, 2, 5, 10, 20, 50, 100]

export function datasetReport(dataset: Dataset): DatasetReport {
  const perClass = new Map<number, ClassCount>()
  for (const c of [...dataset.categories].sort((a, b) => a.id - b.id)) {
    perClass.set(c.id, { categoryId: c.id, name: c.name, boxes: 0, crowd: 0, images: 0 })
  }
  const objectsOf = new Map<number, number>(dataset.images.map((im) => [im.id, 0]))
  const labelled = new Set<number>()
  const classImages = new Set<string>()
  const sizes = { small: 0, medium: 0, large: 0 }
  let crowd = 0
  let degenerate = 0
  for (const a of dataset.annotations) {
    labelled.add(a.imageId)
    if (a.bbox[2] <= 0 || a.bbox[3] <= 0) degenerate++
    const cls = perClass.get(a.categoryId)
    if (a.iscrowd) {
      crowd++
      if (cls) cls.crowd++
      continue
    }
    objectsOf.set(a.imageId, (objectsOf.get(a.imageId) ?? 0) + 1)
    if (cls) {
      cls.boxes++
      const key = `${a.categoryId}:${a.imageId}`
      if (!classImages.has(key)) {
        classImages.add(key)
        cls.images++
      }
    }
    if (a.area < SMALL_AREA) sizes.small++
    else if (a.area < MEDIUM_AREA) sizes.medium++
    else sizes.large++
  }
  const counts = [...objectsOf.values()]
  const histogram: HistogramBin[] = BIN_EDGES.map((min, i) => {
    const next = BIN_EDGES[i + 1]
    return { min, max: next === undefined ? null : next - 1, images: 0 }
  })
  for (const n of counts) {
    const bin = histogram.findLast((b) => n >= b.min)
    if (bin) bin.images++
  }
  const objects = dataset.annotations.length - crowd
  return {
    format: dataset.format,
    images: dataset.images.length,
    categories: dataset.categories.length,
    annotations: dataset.annotations.length,
    objects,
    crowd,
    degenerate,
    imagesWithoutLabels: dataset.images.filter((im) => !labelled.has(im.id)).length,
    perClass: [...perClass.values()],
    objectsPerImage: {
      min: counts.reduce((m, n) => Math.min(m, n), counts.length > 0 ? Infinity : 0),
      mean: counts.length > 0 ? counts.reduce((s, n) => s + n, 0) / counts.length : 0,
      max: counts.reduce((m, n) => Math.max(m, n), 0),
      histogram,
    },
    sizes,
    warnings: [...dataset.warnings],
  }
}
