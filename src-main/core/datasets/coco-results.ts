/**
 * COCO results JSON — the detections list `[{image_id, category_id, bbox: [x, y, w, h], score}]` that
 * pycocotools' `loadRes` reads and every exporter (Ultralytics `save_json`, Hailo, vendor emulators)
 * writes — → Detection[], and a check of those detections against a Dataset.
 *
 * Nothing is dropped here: detections for images or categories the dataset does not have are counted
 * by `checkDetections` and left to the caller, which must show the counts (a results file written with
 * YOLO class indices instead of COCO ids scores near zero, and this is how the user finds out).
 */
import { DatasetError } from '../errors'
import { COCO80_TO_91 } from './coco-classes'
import type { Dataset, Detection } from './dataset'
import { ErrorList, EXAMPLES_SHOWN } from './dataset-issues'
import { describeValue, jsonType, parseJsonText, showValue } from './json-text'

export interface CocoResultsOptions {
  /** The file's path or name, for messages. */
  source?: string
  /**
   * How to read `category_id`: 'coco' (default) takes it as a COCO category id; 'yolo80' takes it as a
   * YOLO class index 0..79 of a COCO-trained model and maps it through COCO's 80→91 table.
   */
  categoryIds?: 'coco' | 'yolo80'
}

/** Parse COCO results JSON text. Throws DatasetError naming the detection's index and the bad field. */
export function parseCocoResults(text: string, options: CocoResultsOptions = {}): Detection[] {
  const source = options.source ?? 'COCO results JSON'
  return cocoResultsFromJson(parseJsonText(text, source, { nonFinite: true }), options)
}

/** The same, from an already parsed JSON value. */
export function cocoResultsFromJson(root: unknown, options: CocoResultsOptions = {}): Detection[] {
  const source = options.source ?? 'COCO results JSON'
  if (!Array.isArray(root)) {
    const hint =
      typeof root === 'object' && root !== null && 'annotations' in root
        ? ' — this looks like a COCO instances (ground truth) file; open it as a dataset'
        : ''
    throw new DatasetError(
      `${source}: expected a list of detections [{"image_id", "category_id", "bbox", "score"}]; got ${jsonType(root)}${hint}`,
    )
  }
  const yolo80 = options.categoryIds === 'yolo80'
  const errors = new ErrorList()
  const detections: Detection[] = []
  root.forEach((raw: unknown, i) => {
    const where = `${source}: detection #${i}`
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return errors.add(`${where} must be an object; got ${jsonType(raw)}`)
    }
    const obj = raw as Record<string, unknown>
    const fail = (key: string, expected: string): void => {
      const value = obj[key]
      errors.add(`${where}: ${key} must be ${expected}; ${describeValue(value)}`)
    }
    const int = (key: string): number | null => {
      const v = obj[key]
      if (typeof v === 'number' && Number.isInteger(v)) return v
      fail(key, 'an integer')
      return null
    }
    const imageId = int('image_id')
    let categoryId = int('category_id')
    if (categoryId !== null && yolo80) {
      const mapped = COCO80_TO_91[categoryId]
      if (mapped === undefined) {
        errors.add(
          `${where}: category_id ${categoryId} is not a YOLO class index 0..79; read the file with COCO category ids instead of the yolo80 mapping`,
        )
        categoryId = null
      } else {
        categoryId = mapped
      }
    }
    const bbox = obj['bbox']
    let box: [number, number, number, number] | null = null
    if (!Array.isArray(bbox) || bbox.length !== 4) {
      fail('bbox', 'a list of 4 numbers [x, y, width, height] in pixels')
    } else if (!bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail('bbox', '4 finite numbers [x, y, width, height]')
    } else {
      box = [bbox[0] as number, bbox[1] as number, bbox[2] as number, bbox[3] as number]
      if (box[2] < 0 || box[3] < 0) {
        errors.add(
          `${where}: bbox ${showValue(bbox)} has a negative width or height; COCO boxes are [x, y, width, height] — was it written as [x1, y1, x2, y2]?`,
        )
        box = null
      }
    }
    const score = obj['score']
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      fail('score', 'a finite number')
    } else if (imageId !== null && categoryId !== null && box !== null) {
      detections.push({ imageId, categoryId, bbox: box, score })
    }
  })
  errors.throwIfAny()
  return detections
}

export interface DetectionCheck {
  detections: number
  /** Detections whose image_id the dataset does not have, and those ids (distinct, ascending). */
  unknownImage: { detections: number; imageIds: number[] }
  /** Detections whose category_id the dataset does not have, and those ids (distinct, ascending). */
  unknownCategory: { detections: number; categoryIds: number[] }
  /** Dataset images with no detection at all (normal for a few; all of them means ids do not line up). */
  imagesWithoutDetections: number
}

/** Count detections that cannot be scored against `dataset`. Nothing is removed. */
export function checkDetections(
  dataset: Pick<Dataset, 'images' | 'categories'>,
  detections: readonly Detection[],
): DetectionCheck {
  const imageIds = new Set(dataset.images.map((im) => im.id))
  const categoryIds = new Set(dataset.categories.map((c) => c.id))
  const seenImages = new Set<number>()
  const badImages = new Set<number>()
  const badCategories = new Set<number>()
  let unknownImage = 0
  let unknownCategory = 0
  for (const d of detections) {
    if (imageIds.has(d.imageId)) seenImages.add(d.imageId)
    else {
      unknownImage++
      badImages.add(d.imageId)
    }
    if (!categoryIds.has(d.categoryId)) {
      unknownCategory++
      badCategories.add(d.categoryId)
    }
  }
  const ascending = (s: Set<number>): number[] => [...s].sort((a, b) => a - b)
  return {
    detections: detections.length,
    unknownImage: { detections: unknownImage, imageIds: ascending(badImages) },
    unknownCategory: { detections: unknownCategory, categoryIds: ascending(badCategories) },
    imagesWithoutDetections: imageIds.size - seenImages.size,
  }
}

function firstIds(ids: readonly number[]): string {
  const shown = ids.slice(0, EXAMPLES_SHOWN).join(', ')
  return ids.length > EXAMPLES_SHOWN ? `${shown} and ${ids.length - EXAMPLES_SHOWN} more` : shown
}

/** One line per problem found by `checkDetections`, for the CLI and the UI; empty when all is well. */
/** `noun` names the detections in the lines ("detections", "hardware detections" …). */
export function describeDetectionCheck(check: DetectionCheck, noun = 'detections'): string[] {
  const lines: string[] = []
  const { unknownImage, unknownCategory } = check
  if (unknownImage.detections > 0) {
    lines.push(
      `${unknownImage.detections} of ${check.detections} ${noun} are for images the dataset does not have (image_id ${firstIds(unknownImage.imageIds)}); they cannot be scored — check that both use the same image ids`,
    )
  }
  if (unknownCategory.detections > 0) {
    // COCO ids start at 1; a 0 means class indices (0 = person) were written instead of category ids.
    const hint =
      unknownCategory.categoryIds.includes(0) && unknownCategory.categoryIds.every((id) => id >= 0 && id < 80)
        ? ' — these look like YOLO class indices; read the file with the yolo80 mapping'
        : ''
    lines.push(
      `${unknownCategory.detections} of ${check.detections} ${noun} have a category the dataset does not have (category_id ${firstIds(unknownCategory.categoryIds)})${hint}`,
    )
  }
  if (check.detections > 0 && unknownImage.detections === check.detections) {
    lines.push(
      `none of the ${noun} is for an image of the dataset: they belong to another dataset, or number images differently`,
    )
  }
  return lines
}
