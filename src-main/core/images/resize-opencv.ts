/**
 * OpenCV's `cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)` on 8-bit 3-channel images,
 * reproduced on its integer arithmetic so the pixels are the ones Ultralytics, YOLOX and NanoDet feed
 * their models (OpenCV 4.x, imgproc/src/resize.cpp, checked against cv2 4.6 in the tests):
 *
 * - source coordinate of output pixel d: f = float32((d + 0.5) · (src / dst) − 0.5), s = floor(f),
 *   weights (1 − (f − s), f − s) clamped at the borders, each rounded to 11-bit fixed point (×2048);
 * - horizontal pass exact in int32 (pixel × weight); vertical pass as OpenCV's SIMD VResizeLinearVec_32s8u,
 *   which covers whole rows on x86 (short rows too): each row's sums shifted right by 4, multiplied by
 *   the weight keeping the high 16 bits, added, +2, >> 2 — one lower than exact rounding on some pixels
 *   (the scalar formula (sum + 2²¹) >> 22 disagrees with cv2 on ~13 % of pixels, this one on none);
 * - an exact 2× shrink in both directions is INTER_AREA (OpenCV switches to it): the mean of 2×2 pixels,
 *   rounded half up.
 *
 * No antialiasing when shrinking: that is OpenCV's behaviour, and the point.
 */
import type { RgbImage } from './rgb-image'

const COEF_BITS = 11
const COEF_SCALE = 1 << COEF_BITS
const CN = 3

/** OpenCV's saturate_cast<short>(v · 2048) = cvRound: half to even. */
function fixedWeight(v: number): number {
  const x = v * COEF_SCALE
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * Per output index: first source index and the two fixed-point weights (resize.cpp's xofs / ialpha and
 * yofs / ibeta). Horizontally OpenCV clamps at the borders (weight 1 on the edge pixel); vertically it
 * does not: it keeps the weights and clips the row indices, so both taps read the edge row.
 */
function linearTaps(
  src: number,
  dst: number,
  clampAtBorders: boolean,
): { ofs: Int32Array; w0: Int32Array; w1: Int32Array } {
  // OpenCV: scale_x = 1. / inv_scale_x with inv_scale_x = dst / src (not src / dst: the last bit differs).
  const scale = 1 / (dst / src)
  const ofs = new Int32Array(dst)
  const w0 = new Int32Array(dst)
  const w1 = new Int32Array(dst)
  const f32 = new Float32Array(1)
  for (let d = 0; d < dst; d++) {
    f32[0] = (d + 0.5) * scale - 0.5
    const f = f32[0]
    let s = Math.floor(f)
    f32[0] = f - s
    let frac = f32[0]
    if (clampAtBorders && s < 0) {
      s = 0
      frac = 0
    }
    if (clampAtBorders && s >= src - 1) {
      s = src - 1
      frac = 0
    }
    f32[0] = 1 - frac
    ofs[d] = s
    w0[d] = fixedWeight(f32[0])
    w1[d] = fixedWeight(frac)
  }
  return { ofs, w0, w1 }
}

function shrinkArea2x(image: RgbImage, width: number, height: number): RgbImage {
  const src = image.data
  const sw = image.width
  const out = new Uint8Array(width * height * CN)
  for (let y = 0; y < height; y++) {
    const r0 = 2 * y * sw * CN
    const r1 = r0 + sw * CN
    for (let x = 0; x < width; x++) {
      const s = 2 * x * CN
      for (let c = 0; c < CN; c++) {
        const sum =
          (src[r0 + s + c] as number) +
          (src[r0 + s + CN + c] as number) +
          (src[r1 + s + c] as number) +
          (src[r1 + s + CN + c] as number)
        out[(y * width + x) * CN + c] = (sum + 2) >> 2
      }
    }
  }
  return { width, height, data: out }
}

/** Resize an RGB (or BGR: channels are independent) image as cv2.resize INTER_LINEAR does. */
export function resizeLinearOpenCv(image: RgbImage, width: number, height: number): RgbImage {
  const sw = image.width
  const sh = image.height
  if (width === sw && height === sh) return { width, height, data: image.data.slice() }
  if (sw === 2 * width && sh === 2 * height) return shrinkArea2x(image, width, height)
  const src = image.data
  const xs = linearTaps(sw, width, true)
  const ys = linearTaps(sh, height, false)
  const rowValues = width * CN
  // Byte offsets of both taps per output column; where the second weight is 0 (right border) the
  // second tap points at the first, so the read stays inside the row, as OpenCV reads S[sx] only there.
  const tap0 = new Int32Array(width)
  const tap1 = new Int32Array(width)
  for (let x = 0; x < width; x++) {
    tap0[x] = (xs.ofs[x] as number) * CN
    tap1[x] = (xs.w1[x] as number) === 0 ? (tap0[x] as number) : (tap0[x] as number) + CN
  }
  const xW0 = xs.w0
  const xW1 = xs.w1
  // Horizontal pass per source row, cached: each output row reads two source rows, mostly shared.
  const hRow = (sy: number, into: Int32Array): void => {
    const base = sy * sw * CN
    for (let x = 0, o = 0; x < width; x++, o += CN) {
      const s0 = base + (tap0[x] as number)
      const s1 = base + (tap1[x] as number)
      const a0 = xW0[x] as number
      const a1 = xW1[x] as number
      into[o] = (src[s0] as number) * a0 + (src[s1] as number) * a1
      into[o + 1] = (src[s0 + 1] as number) * a0 + (src[s1 + 1] as number) * a1
      into[o + 2] = (src[s0 + 2] as number) * a0 + (src[s1 + 2] as number) * a1
    }
  }
  const out = new Uint8Array(rowValues * height)
  let rowA = new Int32Array(rowValues)
  let rowB = new Int32Array(rowValues)
  let haveA = -1
  let haveB = -1
  for (let y = 0; y < height; y++) {
    const sy = ys.ofs[y] as number
    const sy0 = Math.min(Math.max(sy, 0), sh - 1)
    const sy1 = Math.min(Math.max(sy + 1, 0), sh - 1)
    // Keep the two source rows in rowA (sy0) and rowB (sy1), reusing what the previous output row had.
    if (haveA !== sy0) {
      if (haveB === sy0) {
        ;[rowA, rowB] = [rowB, rowA]
        ;[haveA, haveB] = [haveB, haveA]
      } else {
        hRow(sy0, rowA)
        haveA = sy0
      }
    }
    if (haveB !== sy1) {
      hRow(sy1, rowB)
      haveB = sy1
    }
    const b0 = ys.w0[y] as number
    const b1 = ys.w1[y] as number
    const o = y * rowValues
    for (let x = 0; x < rowValues; x++) {
      // v_mul_hi on int16 lanes: (a · b) >> 16, arithmetic; then v_rshr_pack_u<2>: (t + 2) >> 2. With
      // weights summing to 2048 the result stays within 0..255, so the saturation never bites.
      out[o + x] =
        (((((rowA[x] as number) >> 4) * b0) >> 16) + ((((rowB[x] as number) >> 4) * b1) >> 16) + 2) >> 2
    }
  }
  return { width, height, data: out }
}
