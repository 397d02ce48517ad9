/**
 * The ground truth every evaluation scores against, whatever it was read from (COCO instances JSON or a
 * YOLO dataset). Coordinates are pixels of the original image; boxes are COCO's [x, y, w, h] with x, y
 * the top-left corner.
 */

/** [x, y, width, height] in pixels, (x, y) the top-left corner: COCO's bbox. */
export type BoxXYWH = readonly [x: number, y: number, w: number, h: number]

export interface DatasetImage {
  /** COCO image id (YOLO datasets: 1-based index in sorted file order, or the numeric file stem when all are numeric). */
  id: number
  fileName: string
  width: number
  height: number
  /** Absolute path of the image file when known (YOLO datasets, COCO with an images folder). */
  path?: string
}

export interface Category {
  /** COCO category id (1..90 for COCO's 80 classes). */
  id: number
  name: string
  supercategory?: string
}

export interface GroundTruthBox {
  /** Annotation id, unique in the dataset (pycocotools keeps the JSON's; YOLO: 1-based running index). */
  id: number
  imageId: number
  categoryId: number
  bbox: BoxXYWH
  /** COCO's `area` (the segmentation area in COCO's JSON, not w·h); area ranges use it. YOLO: w·h in pixels. */
  area: number
  /** Crowd regions: matching one is neither a TP nor an FP. */
  iscrowd: boolean
  /** pycocotools' `ignore` flag when present in the JSON; otherwise false. */
  ignore?: boolean
}

export interface Dataset {
  format: 'coco' | 'yolo'
  images: DatasetImage[]
  /** Sorted by id. */
  categories: Category[]
  annotations: GroundTruthBox[]
  /**
   * YOLO class index → COCO category id (index i of the array). For COCO JSON datasets whose categories
   * are COCO's 80, the standard 80→91 map; otherwise the categories sorted by id.
   */
  classIndexToCategoryId: number[]
  /** Things a user should know that did not stop the read (missing images, odd boxes …). */
  warnings: string[]
}

/** One detection in COCO results format, in original-image pixels. */
export interface Detection {
  imageId: number
  categoryId: number
  bbox: BoxXYWH
  score: number
}
