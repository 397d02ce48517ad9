/**
 * A stable identity for a dataset's content: SHA-256 of a canonical text of the images (file name, id,
 * width, height) and all their boxes (category, bbox and area rounded to 1e-4 px, crowd, ignore), plus
 * the categories and the class-index map. Reading the same files twice gives the same fingerprint;
 * any change of a label, an image size, a class name or an id changes it. Paths, annotation ids, file
 * order and warnings do not count: moving the dataset folder keeps its fingerprint.
 *
 * The same dataset read from COCO JSON and from its YOLO export generally differs (COCO's area is the
 * mask's, YOLO's is w·h; YOLO labels drop crowd boxes), so their fingerprints differ too.
 *
 * Hash: WebCrypto's `crypto.subtle.digest`, a global in Node ≥ 19, workers and browsers, so core stays
 * pure without a hand-written SHA-256 or a hash function threaded through every host; native, and
 * asynchronous, which every caller (opening a dataset) already is.
 */
import type { Dataset, GroundTruthBox } from './dataset'

export const FINGERPRINT_VERSION = 'quantscope-dataset-v1'

/** Rounded to 1e-4 (px), printed shortest; -0 prints as 0. */
function num(value: number): string {
  const rounded = Math.round(value * 1e4) / 1e4
  return String(rounded === 0 ? 0 : rounded)
}

function boxLine(a: GroundTruthBox): string {
  const flags = `${a.iscrowd ? 1 : 0}\t${a.ignore === undefined ? '-' : a.ignore ? 1 : 0}`
  return `  ${a.categoryId}\t${a.bbox.map(num).join('\t')}\t${num(a.area)}\t${flags}`
}

/** The text the fingerprint hashes (exposed for tests and for diffing two datasets by eye). */
export function canonicalDatasetText(
  dataset: Pick<Dataset, 'images' | 'categories' | 'annotations' | 'classIndexToCategoryId'>,
): string {
  const lines = [FINGERPRINT_VERSION, 'categories']
  for (const c of [...dataset.categories].sort((a, b) => a.id - b.id)) {
    lines.push(`${c.id}\t${JSON.stringify(c.name)}\t${JSON.stringify(c.supercategory ?? '')}`)
  }
  lines.push(`classes\t${dataset.classIndexToCategoryId.join(',')}`)
  const byImage = new Map<number, string[]>()
  for (const a of dataset.annotations) {
    const list = byImage.get(a.imageId)
    if (list === undefined) byImage.set(a.imageId, [boxLine(a)])
    else list.push(boxLine(a))
  }
  lines.push('images')
  const images = [...dataset.images].sort((a, b) =>
    a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : a.id - b.id,
  )
  for (const image of images) {
    lines.push(`${JSON.stringify(image.fileName)}\t${image.id}\t${image.width}\t${image.height}`)
    lines.push(...(byImage.get(image.id) ?? []).sort())
  }
  return lines.join('\n')
}

/** Hex SHA-256 of `canonicalDatasetText(dataset)`. */
export async function datasetFingerprint(
  dataset: Pick<Dataset, 'images' | 'categories' | 'annotations' | 'classIndexToCategoryId'>,
): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalDatasetText(dataset))
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}
