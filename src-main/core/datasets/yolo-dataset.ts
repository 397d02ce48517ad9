/**
 * An Ultralytics YOLO dataset (data.yaml + images + `labels/*.txt`) → Dataset in COCO terms, read the way
 * Ultralytics' validator reads it, so that the ground truth here is the one its mAP is computed on.
 *
 * data.yaml: `path` is the dataset root — absolute, or relative to the yaml's folder (Ultralytics would
 * try the working directory and its DATASETS_DIR; a desktop app has neither, the yaml's folder is what
 * the user means). `train`/`val`/`test` are each a folder (searched recursively), a .txt list of image
 * paths, or a list of those, relative to the root. `names` is a list or a map {0: person}; `nc`, when
 * given, must equal the number of names.
 *
 * Labels: Ultralytics' rule (`img2label_paths`) — the last `/images/` of the image path becomes
 * `/labels/`, the extension `.txt`. A line is `class cx cy w h`, normalized to the image; a file where
 * any line has more than 6 fields is a segment file and every line is a polygon `class x1 y1 x2 y2 …`,
 * whose box is the min/max of its points (Ultralytics' segments2boxes). No label file, or an empty one,
 * means an image without objects (background).
 *
 * COCO conversion: bbox = [(cx−w/2)·W, (cy−h/2)·H, w·W, h·H] in pixels of the image as displayed (EXIF
 * orientations 5–8 swap width and height; Ultralytics' exif_size swaps only for 6 and 8, which disagrees
 * with the decoded pixels for the rare mirrored-and-turned 5 and 7), area = w·W·h·H, never crowd.
 * Image ids: the file stems when all are unique integers (000000000009.jpg → 9, so COCO-exported
 * datasets keep COCO's ids), else 1..N in sorted path order. Category ids: COCO's 80→91 map when the
 * names are COCO's 80, else class index + 1.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { DatasetError, NotFoundError, quote } from '../errors'
import { COCO80_TO_91, isCoco80Names } from './coco-classes'
import type { Category, Dataset, DatasetImage, GroundTruthBox } from './dataset'
import { mapLimit, type DatasetHost, type DirEntry } from './dataset-host'
import { ErrorList, Tally } from './dataset-issues'
import {
  basenameOf,
  dirnameOf,
  extensionOf,
  joinPath,
  labelPathFor,
  relativeTo,
  resolvePath,
  stemOf,
} from './dataset-paths'
import { probeImageSize } from './image-header'

/** Ultralytics' IMG_FORMATS: the extensions it takes for images in a folder or a list. */
export const YOLO_IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  'bmp',
  'dng',
  'jpeg',
  'jpg',
  'mpo',
  'png',
  'tif',
  'tiff',
  'webp',
  'pfm',
  'heic',
])

export interface DataYaml {
  /** The yaml file itself, absolute. */
  yamlPath: string
  /** Dataset root (`path`), absolute and normalized. */
  root: string
  /** Split name → its entries (folders or .txt lists) resolved against `root`, as written in the yaml. */
  splits: Record<string, { written: string; path: string }[]>
  /** Class names by class index. */
  names: string[]
}

export interface YoloDatasetOptions {
  /** Which split to read. Default 'val'. */
  split?: string
  /** Files read at the same time. Default 32. */
  concurrency?: number
}

/** One label line, normalized to the image (0..1), as a box whatever the line was (box or polygon). */
export interface YoloLabel {
  classIndex: number
  cx: number
  cy: number
  w: number
  h: number
  /** 1-based line in the label file. */
  line: number
}

export interface YoloLabelParse {
  labels: YoloLabel[]
  /** Messages naming file and line; any one makes the dataset unreadable. */
  errors: string[]
  /** Lines with a coordinate outside [0, 1]. */
  outside: number[]
  /** Lines repeating an earlier line exactly (dropped, as Ultralytics drops them). */
  duplicates: number[]
  /** 5-field lines in a segment file, read as 2-point polygons the way Ultralytics reads them. */
  boxInSegmentFile: number[]
  /** Lines whose box has zero or negative width or height. */
  degenerate: number[]
}

function yamlError(yamlPath: string, message: string): DatasetError {
  return new DatasetError(`${quote(yamlPath)}: ${message}`)
}

