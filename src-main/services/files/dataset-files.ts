/**
 * Opening datasets and detection files from disk: the node:fs implementation of core's DatasetHost, and
 * the one entry point that turns a user's path (a COCO instances JSON, a data.yaml, or a folder holding
 * a data.yaml) into a Dataset.
 */
import type { Dirent, Stats } from 'node:fs'
import { open, readFile, readdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import { parseCocoInstances } from '../../core/datasets/coco-instances'
import { parseCocoResults, type CocoResultsOptions } from '../../core/datasets/coco-results'
import type { Dataset, DatasetImage, Detection } from '../../core/datasets/dataset'
import { mapLimit, type DatasetHost, type PathKind } from '../../core/datasets/dataset-host'
import { Tally } from '../../core/datasets/dataset-issues'
import { resolvePath } from '../../core/datasets/dataset-paths'
import { probeImageSize } from '../../core/datasets/image-header'
import { readYoloDataset } from '../../core/datasets/yolo-dataset'
import { DatasetError, FileAccessError, InvalidArgumentError, NotFoundError, quote } from '../../core/errors'

function fsError(path: string, error: unknown, what = 'read'): Error {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new NotFoundError(`no file or folder at ${quote(path)}; check the path and try again`, {
      cause: error,
    })
  }
  if (code === 'EISDIR') {
    return new FileAccessError(`${quote(path)} is a folder where a file was expected`, { cause: error })
  }
  return new FileAccessError(
    `cannot ${what} ${quote(path)}: ${code ?? (error as Error).message}; check its permissions`,
    { cause: error },
  )
}

function kindOf(st: Stats): PathKind {
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other'
}

async function kindAt(path: string): Promise<PathKind | null> {
  try {
    return kindOf(await stat(path))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw fsError(path, error, 'look at')
  }
}

/** core's DatasetHost over node:fs. Symbolic links are followed; a dangling one is 'other'. */
export function nodeDatasetHost(): DatasetHost {
  return {
    async readText(path) {
      try {
        return await readFile(path, 'utf8')
      } catch (error) {
        throw fsError(path, error)
      }
    },
    async readHead(path, maxBytes) {
      let handle
      try {
        handle = await open(path, 'r')
        const size = (await handle.stat()).size
        const bytes = new Uint8Array(Math.min(size, maxBytes))
        let filled = 0
        while (filled < bytes.length) {
          const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled)
          if (bytesRead === 0) break
          filled += bytesRead
        }
        return filled === bytes.length ? bytes : bytes.subarray(0, filled)
      } catch (error) {
        throw fsError(path, error)
      } finally {
        await handle?.close()
      }
    },
    async listDir(path) {
      let entries: Dirent[]
      try {
        entries = await readdir(path, { withFileTypes: true })
      } catch (error) {
        throw fsError(path, error, 'list')
      }
      return Promise.all(
        entries.map(async (e) => {
          let kind: PathKind = e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other'
          if (e.isSymbolicLink()) kind = (await kindAt(join(path, e.name))) ?? 'other'
          return { name: e.name, kind }
        }),
      )
    },
    kind: kindAt,
  }
}

export interface OpenDatasetOptions {
  /** COCO JSON: the folder holding the images, to attach their paths, check they exist and check sizes. */
  imagesDir?: string
  /** COCO JSON with `imagesDir`: compare each image's header size with the JSON's width/height. Default true. */
  checkImageSizes?: boolean
  /** COCO JSON: annotations pointing at undefined images/categories are an error (default) or dropped with a warning. */
  danglingAnnotations?: 'error' | 'drop'
  /** YOLO: which split of data.yaml. Default 'val'. */
  split?: string
}

