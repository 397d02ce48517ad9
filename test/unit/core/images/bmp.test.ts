/** core's BMP decoder against BMPs written here by hand: the depths, row orders and masks writers use. */
import { describe, expect, it } from 'vitest'
import { ImageDecodeError } from '../../../../src-main/core/errors'
import { decodeBmp, looksLikeBmp } from '../../../../src-main/core/images/bmp'

interface BmpSpec {
  width: number
  height: number
  bpp: number
  compression?: number
  topDown?: boolean
  palette?: number[][]
  masks?: [number, number, number]
  /** Row bytes, top row first, without padding. */
  rows: number[][]
}

function bmp(spec: BmpSpec): Uint8Array {
  const rowBytes = Math.ceil((spec.width * spec.bpp) / 32) * 4
  const masks = spec.masks ? 12 : 0
  const palette = (spec.palette?.length ?? 0) * 4
  const offset = 14 + 40 + masks + palette
  const b = Buffer.alloc(offset + rowBytes * spec.height)
  b.write('BM', 0, 'latin1')
  b.writeUInt32LE(b.length, 2)
  b.writeUInt32LE(offset, 10)
  b.writeUInt32LE(40, 14)
  b.writeInt32LE(spec.width, 18)
  b.writeInt32LE(spec.topDown ? -spec.height : spec.height, 22)
  b.writeUInt16LE(1, 26)
  b.writeUInt16LE(spec.bpp, 28)
  b.writeUInt32LE(spec.compression ?? 0, 30)
  b.writeUInt32LE(spec.palette?.length ?? 0, 46)
  if (spec.masks) spec.masks.forEach((m, i) => b.writeUInt32LE(m, 54 + i * 4))
  spec.palette?.forEach(([r, g, bl], i) => b.set([bl!, g!, r!, 0], 54 + masks + i * 4))
  spec.rows.forEach((row, y) => {
    const stored = spec.topDown ? y : spec.height - 1 - y
    b.set(row, offset + stored * rowBytes)
  })
  return new Uint8Array(b)
}

describe('decodeBmp', () => {
  it('24-bit bottom-up, with row padding', () => {
    const image = decodeBmp(
      bmp({
        width: 3,
        height: 2,
        bpp: 24,
        rows: [
          [3, 2, 1, 6, 5, 4, 9, 8, 7],
          [0, 0, 255, 0, 255, 0, 255, 0, 0],
        ],
      }),
    )
    expect([image.width, image.height]).toEqual([3, 2])
    expect(Array.from(image.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 0, 0, 0, 255, 0, 0, 0, 255])
  })

  it('8-bit and 4-bit and 1-bit palettes, top-down', () => {
    const palette = [
      [10, 20, 30],
      [40, 50, 60],
    ]
    const eight = decodeBmp(bmp({ width: 2, height: 1, bpp: 8, palette, topDown: true, rows: [[1, 0]] }))
    expect(Array.from(eight.data)).toEqual([40, 50, 60, 10, 20, 30])
    const four = decodeBmp(bmp({ width: 3, height: 1, bpp: 4, palette, rows: [[0x10, 0x10]] }))
    expect(Array.from(four.data)).toEqual([40, 50, 60, 10, 20, 30, 40, 50, 60])
    const one = decodeBmp(bmp({ width: 9, height: 1, bpp: 1, palette, rows: [[0b10100000, 0b10000000]] }))
    expect(Array.from(one.data.subarray(0, 9))).toEqual([40, 50, 60, 10, 20, 30, 40, 50, 60])
    expect(Array.from(one.data.subarray(24, 27))).toEqual([40, 50, 60])
  })

  it('16-bit 5-5-5 and 32-bit BI_BITFIELDS (alpha ignored)', () => {
    const sixteen = decodeBmp(bmp({ width: 1, height: 1, bpp: 16, rows: [[0x1f, 0x7c]] })) // 0x7c1f: r 31, g 0, b 31
    expect(Array.from(sixteen.data)).toEqual([255, 0, 255])
    const masks: [number, number, number] = [0x000000ff, 0x0000ff00, 0x00ff0000] // RGBA byte order
    const thirtyTwo = decodeBmp(
      bmp({ width: 1, height: 1, bpp: 32, compression: 3, masks, rows: [[11, 22, 33, 0]] }),
    )
    expect(Array.from(thirtyTwo.data)).toEqual([11, 22, 33])
  })

  it('typed errors: cut short, RLE, not a BMP', () => {
    const full = bmp({
      width: 4,
      height: 4,
      bpp: 24,
      rows: Array.from({ length: 4 }, () => new Array(12).fill(9)),
    })
    expect(() => decodeBmp(full.subarray(0, 70))).toThrow(expect.objectContaining({ reason: 'truncated' }))
    const rle = bmp({ width: 2, height: 1, bpp: 8, compression: 1, palette: [[0, 0, 0]], rows: [[0, 0]] })
    expect(() => decodeBmp(rle, 'rle.bmp')).toThrow(/RLE8 BMPs are not supported/)
    expect(() => decodeBmp(new Uint8Array(20))).toThrow(ImageDecodeError)
    expect(looksLikeBmp(full)).toBe(true)
    expect(looksLikeBmp(new TextEncoder().encode('BM but not a bitmap header'))).toBe(false)
  })
})
