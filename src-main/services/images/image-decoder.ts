/**
 * Pictures from disk to RGB pixels: the only importer of sharp (libvips). JPEG, PNG, WebP, TIFF, GIF
 * (first frame) through sharp, with the EXIF orientation applied as cameras mean it (a picture stored
 * sideways comes out upright, as COCO's annotations expect); BMP through core's decoder, because libvips
 * reads none. Alpha is dropped (not composited), grey and CMYK become sRGB, 16-bit samples become 8-bit —
 * what OpenCV's imread(IMREAD_COLOR) gives the Python tools.
 *
 * Every failure of one picture is an ImageDecodeError (reason: empty, truncated, not-an-image,
 * unsupported, corrupt) or a NotFoundError/FileAccessError, so a run records it and goes on.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import sharp from 'sharp'
import { FileAccessError, ImageDecodeError, NotFoundError, quote } from '../../core/errors'
import { decodeBmp, looksLikeBmp } from '../../core/images/bmp'
import { looksTruncated, sniffPictureFormat } from '../../core/images/image-sniff'
import type { RgbImage } from '../../core/images/rgb-image'
import { resizeLinearOpenCv } from '../../core/images/resize-opencv'
import type { ResizeKernel } from '../../core/detect/protocol'

// libvips caches operations for reuse; an evaluation never asks twice for the same picture.
sharp.cache(false)

/** The file's bytes; NotFoundError / FileAccessError / ImageDecodeError('empty') otherwise. */
export async function readImageBytes(path: string): Promise<Uint8Array> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new NotFoundError(`no picture at ${quote(path)}`, { cause: error })
    }
    if (code === 'EISDIR')
      throw new FileAccessError(`${quote(path)} is a folder, not a picture`, { cause: error })
    throw new FileAccessError(`cannot read ${quote(path)}: ${code ?? (error as Error).message}`, {
      cause: error,
    })
  }
  if (bytes.byteLength === 0) {
    throw new ImageDecodeError(`${quote(basename(path))} is empty (0 bytes)`, 'empty')
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Name a decoding failure. The bytes decide first (no known signature → not-an-image; a format's end
 * marker missing → truncated): libvips' message alone is unreliable, since with several pictures
 * decoding at once a warning can reach here as the bare "Warning treated as error due to failOn setting".
 */
function decodeError(name: string, bytes: Uint8Array, error: unknown): ImageDecodeError {
  const message = error instanceof Error ? error.message : String(error)
  const first = message.split('\n')[0] ?? message
  const format = sniffPictureFormat(bytes)
  if (format === null || /unsupported image format/i.test(message)) {
    return new ImageDecodeError(
      `${quote(name)} is not a picture Quantscope reads (JPEG, PNG, WebP, TIFF, GIF, BMP); is it mislabelled?`,
      'not-an-image',
      { cause: error },
    )
  }
  if (
    looksTruncated(bytes, format) ||
    /premature end|truncat|unexpected end|end of (file|stream|data)/i.test(message)
  ) {
    return new ImageDecodeError(`${quote(name)} is cut short (${first}); copy the file again`, 'truncated', {
      cause: error,
    })
  }
  return new ImageDecodeError(`${quote(name)} cannot be decoded: ${first}`, 'corrupt', { cause: error })
}

/** Decode bytes to upright RGB. `name` is for messages. */
export async function decodeImage(bytes: Uint8Array, name = 'picture'): Promise<RgbImage> {
  if (bytes.byteLength === 0) throw new ImageDecodeError(`${quote(name)} is empty (0 bytes)`, 'empty')
  if (looksLikeBmp(bytes)) return decodeBmp(bytes, quote(name))
  try {
    const { data, info } = await sharp(bytes, {
      autoOrient: true,
      failOn: 'warning',
      limitInputPixels: 2 ** 28,
      ignoreIcc: true,
    })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) {
      throw new Error(`decoded to ${info.channels} channels where 3 were expected`)
    }
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    }
  } catch (error) {
    throw decodeError(name, bytes, error)
  }
}

/**
 * Resample RGB pixels to width × height with `kernel`: 'opencv-linear' in core (OpenCV's INTER_LINEAR,
 * bit-exact), the others with libvips (antialiased when shrinking, no shrink-on-load).
 */
export async function resizeImage(
  image: RgbImage,
  width: number,
  height: number,
  kernel: ResizeKernel,
): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image
  if (kernel === 'opencv-linear') return resizeLinearOpenCv(image, width, height)
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height, { fit: 'fill', kernel, fastShrinkOnLoad: false })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  }
}

/** Read and decode a picture file (EXIF orientation applied). */
export async function loadImage(path: string): Promise<RgbImage> {
  return decodeImage(await readImageBytes(path), basename(path))
}