function readNames(value: unknown, yamlPath: string): string[] | null {
  if (value === undefined || value === null) return null
  if (Array.isArray(value)) return value.map((v) => String(v))
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    const byIndex = new Map<number, string>()
    for (const [key, name] of entries) {
      const index = Number(key)
      if (!/^\d+$/.test(key.trim()) || index >= entries.length || byIndex.has(index)) {
        throw yamlError(
          yamlPath,
          `names has the key ${quote(key)}; with ${entries.length} names the keys must be the class indices 0..${entries.length - 1}, each once`,
        )
      }
      byIndex.set(index, String(name))
    }
    return entries.map((_, i) => byIndex.get(i) ?? '')
  }
  throw yamlError(yamlPath, `names must be a list or a map {0: name, …}; got ${quote(String(value))}`)
}

/** Parse data.yaml text read from `yamlPath` (absolute). Pure; checks names, nc and the split entries' types. */
export function parseDataYaml(text: string, yamlPath: string): DataYaml {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (error) {
    if (error instanceof YAMLParseError) {
      throw new DatasetError(`${quote(yamlPath)} is not valid YAML: ${error.message.split('\n')[0] ?? ''}`, {
        cause: error,
      })
    }
    throw error
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw yamlError(
      yamlPath,
      'expected a mapping with path, train/val/test and names (an Ultralytics data.yaml)',
    )
  }
  const data = doc as Record<string, unknown>
  const yamlDir = dirnameOf(yamlPath)
  const rawPath = data['path']
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw yamlError(yamlPath, `path must be a folder; got ${quote(String(rawPath))}`)
  }
  const root = resolvePath(
    yamlDir,
    typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : '.',
  )

  let names = readNames(data['names'], yamlPath)
  const nc = data['nc']
  if (nc !== undefined && nc !== null) {
    if (typeof nc !== 'number' || !Number.isInteger(nc) || nc < 1) {
      throw yamlError(yamlPath, `nc must be a positive integer; got ${quote(String(nc))}`)
    }
    if (names === null) names = Array.from({ length: nc }, (_, i) => `class_${i}`)
    else if (names.length !== nc) {
      throw yamlError(
        yamlPath,
        `nc: ${nc} but names has ${names.length} entries; they must match — fix nc or the names list`,
      )
    }
  }
  if (names === null || names.length === 0) {
    throw yamlError(yamlPath, 'names is missing or empty; list the class names (names: [person, car, …])')
  }

  const splits: DataYaml['splits'] = {}
  for (const split of ['train', 'val', 'test', 'minival']) {
    const value = data[split]
    if (value === undefined || value === null || value === '') continue
    const list = Array.isArray(value) ? value : [value]
    splits[split] = list.map((entry) => {
      if (typeof entry !== 'string' || entry.trim() === '') {
        throw yamlError(
          yamlPath,
          `${split} must be a folder, a .txt list of images, or a list of those; got ${quote(String(entry))}`,
        )
      }
      return { written: entry, path: resolvePath(root, entry.trim()) }
    })
  }
  return { yamlPath, root, splits, names }
}

/** Class index → COCO category id: COCO's 80→91 map for COCO's 80 names, else index + 1. */
export function yoloClassIndexMap(names: readonly string[]): number[] {
  return isCoco80Names(names) ? [...COCO80_TO_91] : names.map((_, i) => i + 1)
}

