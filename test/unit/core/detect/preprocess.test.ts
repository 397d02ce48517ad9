/**
 * Preprocessing against references: Ultralytics' LetterBox arithmetic and cv2.resize INTER_LINEAR pixels
 * as Python and OpenCV 4.6 computed them (test/fixtures/images/opencv_reference.py wrote the JSON), the
 * inverse mapping, and the tensor's channel order, layout and normalization.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { planResize, preprocess, toInputTensor } from '../../../../src-main/core/detect/preprocess'
import { makeProtocol, type PreprocessSpec } from '../../../../src-main/core/detect/protocol'
import type { RgbImage } from '../../../../src-main/core/images/rgb-image'
import { resizeLinearOpenCv } from '../../../../src-main/core/images/resize-opencv'
import { readJson, repoFixture } from '../../../helpers/fixtures'

interface Reference {
  geometry: {
    image: [number, number]
    input: [number, number]
    r: number
    unpad: [number, number]
    top: number
    bottom: number
    left: number
    right: number
  }[]
  resize: {
    src: [number, number]
    dst: [number, number]
    sha256: string
    samples: [number, number, number[]][]
  }[]
}
const reference = readJson<Reference>(repoFixture('images', 'opencv-reference.json'))

/** The synthetic picture of opencv_reference.py: ((x·73856093) ^ (y·19349663) ^ (c·83492791)) >> 13 & 255. */
function synthetic(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const v = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663) ^ Math.imul(c, 83492791)) >>> 0
        data[(y * width + x) * 3 + c] = (v >>> 13) & 255
      }
    }
  }
  return { width, height, data }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

function spec(overrides: Partial<PreprocessSpec> = {}): PreprocessSpec {
  const p = makeProtocol({ width: 8, height: 6, layout: 'nchw', dtype: 'float32' }, 'yolov8')
  return { ...p.preprocess, ...overrides }
}

describe('planResize', () => {
  // Ultralytics would make a 0-pixel side (and cv2.resize would raise) for 640×1 into 320×640; not compared.
  const sized = reference.geometry.filter((g) => g.unpad[0] > 0 && g.unpad[1] > 0)
  it.each(sized.map((g) => [`${g.image.join('×')} → ${g.input.join('×')}`, g] as const))(
    'letterbox %s equals Ultralytics LetterBox',
    (_, g) => {
      const plan = planResize(g.image[0], g.image[1], {
        width: g.input[0],
        height: g.input[1],
        resize: 'letterbox',
      })
      expect([plan.resizedWidth, plan.resizedHeight]).toEqual(g.unpad)
      expect(plan.left).toBe(g.left)
      expect(plan.top).toBe(g.top)
      // cv2.copyMakeBorder adds bottom/right: the input is exactly filled.
      expect(plan.left + plan.resizedWidth + g.right).toBe(g.input[0])
      expect(plan.top + plan.resizedHeight + g.bottom).toBe(g.input[1])
      expect(plan.toModel.scaleX).toBe(g.r)
      expect(plan.toModel.scaleY).toBe(g.r)
    },
  )

  it('keeps at least one pixel where Ultralytics would round a side to 0', () => {
    const plan = planResize(640, 1, { width: 320, height: 640, resize: 'letterbox' })
    expect([plan.resizedWidth, plan.resizedHeight]).toEqual([320, 1])
  })

  it('rounds halves to even as Python does (625 × 0.5 = 312.5 → 312)', () => {
    const plan = planResize(1250, 625, { width: 625, height: 625, resize: 'letterbox' })
    expect(plan.resizedHeight).toBe(312)
    expect(plan.top).toBe(156) // dh = 156.5: round(156.4) = 156, bottom round(156.6) = 157
  })

  it('letterbox-topleft truncates as YOLOX int() and pads right/bottom', () => {
    const plan = planResize(640, 427, { width: 416, height: 416, resize: 'letterbox-topleft' })
    expect(plan.resizedWidth).toBe(416)
    expect(plan.resizedHeight).toBe(277) // 427 · 0.65 = 277.55 → 277 (letterbox would round to 278)
    expect([plan.left, plan.top]).toEqual([0, 0])
    expect(plan.toModel).toMatchObject({ scaleX: 0.65, scaleY: 0.65, padX: 0, padY: 0 })
  })

  it('stretch scales each axis', () => {
    const plan = planResize(640, 480, { width: 416, height: 416, resize: 'stretch' })
    expect([plan.resizedWidth, plan.resizedHeight, plan.left, plan.top]).toEqual([416, 416, 0, 0])
    expect(plan.toModel).toMatchObject({ scaleX: 0.65, scaleY: 416 / 480, padX: 0, padY: 0 })
  })

  it.each(['letterbox', 'letterbox-topleft', 'stretch'] as const)(
    '%s: image → model → image round-trips and corners land on the resized picture',
    (resize) => {
      for (const [w, h] of [
        [641, 479],
        [333, 500],
        [1, 1],
        [1279, 719],
      ] as const) {
        const plan = planResize(w, h, { width: 640, height: 384, resize })
        const t = plan.toModel
        expect([t.imageWidth, t.imageHeight]).toEqual([w, h])
        for (const [x, y] of [
          [0, 0],
          [w, h],
          [w / 3, h / 7],
        ] as const) {
          const mx = x * t.scaleX + t.padX
          const my = y * t.scaleY + t.padY
          expect((mx - t.padX) / t.scaleX).toBeCloseTo(x, 9)
          expect((my - t.padY) / t.scaleY).toBeCloseTo(y, 9)
        }
        // The image's far corner maps within half a pixel (rounded sizes) or one (YOLOX's truncated
        // sizes) of the resized picture's far edge.
        const slack = resize === 'letterbox-topleft' ? 1 : 0.5
        expect(Math.abs(w * t.scaleX + t.padX - (plan.left + plan.resizedWidth))).toBeLessThanOrEqual(slack)
        expect(Math.abs(h * t.scaleY + t.padY - (plan.top + plan.resizedHeight))).toBeLessThanOrEqual(slack)
      }
    },
  )
})

