/**
 * Decoding pictures with sharp (real files, real libvips): the pixels OpenCV's imread gives (coco128
 * JPEGs, compared with cv2 4.6 through test/fixtures/images/opencv-reference.json), EXIF orientation,
 * formats, and the typed errors a run records per image.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { planResize, toInputTensor } from '../../../../src-main/core/detect/preprocess'
import { makeProtocol, type PreprocessSpec, type ResizeMode } from '../../../../src-main/core/detect/protocol'
import { ImageDecodeError, NotFoundError } from '../../../../src-main/core/errors'
import type { RgbImage } from '../../../../src-main/core/images/rgb-image'
import {
  decodeImage,
  loadImage,
  readImageBytes,
  resizeImage,
} from '../../../../src-main/services/images/image-decoder'
import { readBytes, readJson, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { tempDir } from '../../../helpers/temp'

interface PipelineCase {
  file: string
  kind: ResizeMode
  size: [number, number]
  decodedSha256: string
  sha256: string
}
const reference = readJson<{ pipeline: PipelineCase[] }>(repoFixture('images', 'opencv-reference.json'))
const coco = (name: string): string => sharedFixture('coco128', 'images', 'train2017', name)
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** HWC BGR bytes, as OpenCV holds a picture. */
function toBgr(image: RgbImage): Uint8Array {
  const out = new Uint8Array(image.data.length)
  for (let i = 0; i < out.length; i += 3) {
    out[i] = image.data[i + 2]!
    out[i + 1] = image.data[i + 1]!
    out[i + 2] = image.data[i]!
  }
  return out
}

/** A w×h picture: the top-left quadrant red, the rest grey. */
function markerPicture(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const red = x < width / 2 && y < height / 2
      data.set(red ? [220, 20, 20] : [128, 128, 128], (y * width + x) * 3)
    }
  }
  return { width, height, data }
}

const raw = (image: RgbImage) => ({ raw: { width: image.width, height: image.height, channels: 3 as const } })

describe('decodeImage: the pixels OpenCV gives', () => {
  it.each([...new Set(reference.pipeline.map((c) => c.file))])(
    '%s decodes to cv2.imread’s pixels (ICC profile ignored, as OpenCV does)',
    async (file) => {
      const expected = reference.pipeline.find((c) => c.file === file)!.decodedSha256
      expect(sha256(toBgr(await loadImage(coco(file))))).toBe(expected)
    },
  )

  it.each(reference.pipeline.map((c) => [`${c.file} ${c.kind} ${c.size.join('×')}`, c] as const))(
    '%s: decode + opencv-linear + pad equals the Python pipeline byte for byte',
    async (_, c) => {
      const image = await loadImage(coco(c.file))
      const protocol = makeProtocol(
        { width: c.size[0], height: c.size[1], layout: 'nhwc', dtype: 'uint8' },
        'yolov8',
        {
          preset: 'yolox', // BGR 0..255, no normalization: the bytes OpenCV holds
          resize: c.kind,
          pad: 114,
        },
      )
      const spec: PreprocessSpec = protocol.preprocess
      const plan = planResize(image.width, image.height, spec)
      const resized = await resizeImage(image, plan.resizedWidth, plan.resizedHeight, 'opencv-linear')
      const tensor = toInputTensor(resized, plan, spec)
      expect(sha256(tensor.data as Uint8Array)).toBe(c.sha256)
    },
  )
})

describe('decodeImage: EXIF orientation', () => {
  const stored = markerPicture(40, 20)
  // Where the stored top-left quadrant shows up once the orientation is applied, and the upright size.
  const cases: [orientation: number, corner: 'tl' | 'tr' | 'bl' | 'br', w: number, h: number][] = [
    [1, 'tl', 40, 20],
    [2, 'tr', 40, 20],
    [3, 'br', 40, 20],
    [4, 'bl', 40, 20],
    [5, 'tl', 20, 40],
    [6, 'tr', 20, 40],
    [7, 'br', 20, 40],
    [8, 'bl', 20, 40],
  ]
  it.each(cases)(
    'orientation %i puts the marker %s of a %i×%i picture',
    async (orientation, corner, w, h) => {
      const jpeg = await sharp(stored.data, raw(stored))
        .jpeg({ quality: 95 })
        .withMetadata({ orientation })
        .toBuffer()
      expect((await sharp(jpeg).metadata()).orientation).toBe(orientation)
      const image = await decodeImage(jpeg, 'rotated.jpg')
      expect([image.width, image.height]).toEqual([w, h])
      const at = (x: number, y: number): number => image.data[(y * w + x) * 3]!
      const x = corner.endsWith('l') ? 2 : w - 3
      const y = corner.startsWith('t') ? 2 : h - 3
      expect(at(x, y)).toBeGreaterThan(180) // red
      expect(at(w - 1 - x, h - 1 - y)).toBeLessThan(160) // the opposite corner is grey
    },
  )
})