/** Parse one label file's text. Pure; `file` is only used in messages. */
export function parseYoloLabels(text: string, file: string, nc: number): YoloLabelParse {
  const result: YoloLabelParse = {
    labels: [],
    errors: [],
    outside: [],
    duplicates: [],
    boxInSegmentFile: [],
    degenerate: [],
  }
  const rows: { fields: string[]; line: number }[] = []
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/)
    if (fields[0] !== '') rows.push({ fields, line: i + 1 })
  })
  const segments = rows.some((r) => r.fields.length > 6)
  const seen = new Set<string>()
  for (const { fields, line } of rows) {
    const where = `${file}:${line}`
    const n = fields.length
    if (segments ? n < 3 || n % 2 === 0 : n !== 5) {
      result.errors.push(
        segments
          ? `${where}: a polygon line needs a class and x y pairs ("class x1 y1 x2 y2 …"); got ${n} fields: ${quote(fields.join(' '), 80)}`
          : `${where}: expected 5 fields "class cx cy w h" (or a polygon "class x1 y1 x2 y2 x3 y3 …"); got ${n}: ${quote(fields.join(' '), 80)}`,
      )
      continue
    }
    const values = fields.map(Number)
    const bad = values.findIndex((v) => !Number.isFinite(v))
    if (bad >= 0) {
      result.errors.push(`${where}: field ${bad + 1} ${quote(fields[bad])} is not a number`)
      continue
    }
    const cls = values[0] as number
    if (!Number.isInteger(cls) || cls < 0 || cls >= nc) {
      result.errors.push(
        Number.isInteger(cls) && cls >= nc
          ? `${where}: class ${cls} is not below nc=${nc}; data.yaml names ${nc} classes (0..${nc - 1}) — fix the label or add the class to names`
          : `${where}: class ${quote(fields[0])} must be an integer from 0 to ${nc - 1}`,
      )
      continue
    }
    const coords = values.slice(1)
    if (coords.some((v) => v < 0 || v > 1)) result.outside.push(line)
    let cx: number, cy: number, w: number, h: number
    if (segments) {
      if (n === 5) result.boxInSegmentFile.push(line)
      let x0 = Infinity
      let y0 = Infinity
      let x1 = -Infinity
      let y1 = -Infinity
      for (let k = 0; k < coords.length; k += 2) {
        const x = coords[k] as number
        const y = coords[k + 1] as number
        x0 = Math.min(x0, x)
        x1 = Math.max(x1, x)
        y0 = Math.min(y0, y)
        y1 = Math.max(y1, y)
      }
      cx = (x0 + x1) / 2
      cy = (y0 + y1) / 2
      w = x1 - x0
      h = y1 - y0
    } else {
      ;[cx, cy, w, h] = coords as [number, number, number, number]
    }
    // Ultralytics compares rows as float32 (np.unique on the label array).
    const key = [cls, cx, cy, w, h].map((v) => Math.fround(v)).join(' ')
    if (seen.has(key)) {
      result.duplicates.push(line)
      continue
    }
    seen.add(key)
    if (w <= 0 || h <= 0) result.degenerate.push(line)
    result.labels.push({ classIndex: cls, cx, cy, w, h, line })
  }
  return result
}

/** Folders are searched recursively, like Ultralytics' glob('**\/*.*'), skipping hidden entries. */
async function walkImages(host: DatasetHost, dir: string, out: string[]): Promise<void> {
  const entries = await host.listDir(dir)
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    const path = joinPath(dir, entry.name)
    if (entry.kind === 'dir') await walkImages(host, path, out)
    else if (entry.kind === 'file' && YOLO_IMAGE_EXTENSIONS.has(extensionOf(entry.name))) out.push(path)
  }
}

/** Listings of folders, each read once; a missing folder lists as empty. */
class DirCache {
  private readonly cache = new Map<string, Promise<Map<string, DirEntry['kind']>>>()
  constructor(private readonly host: DatasetHost) {}

  list(dir: string): Promise<Map<string, DirEntry['kind']>> {
    let listing = this.cache.get(dir)
    if (listing === undefined) {
      listing = this.host
        .kind(dir)
        .then(async (kind) =>
          kind === 'dir' ? new Map((await this.host.listDir(dir)).map((e) => [e.name, e.kind])) : new Map(),
        )
      this.cache.set(dir, listing)
    }
    return listing
  }

  async isFile(path: string): Promise<boolean> {
    return (await this.list(dirnameOf(path))).get(basenameOf(path)) === 'file'
  }
}

interface SplitImages {
  /** Sorted, unique, absolute image paths that exist. */
  paths: string[]
  /** True when every entry of the split is a folder (then its label folders hold only this split's labels). */
  foldersOnly: boolean
}

