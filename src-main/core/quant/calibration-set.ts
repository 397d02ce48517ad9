/**
 * Which images calibrate: the first N of the dataset (in its order), or N drawn without replacement by
 * a seeded shuffle (mulberry32 + Fisher–Yates: the same seed picks the same images on every machine).
 * The pick is recorded with the SHA-256 of its file names, one per line, so two calibrations can be
 * told apart by their image lists.
 */
import { InvalidArgumentError, quote } from '../errors'

export type CalibrationSelection = 'first' | 'seeded'

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `size` items of `items`: the first ones, or a seeded random sample in draw order. */
export function selectCalibrationImages<T>(
  items: readonly T[],
  size: number,
  selection: CalibrationSelection,
  seed = 0,
): T[] {
  if (!Number.isInteger(size) || size < 1) {
    throw new InvalidArgumentError(`the calibration set needs at least 1 image; got ${quote(size)}`)
  }
  if (items.length === 0) {
    throw new InvalidArgumentError(
      'the calibration dataset has no images; check its annotations or data.yaml',
    )
  }
  const n = Math.min(size, items.length)
  if (selection === 'first') return items.slice(0, n)
  if (selection !== 'seeded') {
    throw new InvalidArgumentError(`calibration selection ${quote(selection)} is not first or seeded`)
  }
  const pool = items.slice()
  const random = mulberry32(seed)
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i))
    const t = pool[i]!
    pool[i] = pool[j]!
    pool[j] = t
  }
  return pool.slice(0, n)
}

/** Hex SHA-256 of the names joined by '\n'. */
export async function imageListSha256(names: readonly string[]): Promise<string> {
  const bytes = new TextEncoder().encode(names.join('\n'))
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
