/**
 * Small real image files for dataset tests: a valid PNG of any size, and a real JPEG with an EXIF
 * orientation and large APP segments inserted before its frame header (as cameras write them).
 */
import { crc32, deflateSync } from 'node:zlib'

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** A valid w×h black RGB PNG. */
export function pngBytes(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const raw = Buffer.alloc(height * (1 + width * 3))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ])
}

/** An APP1 segment holding EXIF with IFD0 = { Orientation (0x0112, SHORT) = orientation }, big-endian TIFF. */
function exifSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4)
  tiff.write('MM', 0, 'latin1')
  tiff.writeUInt16BE(42, 2)
  tiff.writeUInt32BE(8, 4)
  tiff.writeUInt16BE(1, 8)
  tiff.writeUInt16BE(0x0112, 10)
  tiff.writeUInt16BE(3, 12)
  tiff.writeUInt32BE(1, 14)
  tiff.writeUInt16BE(orientation, 18)
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])
  const head = Buffer.from([0xff, 0xe1, 0, 0])
  head.writeUInt16BE(body.length + 2, 2)
  return Buffer.concat([head, body])
}

/** An APPn segment of `size` payload bytes (at most 65533). */
function paddingSegment(marker: number, size: number): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0])
  head.writeUInt16BE(size + 2, 2)
  return Buffer.concat([head, Buffer.alloc(size, 0x20)])
}

/**
 * `jpeg` with, right after SOI, an EXIF orientation (when given) and `paddingBytes` of APP2 segments,
 * so its SOF sits that far further into the file.
 */
export function jpegWithHeaders(
  jpeg: Uint8Array,
  options: { orientation?: number; paddingBytes?: number },
): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])]
  if (options.orientation !== undefined) parts.push(exifSegment(options.orientation))
  let left = options.paddingBytes ?? 0
  while (left > 0) {
    const size = Math.min(left, 60_000)
    parts.push(paddingSegment(0xe2, size))
    left -= size
  }
  parts.push(Buffer.from(jpeg.subarray(2)))
  return Buffer.concat(parts)
}