async function listSplitImages(
  host: DatasetHost,
  yaml: DataYaml,
  split: string,
  dirs: DirCache,
  warnings: string[],
): Promise<SplitImages> {
  const entries = yaml.splits[split]
  if (entries === undefined) {
    const have = Object.keys(yaml.splits)
    throw yamlError(
      yaml.yamlPath,
      `has no ${quote(split)} split${have.length > 0 ? `; it has ${have.map((s) => quote(s)).join(', ')}` : ' (no train/val/test at all)'} — choose one of those or add ${split}: to the file`,
    )
  }
  const found: string[] = []
  const listed: string[] = []
  const notImages = new Tally()
  let foldersOnly = true
  for (const entry of entries) {
    let path = entry.path
    let kind = await host.kind(path)
    // Ultralytics' fallback for old YOLOv5 yamls whose split paths repeat the root's "../".
    if (kind === null && entry.written.trim().startsWith('../')) {
      const retry = resolvePath(yaml.root, entry.written.trim().slice(3))
      const retryKind = await host.kind(retry)
      if (retryKind !== null) {
        warnings.push(
          `${split}: ${quote(entry.written)} does not exist under ${quote(yaml.root)}; used ${quote(retry)} as Ultralytics does`,
        )
        path = retry
        kind = retryKind
      }
    }
    if (kind === null) {
      throw new NotFoundError(
        `${quote(yaml.yamlPath)}: ${split}: ${quote(entry.written)} resolves to ${quote(path)}, which does not exist (path: is ${quote(yaml.root)}); fix path or ${split} in the yaml`,
      )
    }
    if (kind === 'dir') {
      await walkImages(host, path, found)
      continue
    }
    foldersOnly = false
    const listDir = dirnameOf(path)
    const text = await host.readText(path)
    for (const raw of text.split(/\r\n|\n|\r/)) {
      const line = raw.trim()
      if (line === '') continue
      // "./x" is relative to the list's folder (Ultralytics); so is any other relative line here.
      const image = resolvePath(listDir, line)
      if (YOLO_IMAGE_EXTENSIONS.has(extensionOf(image))) listed.push(image)
      else notImages.add(quote(line))
    }
  }
  if (notImages.count > 0) {
    warnings.push(
      `${notImages.count} line(s) of the ${split} list are not image files and were skipped: ${notImages.list()}`,
    )
  }
  const missing = new Tally()
  const present = await mapLimit(listed, 64, (p) => dirs.isFile(p))
  listed.forEach((p, i) => {
    if (present[i]) found.push(p)
    else missing.add(quote(p))
  })
  if (missing.count > 0) {
    warnings.push(
      `${missing.count} image(s) listed for ${split} do not exist and were skipped: ${missing.list()}`,
    )
  }
  const unique = [...new Set(found)].sort()
  if (unique.length < found.length) {
    warnings.push(
      `${found.length - unique.length} image(s) appear more than once in ${split}; each is read once`,
    )
  }
  return { paths: unique, foldersOnly }
}

/** Image ids: the stems when all are unique non-negative integers, else 1..N in path order. */
function assignImageIds(paths: readonly string[]): number[] {
  const stems = paths.map((p) => stemOf(p))
  if (stems.every((s) => /^\d+$/.test(s) && Number.isSafeInteger(Number(s)))) {
    const ids = stems.map(Number)
    if (new Set(ids).size === ids.length) return ids
  }
  return paths.map((_, i) => i + 1)
}

