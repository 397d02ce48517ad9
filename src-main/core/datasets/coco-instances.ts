/**
 * COCO instances JSON (the `instances_*.json` of COCO, or any detector's ground truth in that format) →
 * Dataset. Reads what pycocotools' evaluation reads and checks what it silently trusts: types, unique
 * ids, and that every annotation points at an image and a category that exist.
 *
 * Policies, each chosen so that a wrong mAP cannot pass unnoticed:
 * - Zero or negative box sizes are kept (pycocotools keeps them; they can never be matched, so they are
 *   false negatives) and reported as a warning with the first annotation ids.
 * - An annotation whose image or category is not defined is an error by default: pycocotools' COCOeval
 *   evaluates only the images and categories the file lists, so such boxes silently vanish from the
 *   metric; the file is inconsistent (typically a subset made by filtering `images` only). Option
 *   `danglingAnnotations: 'drop'` drops them with a counted warning instead.
 * - Missing `area` becomes w·h with a warning: COCOeval needs it for the area ranges, and COCO's own area
 *   is the segmentation's, not the box's, so the small/medium/large numbers will differ from COCO's.
 */
import { quote } from '../errors'
import { COCO80_TO_91, COCO91_NAME, cocoName, isCoco80Names } from './coco-classes'
import type { Category, Dataset, DatasetImage, GroundTruthBox } from './dataset'
import { ErrorList, Tally } from './dataset-issues'
import { describeValue, jsonType, parseJsonText } from './json-text'

export interface CocoInstancesOptions {
  /** The file's path or name, for messages. */
  source?: string
  /** What to do with annotations whose image or category the file does not define. Default 'error'. */
  danglingAnnotations?: 'error' | 'drop'
}

type JsonObject = Record<string, unknown>

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads typed fields of one JSON object, recording errors against `where` (e.g. `annotations[3] (id 17)`). */
class FieldReader {
  constructor(
    private readonly errors: ErrorList,
    private readonly source: string,
  ) {}

  private fail(where: string, key: string, value: unknown, expected: string): void {
    this.errors.add(`${this.source}: ${where}.${key} must be ${expected}; ${describeValue(value)}`)
  }

  number(
    obj: JsonObject,
    key: string,
    where: string,
    check?: (n: number) => boolean,
    expected?: string,
  ): number | null {
    const value = obj[key]
    if (typeof value !== 'number' || !Number.isFinite(value) || (check !== undefined && !check(value))) {
      this.fail(where, key, value, expected ?? 'a number')
      return null
    }
    return value
  }

  id(obj: JsonObject, key: string, where: string): number | null {
    return this.number(obj, key, where, Number.isInteger, 'an integer id')
  }

  string(obj: JsonObject, key: string, where: string): string | null {
    const value = obj[key]
    if (typeof value !== 'string') {
      this.fail(where, key, value, 'a string')
      return null
    }
    return value
  }

  /** COCO writes 0/1; some tools write booleans. Missing → `fallback`. */
  flag(obj: JsonObject, key: string, where: string, fallback: boolean | undefined): boolean | undefined {
    const value = obj[key]
    if (value === undefined) return fallback
    if (value === 0 || value === 1 || typeof value === 'boolean') return Boolean(value)
    this.fail(where, key, value, '0, 1, true or false')
    return fallback
  }

  bbox(obj: JsonObject, where: string): [number, number, number, number] | null {
    const value = obj['bbox']
    if (
      !Array.isArray(value) ||
      value.length !== 4 ||
      !value.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      this.fail(where, 'bbox', value, 'a list of 4 numbers [x, y, width, height] in pixels')
      return null
    }
    return [value[0] as number, value[1] as number, value[2] as number, value[3] as number]
  }
}

function arrayField(root: JsonObject, key: string, source: string, errors: ErrorList): unknown[] {
  const value = root[key]
  if (Array.isArray(value)) return value
  const present = Object.keys(root)
    .slice(0, 8)
    .map((k) => quote(k))
  errors.add(
    value === undefined
      ? `${source}: the key ${quote(key)} is missing (the file has ${present.join(', ') || 'no keys'}); a COCO instances file needs "images", "annotations" and "categories"`
      : `${source}: ${quote(key)} must be a list; got ${jsonType(value)}`,
  )
  return []
}