/** Attach image paths under `imagesDir`; skip (with a warning) images that are not there; check sizes. */
async function attachImages(
  dataset: Dataset,
  imagesDir: string,
  host: DatasetHost,
  checkSizes: boolean,
): Promise<Dataset> {
  const dir = resolve(imagesDir)
  const kind = await host.kind(dir)
  if (kind === null) throw new NotFoundError(`the images folder ${quote(dir)} does not exist; check the path`)
  if (kind !== 'dir')
    throw new FileAccessError(`${quote(dir)} is not a folder; give the folder holding the images`)
  type Checked = {
    image: DatasetImage
    found: boolean
    size?: { width: number; height: number; turned: boolean } | null
  }
  // Gathered first, tallied after in file order, so warnings do not depend on which read finished first.
  const checked = await mapLimit(dataset.images, 32, async (image): Promise<Checked> => {
    const path = resolvePath(dir, image.fileName)
    if ((await host.kind(path)) !== 'file') return { image, found: false }
    const located = { ...image, path }
    if (!checkSizes) return { image: located, found: true }
    try {
      const { width, height, orientation = 1 } = await probeImageSize(host, path)
      const turned = orientation >= 5 && width === image.height && height === image.width
      return { image: located, found: true, size: { width, height, turned } }
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error
      return { image: located, found: true, size: null }
    }
  })
  const missing = new Tally()
  const unreadable = new Tally()
  const mismatch = new Tally()
  let turned = 0
  const results: (DatasetImage | null)[] = checked.map(({ image, found, size }) => {
    const name = quote(image.fileName)
    if (!found) {
      missing.add(name)
      return null
    }
    if (size === null) unreadable.add(name)
    else if (size !== undefined && (size.width !== image.width || size.height !== image.height)) {
      if (size.turned) turned++
      mismatch.add(`${name} is ${size.width}×${size.height}, JSON says ${image.width}×${image.height}`)
    }
    return image
  })
  const images = results.filter((im): im is DatasetImage => im !== null)
  const warnings = [...dataset.warnings]
  let annotations = dataset.annotations
  if (missing.count > 0) {
    const kept = new Set(images.map((im) => im.id))
    annotations = annotations.filter((a) => kept.has(a.imageId))
    warnings.push(
      `${missing.count} image(s) of the JSON are not in ${quote(dir)} and were skipped with their ${dataset.annotations.length - annotations.length} annotation(s): ${missing.list()}`,
    )
  }
  if (unreadable.count > 0) {
    warnings.push(
      `${unreadable.count} image(s) whose size could not be read from the header: ${unreadable.list()}`,
    )
  }
  if (mismatch.count > 0) {
    const why =
      turned > 0
        ? ` (${turned} of them turned by their EXIF orientation: the JSON gives the stored size, the picture displays a quarter turn round)`
        : ''
    warnings.push(
      `${mismatch.count} image(s) differ in size from the JSON's width/height${why}; boxes may not line up with the pixels: ${mismatch.list()}`,
    )
  }
  return { ...dataset, images, annotations, warnings }
}

/**
 * Open a dataset: `.json` → COCO instances, `.yaml`/`.yml` → Ultralytics data.yaml (split `val` unless
 * told), a folder → its data.yaml. Other extensions are sniffed: `{` starts a COCO JSON. Throws
 * NotFoundError naming the path when it does not exist, DatasetError when the content is malformed.
 */
export async function openDataset(path: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const host = nodeDatasetHost()
  let abs = resolve(path)
  const kind = await host.kind(abs)
  if (kind === null) throw new NotFoundError(`no dataset at ${quote(abs)}; check the path and try again`)
  if (kind === 'dir') {
    const inside = join(abs, 'data.yaml')
    if ((await host.kind(inside)) !== 'file') {
      throw new FileAccessError(
        `${quote(abs)} is a folder without a data.yaml; choose the data.yaml or the COCO instances JSON`,
      )
    }
    abs = inside
  } else if (kind !== 'file') {
    throw new FileAccessError(
      `${quote(abs)} is not a regular file; choose a data.yaml or a COCO instances JSON`,
    )
  }
  const ext = extname(abs).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') {
    if (options.imagesDir !== undefined) {
      throw new InvalidArgumentError(
        `an images folder (${quote(options.imagesDir)}) applies to a COCO JSON; ${quote(basename(abs))} names its own image folders`,
      )
    }
    return readYoloDataset(abs, host, options.split === undefined ? {} : { split: options.split })
  }
  const text = await host.readText(abs)
  if (ext !== '.json' && !/^\uFEFF?\s*\{/.test(text)) {
    throw new DatasetError(
      `${quote(basename(abs))} is neither a COCO instances JSON nor a data.yaml; open a .json (COCO) or a .yaml (Ultralytics)`,
    )
  }
  if (options.split !== undefined) {
    throw new InvalidArgumentError(
      `a split (${quote(options.split)}) applies to a data.yaml; ${quote(basename(abs))} is a COCO JSON, which is one split`,
    )
  }
  const dataset = parseCocoInstances(text, {
    source: abs,
    ...(options.danglingAnnotations === undefined
      ? {}
      : { danglingAnnotations: options.danglingAnnotations }),
  })
  if (options.imagesDir === undefined) return dataset
  return attachImages(dataset, options.imagesDir, host, options.checkImageSizes ?? true)
}

/** Read a COCO results (detections) file. Throws NotFoundError when missing, DatasetError when malformed. */
export async function openDetections(path: string, options: CocoResultsOptions = {}): Promise<Detection[]> {
  const abs = resolve(path)
  const text = await nodeDatasetHost().readText(abs)
  return parseCocoResults(text, { source: abs, ...options })
}