/** Read the `split` of the YOLO dataset described by the data.yaml at `yamlPath` (absolute). */
export async function readYoloDataset(
  yamlPath: string,
  host: DatasetHost,
  options: YoloDatasetOptions = {},
): Promise<Dataset> {
  const split = options.split ?? 'val'
  const concurrency = options.concurrency ?? 32
  const yaml = parseDataYaml(await host.readText(yamlPath), yamlPath)
  const nc = yaml.names.length
  const warnings: string[] = []
  const dirs = new DirCache(host)
  const { paths, foldersOnly } = await listSplitImages(host, yaml, split, dirs, warnings)
  if (paths.length === 0) {
    throw new DatasetError(
      [
        `${quote(yamlPath)}: the ${split} split has no images (${yaml.splits[split]?.map((e) => quote(e.path)).join(', ')}); images must end in ${[...YOLO_IMAGE_EXTENSIONS].join(', ')}`,
        ...warnings,
      ].join('\n'),
    )
  }

  const labelPaths = paths.map(labelPathFor)
  const read = await mapLimit(paths, concurrency, async (path, i) => {
    const labelPath = labelPaths[i] as string
    const [header, labelText] = await Promise.all([
      probeImageSize(host, path).catch((error: unknown) => {
        if (!(error instanceof DatasetError)) throw error
        return null
      }),
      dirs.isFile(labelPath).then((exists) => (exists ? host.readText(labelPath) : null)),
    ])
    return { header, labelText }
  })
  // Tallied in path order, so warnings do not depend on which read finished first.
  const unreadable = new Tally()
  read.forEach(({ header }, i) => {
    if (header === null) unreadable.add(quote(paths[i] as string))
  })
  if (unreadable.count > 0) {
    warnings.push(
      `${unreadable.count} image(s) whose size could not be read from the header were skipped: ${unreadable.list()}`,
    )
  }

  const errors = new ErrorList()
  const outside = new Tally()
  const duplicates = new Tally()
  const boxInSegmentFile = new Tally()
  const degenerate = new Tally()
  const noLabelFile = new Tally()
  const kept: { path: string; width: number; height: number; labels: YoloLabel[] }[] = []
  read.forEach(({ header, labelText }, i) => {
    const path = paths[i] as string
    const labelPath = labelPaths[i] as string
    if (labelText === null) noLabelFile.add(quote(labelPath))
    const parsed = labelText === null ? null : parseYoloLabels(labelText, labelPath, nc)
    if (parsed !== null) {
      parsed.errors.forEach((e) => errors.add(e))
      parsed.outside.forEach((line) => outside.add(`${labelPath}:${line}`))
      parsed.duplicates.forEach((line) => duplicates.add(`${labelPath}:${line}`))
      parsed.boxInSegmentFile.forEach((line) => boxInSegmentFile.add(`${labelPath}:${line}`))
      parsed.degenerate.forEach((line) => degenerate.add(`${labelPath}:${line}`))
    }
    if (header !== null)
      kept.push({ path, width: header.width, height: header.height, labels: parsed?.labels ?? [] })
  })
  errors.throwIfAny()

  if (noLabelFile.count === paths.length) {
    warnings.push(
      `no label file found for any of the ${paths.length} images (looked for e.g. ${noLabelFile.examples[0] ?? ''}, by Ultralytics' rule images/ → labels/); every image is read as background — check the folder layout`,
    )
  } else if (noLabelFile.count > 0) {
    warnings.push(
      `${noLabelFile.count} image(s) have no label file and are read as background (no objects): ${noLabelFile.list()}`,
    )
  }
  if (outside.count > 0) {
    warnings.push(
      `${outside.count} label line(s) have coordinates outside [0, 1] (kept here; Ultralytics rejects these images as corrupt): ${outside.list()}`,
    )
  }
  if (duplicates.count > 0) {
    warnings.push(
      `${duplicates.count} duplicate label line(s) dropped, as Ultralytics drops them: ${duplicates.list()}`,
    )
  }
  if (boxInSegmentFile.count > 0) {
    warnings.push(
      `${boxInSegmentFile.count} box line(s) in files that also hold polygons were read as 2-point polygons, as Ultralytics reads them: ${boxInSegmentFile.list()}`,
    )
  }
  if (degenerate.count > 0) {
    warnings.push(
      `${degenerate.count} label(s) with zero or negative width or height, kept: ${degenerate.list()}`,
    )
  }
  if (foldersOnly) {
    const used = new Set(labelPaths)
    const labelDirs = [...new Set(labelPaths.map(dirnameOf))]
    const orphans = new Tally()
    for (const dir of labelDirs) {
      for (const [name, kind] of [...(await dirs.list(dir))].sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      )) {
        const path = joinPath(dir, name)
        if (kind === 'file' && extensionOf(name) === 'txt' && !used.has(path)) orphans.add(quote(path))
      }
    }
    if (orphans.count > 0) {
      warnings.push(
        `${orphans.count} label file(s) have no image and are ignored, as Ultralytics ignores them: ${orphans.list()}`,
      )
    }
  }

  const ids = assignImageIds(kept.map((k) => k.path))
  const names = kept.map((k) => basenameOf(k.path))
  const uniqueNames = new Set(names).size === names.length
  const classMap = yoloClassIndexMap(yaml.names)
  const images: DatasetImage[] = []
  const annotations: GroundTruthBox[] = []
  kept.forEach(({ path, width: W, height: H, labels }, i) => {
    const imageId = ids[i] as number
    images.push({
      id: imageId,
      fileName: uniqueNames ? (names[i] as string) : relativeTo(yaml.root, path),
      width: W,
      height: H,
      path,
    })
    for (const { classIndex, cx, cy, w, h } of labels) {
      annotations.push({
        id: annotations.length + 1,
        imageId,
        categoryId: classMap[classIndex] as number,
        bbox: [(cx - w / 2) * W, (cy - h / 2) * H, w * W, h * H],
        area: w * W * h * H,
        iscrowd: false,
      })
    }
  })
  const categories: Category[] = yaml.names.map((name, i) => ({ id: classMap[i] as number, name }))
  return { format: 'yolo', images, categories, annotations, classIndexToCategoryId: classMap, warnings }
}