/** Records a duplicate id as an error naming it and both places. */
function checkUnique(
  seen: Map<number, number>,
  id: number,
  index: number,
  list: string,
  source: string,
  errors: ErrorList,
): boolean {
  const first = seen.get(id)
  if (first !== undefined) {
    errors.add(
      `${source}: ${list} id ${id} appears twice (${list}[${first}] and ${list}[${index}]); ids must be unique — renumber one of them`,
    )
    return false
  }
  seen.set(id, index)
  return true
}

/**
 * YOLO class index → category id for a COCO JSON: COCO's 80→91 table when the categories are COCO's 80
 * (names and ids), else the categories sorted by id (class i = i-th smallest id). Also a warning when the
 * categories look like COCO's but are numbered or chosen differently.
 */
export function cocoClassIndexMap(categories: readonly Category[]): { map: number[]; warning?: string } {
  const sorted = [...categories].sort((a, b) => a.id - b.id)
  const ids = sorted.map((c) => c.id)
  const names = sorted.map((c) => c.name)
  if (isCoco80Names(names)) {
    if (ids.every((id, i) => id === COCO80_TO_91[i])) return { map: [...COCO80_TO_91] }
    return {
      map: ids,
      warning: `the 80 categories are COCO's but numbered ${ids.slice(0, 4).join(', ')}… instead of COCO's 1..90; class index i maps to the i-th category by id, and detections written with COCO's ids will not match`,
    }
  }
  if (
    sorted.length > 0 &&
    sorted.length < 80 &&
    sorted.every((c) => COCO91_NAME.get(c.id) === cocoName(c.name))
  ) {
    return {
      map: ids,
      warning: `${sorted.length} of COCO's 80 categories, with COCO's ids: class index i means the i-th of these by id; for a model trained on all 80 COCO classes read its detections with the COCO 80→91 map (yolo80)`,
    }
  }
  return { map: ids }
}

/** Parse COCO instances JSON text. Throws DatasetError naming the file, the list, the index and the id. */
export function parseCocoInstances(text: string, options: CocoInstancesOptions = {}): Dataset {
  const source = options.source ?? 'COCO instances JSON'
  return cocoInstancesFromJson(parseJsonText(text, source), options)
}

