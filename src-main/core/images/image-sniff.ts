/**
 * What a picture file is, from its bytes, and whether it ends where its format says it must. Used to
 * name a decoding failure: libvips' own message is not reliable for that (with several pictures decoding
 * at once, a JPEG warning can reach the caller as the bare "Warning treated as error").
 */

export type PictureFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'bmp' | 'heif'

const starts = (b: Uint8Array, sig: readonly number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v)

const ascii = (b: Uint8Array, at: number, text: string): boolean =>
  starts(
    b,
    Array.from(text, (c) => c.charCodeAt(0)),
    at,
  )

/** The container format by its signature, or null when the bytes start like no picture format we read. */
export function sniffPictureFormat(bytes: Uint8Array): PictureFormat | null {
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'webp'
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'gif'
  if (starts(bytes, [0x49, 0x49, 0x2a, 0x00]) || starts(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff'
  if (ascii(bytes, 0, 'BM')) return 'bmp'
  if (ascii(bytes, 4, 'ftyp')) return 'heif'
  return null
}

/** The last index of `sig` within the final `window` bytes, or -1. */
function findNearEnd(bytes: Uint8Array, sig: readonly number[], window: number): number {
  for (let i = bytes.length - sig.length; i >= Math.max(0, bytes.length - window); i--) {
    if (sig.every((v, k) => bytes[i + k] === v)) return i
  }
  return -1
}

/**
 * True when the file stops before its format's end marker: JPEG without EOI (FF D9) in its last KiB,
 * PNG without IEND, WebP shorter than its RIFF size, GIF without its trailer. False when complete or
 * when the format has no such marker (TIFF, HEIF: their ends are not marked).
 */
export function looksTruncated(bytes: Uint8Array, format: PictureFormat): boolean {
  switch (format) {
    case 'jpeg':
      return findNearEnd(bytes, [0xff, 0xd9], 1024) < 0
    case 'png':
      return findNearEnd(bytes, [0x49, 0x45, 0x4e, 0x44], 64) < 0
    case 'webp': {
      if (bytes.length < 12) return true
      const size = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0
      return bytes.length < size + 8
    }
    case 'gif':
      return findNearEnd(bytes, [0x3b], 16) < 0
    default:
      return false
  }
}