describe('resizeLinearOpenCv', () => {
  it.each(reference.resize.map((c) => [`${c.src.join('×')} → ${c.dst.join('×')}`, c] as const))(
    '%s is bit-exact with cv2.resize INTER_LINEAR',
    (_, c) => {
      const out = resizeLinearOpenCv(synthetic(c.src[0], c.src[1]), c.dst[0], c.dst[1])
      for (const [x, y, px] of c.samples) {
        const o = (y * c.dst[0] + x) * 3
        expect([out.data[o], out.data[o + 1], out.data[o + 2]], `pixel (${x}, ${y})`).toEqual(px)
      }
      expect(sha256(out.data)).toBe(c.sha256)
    },
  )
})

describe('toInputTensor', () => {
  // A 2×1 picture: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60).
  const picture: RgbImage = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) }

  it('NCHW RGB ÷255, pad 114 around a centered picture', () => {
    const s = spec({ width: 4, height: 3, resize: 'letterbox' })
    const plan = planResize(2, 1, s) // r = 2 → 4×2 … use the picture as already resized below
    expect([plan.resizedWidth, plan.resizedHeight]).toEqual([4, 2])
    const fake = { ...plan, resizedWidth: 2, resizedHeight: 1, left: 1, top: 1 }
    const t = toInputTensor(picture, fake, s)
    expect(t.dims).toEqual([1, 3, 3, 4])
    const at = (c: number, y: number, x: number): number => (t.data as Float32Array)[c * 12 + y * 4 + x]!
    expect(at(0, 1, 1)).toBeCloseTo(10 / 255, 7)
    expect(at(1, 1, 1)).toBeCloseTo(20 / 255, 7)
    expect(at(2, 1, 2)).toBeCloseTo(60 / 255, 7)
    expect(at(0, 0, 0)).toBeCloseTo(114 / 255, 7)
    expect(at(2, 2, 3)).toBeCloseTo(114 / 255, 7)
  })

  it('BGR swaps channels; NHWC interleaves; mean/std apply per tensor channel', () => {
    const s = spec({
      width: 2,
      height: 1,
      colorOrder: 'bgr',
      pixelRange: 255,
      layout: 'nhwc',
      mean: [1, 2, 3],
      std: [2, 4, 8],
    })
    const plan = planResize(2, 1, { ...s, resize: 'stretch' })
    const t = toInputTensor(picture, plan, s)
    expect(t.dims).toEqual([1, 1, 2, 3])
    // pixel 0 as B, G, R: (30 − 1)/2, (20 − 2)/4, (10 − 3)/8
    expect(Array.from(t.data)).toEqual([14.5, 4.5, 0.875, 29.5, 12, 4.625])
  })

  it('uint8 input carries raw pixels in the chosen order', () => {
    const s = spec({ width: 2, height: 1, dtype: 'uint8', pixelRange: 255, colorOrder: 'bgr' })
    const t = toInputTensor(picture, planResize(2, 1, { ...s, resize: 'stretch' }), s)
    expect(t.data).toBeInstanceOf(Uint8Array)
    expect(Array.from(t.data)).toEqual([30, 60, 20, 50, 10, 40])
  })

  it('preprocess: letterbox of a real-size picture puts pad 114 only outside the picture', () => {
    const image = synthetic(640, 480)
    const s = spec({ width: 416, height: 416, pixelRange: 255 })
    const { tensor, plan } = preprocess(image, s, resizeLinearOpenCv)
    expect(plan).toMatchObject({ resizedWidth: 416, resizedHeight: 312, left: 0, top: 52 })
    const data = tensor.data as Float32Array
    const plane = 416 * 416
    expect(data[51 * 416 + 5]).toBe(114)
    expect(data[2 * plane + 364 * 416 + 7]).toBe(114)
    const resized = resizeLinearOpenCv(image, 416, 312)
    expect(data[(52 + 10) * 416 + 20]).toBe(resized.data[(10 * 416 + 20) * 3])
  })
})