/** The same, from an already parsed JSON value. */
export function cocoInstancesFromJson(root: unknown, options: CocoInstancesOptions = {}): Dataset {
  const source = options.source ?? 'COCO instances JSON'
  const errors = new ErrorList()
  const warnings: string[] = []
  if (!isObject(root)) {
    const hint = Array.isArray(root)
      ? ' — a list is a COCO results (detections) file; open it as detections, and choose the instances JSON as ground truth'
      : ''
    errors.add(
      `${source}: expected a JSON object with "images", "annotations" and "categories"; got ${jsonType(root)}${hint}`,
    )
    errors.throwIfAny()
  }
  const top = root as JsonObject
  const read = new FieldReader(errors, source)
  const rawImages = arrayField(top, 'images', source, errors)
  const rawAnnotations = arrayField(top, 'annotations', source, errors)
  const rawCategories = arrayField(top, 'categories', source, errors)
  errors.throwIfAny()

  const images: DatasetImage[] = []
  const imageIndex = new Map<number, number>()
  rawImages.forEach((raw, i) => {
    const where = `images[${i}]`
    if (!isObject(raw)) return errors.add(`${source}: ${where} must be an object; got ${jsonType(raw)}`)
    const id = read.id(raw, 'id', where)
    const at = id === null ? where : `${where} (id ${id})`
    const fileName = read.string(raw, 'file_name', at)
    const positive = (n: number): boolean => n > 0
    const width = read.number(raw, 'width', at, positive, 'a positive number of pixels')
    const height = read.number(raw, 'height', at, positive, 'a positive number of pixels')
    if (id === null || !checkUnique(imageIndex, id, i, 'images', source, errors)) return
    if (fileName === null || width === null || height === null) return
    images.push({ id, fileName, width, height })
  })

  const categories: Category[] = []
  const categoryIndex = new Map<number, number>()
  rawCategories.forEach((raw, i) => {
    const where = `categories[${i}]`
    if (!isObject(raw)) return errors.add(`${source}: ${where} must be an object; got ${jsonType(raw)}`)
    const id = read.id(raw, 'id', where)
    const name = read.string(raw, 'name', id === null ? where : `${where} (id ${id})`)
    if (id === null || !checkUnique(categoryIndex, id, i, 'categories', source, errors) || name === null)
      return
    const category: Category = { id, name }
    if (typeof raw['supercategory'] === 'string') category.supercategory = raw['supercategory']
    categories.push(category)
  })

  const annotations: GroundTruthBox[] = []
  const annotationIndex = new Map<number, number>()
  const degenerate = new Tally()
  const noArea = new Tally()
  const unknownImage = new Tally()
  const unknownCategory = new Tally()
  rawAnnotations.forEach((raw, i) => {
    const where = `annotations[${i}]`
    if (!isObject(raw)) return errors.add(`${source}: ${where} must be an object; got ${jsonType(raw)}`)
    const id = read.id(raw, 'id', where)
    const at = id === null ? where : `${where} (id ${id})`
    const imageId = read.id(raw, 'image_id', at)
    const categoryId = read.id(raw, 'category_id', at)
    const bbox = read.bbox(raw, at)
    let area: number | null = null
    if (raw['area'] !== undefined) area = read.number(raw, 'area', at, (n) => n >= 0, 'a number ≥ 0')
    const iscrowd = read.flag(raw, 'iscrowd', at, false) ?? false
    const ignore = read.flag(raw, 'ignore', at, undefined)
    if (id === null || !checkUnique(annotationIndex, id, i, 'annotations', source, errors)) return
    if (imageId === null || categoryId === null || bbox === null) return
    if (raw['area'] !== undefined && area === null) return
    if (bbox[2] <= 0 || bbox[3] <= 0) degenerate.add(String(id))
    if (area === null) {
      noArea.add(String(id))
      area = bbox[2] * bbox[3]
    }
    if (!imageIndex.has(imageId)) unknownImage.add(`${id} (image_id ${imageId})`)
    if (!categoryIndex.has(categoryId)) unknownCategory.add(`${id} (category_id ${categoryId})`)
    const box: GroundTruthBox = { id, imageId, categoryId, bbox, area, iscrowd }
    if (ignore !== undefined) box.ignore = ignore
    annotations.push(box)
  })
  errors.throwIfAny()

  const dangling = options.danglingAnnotations ?? 'error'
  for (const [tally, what, list] of [
    [unknownImage, 'an image', 'images'],
    [unknownCategory, 'a category', 'categories'],
  ] as const) {
    if (tally.count === 0) continue
    const text = `${tally.count} annotation(s) refer to ${what} the file does not define in "${list}": annotation ids ${tally.list()}`
    if (dangling === 'error') {
      errors.add(
        `${source}: ${text}. pycocotools would silently leave them out of the metric; add the missing ${list} or remove those annotations (or open with dangling annotations dropped)`,
      )
    } else {
      warnings.push(`${text}; they were dropped`)
    }
  }
  errors.throwIfAny()
  const kept =
    unknownImage.count + unknownCategory.count === 0
      ? annotations
      : annotations.filter((a) => imageIndex.has(a.imageId) && categoryIndex.has(a.categoryId))

  if (degenerate.count > 0) {
    warnings.push(
      `${degenerate.count} box(es) with zero or negative width or height, kept as pycocotools keeps them (they can only be missed): annotation ids ${degenerate.list()}`,
    )
  }
  if (noArea.count > 0) {
    warnings.push(
      `${noArea.count} annotation(s) without "area" got width × height instead (COCO's area is the mask's, so small/medium/large may differ from COCO's own): annotation ids ${noArea.list()}`,
    )
  }

  categories.sort((a, b) => a.id - b.id)
  const { map, warning } = cocoClassIndexMap(categories)
  if (warning !== undefined) warnings.push(warning)
  return { format: 'coco', images, categories, annotations: kept, classIndexToCategoryId: map, warnings }
}
