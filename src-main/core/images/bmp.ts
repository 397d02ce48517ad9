/**
 * Windows BMP → RGB. libvips (sharp) reads no BMP, and datasets do hold some, so this small decoder
 * covers what cameras and tools write: BITMAPCOREHEADER (OS/2, 12 bytes) and BITMAPINFOHEADER with its
 * V2–V5 extensions; 1, 4, 8 bits with a palette, 16 bits (5-5-5 or bit fields), 24 bits, 32 bits (BI_RGB
 * or bit fields, alpha ignored as OpenCV's imread ignores it); bottom-up and top-down rows. RLE and
 * embedded JPEG/PNG compressions are reported as unsupported.
 */
import { ImageDecodeError } from '../errors'
import type { RgbImage } from './rgb-image'

const BI_RGB = 0
const BI_BITFIELDS = 3
const BI_ALPHABITFIELDS = 6

/** True when the bytes start like a BMP file ("BM" and a plausible header size). */
export function looksLikeBmp(bytes: Uint8Array): boolean {
  if (bytes.length < 18 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return false
  const dib = (bytes[14] as number) | ((bytes[15] as number) << 8) | ((bytes[16] as number) << 16)
  return dib === 12 || dib === 40 || dib === 52 || dib === 56 || dib === 64 || dib === 108 || dib === 124
}

/** Shift and width of a bit mask, to read a channel and scale it to 8 bits. */
function maskInfo(mask: number): { shift: number; bits: number } {
  if (mask === 0) return { shift: 0, bits: 0 }
  let shift = 0
  while (((mask >>> shift) & 1) === 0) shift++
  let bits = 0
  while (((mask >>> (shift + bits)) & 1) === 1 && shift + bits < 32) bits++
  return { shift, bits }
}

function scaleTo8(value: number, bits: number): number {
  if (bits === 0) return 0
  if (bits >= 8) return value >>> (bits - 8)
  // Replicate the high bits into the low ones (5 bits 31 → 255, as libraries usually do).
  const max = (1 << bits) - 1
  return Math.round((value * 255) / max)
}

export function decodeBmp(bytes: Uint8Array, name = 'BMP file'): RgbImage {
  const fail = (why: string, reason: 'truncated' | 'unsupported' | 'corrupt' = 'corrupt'): never => {
    throw new ImageDecodeError(`${name}: ${why}`, reason)
  }
  if (!looksLikeBmp(bytes)) fail('not a BMP file (no "BM" signature with a known header)', 'corrupt')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dataOffset = view.getUint32(10, true)
  const dibSize = view.getUint32(14, true)
  if (bytes.length < 14 + dibSize) fail(`cut short inside its ${dibSize}-byte header`, 'truncated')
  let width: number
  let height: number
  let bpp: number
  let compression = BI_RGB
  let paletteEntrySize = 4
  let colorsUsed = 0
  if (dibSize === 12) {
    width = view.getUint16(18, true)
    height = view.getInt16(20, true)
    bpp = view.getUint16(24, true)
    paletteEntrySize = 3
  } else {
    width = view.getInt32(18, true)
    height = view.getInt32(22, true)
    bpp = view.getUint16(28, true)
    compression = view.getUint32(30, true)
    colorsUsed = view.getUint32(46, true)
  }
  const topDown = height < 0
  height = Math.abs(height)
  if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
    fail(`impossible size ${width}×${height}`)
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) fail(`${bpp} bits per pixel is not a BMP depth`, 'unsupported')
  let masks: [number, number, number] = [0, 0, 0]
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    if (bpp !== 16 && bpp !== 32) fail(`bit-field compression with ${bpp} bits per pixel`, 'unsupported')
    // The masks follow the 40-byte header (V2+ headers hold them in the same place).
    if (bytes.length < 14 + 40 + 12) fail('cut short before its colour masks', 'truncated')
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)]
  } else if (compression !== BI_RGB) {
    const names: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'embedded JPEG', 5: 'embedded PNG' }
    fail(
      `${names[compression] ?? `compression ${compression}`} BMPs are not supported; save it as PNG`,
      'unsupported',
    )
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f]
  } else if (bpp === 32) {
    masks = [0x00ff0000, 0x0000ff00, 0x000000ff]
  }
  let palette: Uint8Array | null = null
  if (bpp <= 8) {
    const count = colorsUsed > 0 ? Math.min(colorsUsed, 1 << bpp) : 1 << bpp
    const start = 14 + dibSize + (compression === BI_BITFIELDS ? 12 : 0)
    if (start + count * paletteEntrySize > bytes.length) fail('cut short inside its palette', 'truncated')
    palette = new Uint8Array(256 * 3)
    for (let i = 0; i < count; i++) {
      const e = start + i * paletteEntrySize
      palette[i * 3] = bytes[e + 2] as number
      palette[i * 3 + 1] = bytes[e + 1] as number
      palette[i * 3 + 2] = bytes[e] as number
    }
  }
  const rowBytes = Math.ceil((width * bpp) / 32) * 4
  const needed = dataOffset + rowBytes * (height - 1) + Math.ceil((width * bpp) / 8)
  if (needed > bytes.length) {
    fail(`cut short: ${bytes.length} bytes where its ${width}×${height} pixels need ${needed}`, 'truncated')
  }
  const out = new Uint8Array(width * height * 3)
  const info = masks.map(maskInfo)
  for (let row = 0; row < height; row++) {
    const y = topDown ? row : height - 1 - row
    const base = dataOffset + row * rowBytes
    let o = y * width * 3
    for (let x = 0; x < width; x++, o += 3) {
      if (palette !== null) {
        const bitPos = x * bpp
        const byte = bytes[base + (bitPos >> 3)] as number
        const index = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1)
        out[o] = palette[index * 3] as number
        out[o + 1] = palette[index * 3 + 1] as number
        out[o + 2] = palette[index * 3 + 2] as number
      } else if (bpp === 24) {
        const p = base + x * 3
        out[o] = bytes[p + 2] as number
        out[o + 1] = bytes[p + 1] as number
        out[o + 2] = bytes[p] as number
      } else {
        const value = bpp === 16 ? view.getUint16(base + x * 2, true) : view.getUint32(base + x * 4, true)
        for (let c = 0; c < 3; c++) {
          const { shift, bits } = info[c] as { shift: number; bits: number }
          out[o + c] = scaleTo8((value & (masks[c] as number)) >>> shift, bits)
        }
      }
    }
  }
  return { width, height, data: out }
}