describe('decodeImage: formats', () => {
  const picture = markerPicture(9, 7)

  it('PNG and lossless WebP decode to the exact pixels', async () => {
    const png = await sharp(picture.data, raw(picture)).png().toBuffer()
    const webp = await sharp(picture.data, raw(picture)).webp({ lossless: true }).toBuffer()
    for (const bytes of [png, webp]) {
      const image = await decodeImage(bytes)
      expect([image.width, image.height]).toEqual([9, 7])
      expect(Buffer.from(image.data).equals(Buffer.from(picture.data))).toBe(true)
    }
  })

  it('grey PNG becomes three equal channels; RGBA drops alpha without compositing', async () => {
    const grey = await sharp(Buffer.from([0, 100, 200, 255]), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer()
    expect(Array.from((await decodeImage(grey)).data)).toEqual([
      0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255,
    ])
    const rgba = await sharp(Buffer.from([10, 20, 30, 0, 40, 50, 60, 255]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer()
    expect(Array.from((await decodeImage(rgba)).data)).toEqual([10, 20, 30, 40, 50, 60])
  })

  it('BMP (which libvips cannot read) goes through core’s decoder', async () => {
    const bmp = bmp24(picture)
    await expect(sharp(bmp).metadata()).rejects.toThrow()
    const image = await decodeImage(bmp, 'x.bmp')
    expect(Buffer.from(image.data).equals(Buffer.from(picture.data))).toBe(true)
  })
})

/** A bottom-up 24-bit BMP, written here independently of the decoder. */
function bmp24(image: RgbImage): Uint8Array {
  const rowBytes = Math.ceil((image.width * 3) / 4) * 4
  const size = 54 + rowBytes * image.height
  const b = Buffer.alloc(size)
  b.write('BM', 0, 'latin1')
  b.writeUInt32LE(size, 2)
  b.writeUInt32LE(54, 10)
  b.writeUInt32LE(40, 14)
  b.writeInt32LE(image.width, 18)
  b.writeInt32LE(image.height, 22)
  b.writeUInt16LE(1, 26)
  b.writeUInt16LE(24, 28)
  for (let y = 0; y < image.height; y++) {
    const row = 54 + (image.height - 1 - y) * rowBytes
    for (let x = 0; x < image.width; x++) {
      const s = (y * image.width + x) * 3
      b[row + x * 3] = image.data[s + 2]!
      b[row + x * 3 + 1] = image.data[s + 1]!
      b[row + x * 3 + 2] = image.data[s]!
    }
  }
  return new Uint8Array(b)
}

describe('per-image errors are typed', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())
  const jpeg = readBytes(coco('000000000009.jpg'))

  async function reason(bytes: Uint8Array, name: string): Promise<string> {
    const path = join(temp.dir, name)
    writeFileSync(path, bytes)
    const error = await loadImage(path).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ImageDecodeError)
    expect((error as Error).message).toContain(name)
    return (error as ImageDecodeError).reason
  }

  it('zero bytes → empty', async () => {
    expect(await reason(new Uint8Array(0), 'zero.jpg')).toBe('empty')
  })
  it('a JPEG cut in half → truncated', async () => {
    expect(await reason(jpeg.subarray(0, jpeg.length >> 1), 'half.jpg')).toBe('truncated')
  })
  it('a PNG cut short → truncated', async () => {
    const png = await sharp(jpeg).png().toBuffer()
    expect(await reason(png.subarray(0, png.length >> 1), 'half.png')).toBe('truncated')
  })
  it('text named .jpg → not-an-image', async () => {
    expect(await reason(new TextEncoder().encode('hello, I am not a picture\n'), 'text.jpg')).toBe(
      'not-an-image',
    )
  })
  it('a BMP cut short → truncated', async () => {
    const bmp = bmp24(markerPicture(30, 20))
    expect(await reason(bmp.subarray(0, 400), 'short.bmp')).toBe('truncated')
  })
  it('a missing file → NotFoundError', async () => {
    await expect(readImageBytes(join(temp.dir, 'nope.jpg'))).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('resizeImage', () => {
  it('libvips kernels give the asked size and differ from OpenCV’s when shrinking', async () => {
    const image = await loadImage(coco('000000000009.jpg'))
    const cv = await resizeImage(image, 416, 312, 'opencv-linear')
    for (const kernel of ['linear', 'cubic', 'lanczos3', 'nearest'] as const) {
      const out = await resizeImage(image, 416, 312, kernel)
      expect([out.width, out.height, out.data.length]).toEqual([416, 312, 416 * 312 * 3])
      expect(Buffer.from(out.data).equals(Buffer.from(cv.data))).toBe(false)
    }
  })
})
