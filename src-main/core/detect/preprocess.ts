/**
 * Image → model input tensor, and the mapping back (`ImageToModel`: model = image · scale + pad).
 *
 * Split in two so the resampling can happen where it is fastest (libvips in services/images, or
 * OpenCV's arithmetic in core): `planResize` says which size the picture is resized to and where it sits
 * in the input; `toInputTensor` pads, reorders channels, scales, normalizes and lays out the resized
 * pixels. `preprocess` does both with a resize function given by the caller.
 *
 * Geometry (r = min(H / h, W / w), h × w the picture, H × W the input):
 * - letterbox (Ultralytics LetterBox): resized round(w·r) × round(h·r), Python's round (half to even);
 *   dw = (W − w')/2, dh = (H − h')/2; left = round(dw − 0.1), top = round(dh − 0.1). Inverse as
 *   Ultralytics' scale_boxes: scale r (not w'/w), pad (left, top).
 * - letterbox-topleft (YOLOX preproc): resized int(w·r) × int(h·r) at (0, 0); inverse: ÷ r.
 * - stretch: resized W × H; inverse: scale (W/w, H/h), no pad.
 */
import type { ImageToModel } from './box-transform'
import type { RgbImage } from '../images/rgb-image'
import type { PreprocessSpec } from './protocol'
import { InvalidArgumentError, quote } from '../errors'

export interface ResizePlan {
  /** The picture's size (after EXIF orientation). */
  imageWidth: number
  imageHeight: number
  /** Size the picture is resampled to. */
  resizedWidth: number
  resizedHeight: number
  /** Where the resized picture's top-left pixel sits in the input. */
  left: number
  top: number
  toModel: ImageToModel
}

/** The model input: row-major, `dims` [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC). */
export interface InputTensor {
  dims: number[]
  data: Float32Array | Uint8Array
}

/** Python 3's round(): halves to even. */
function pyRound(v: number): number {
  const r = Math.round(v)
  // + 0 turns Math.round's −0 (of −0.1, say) into 0.
  return (Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0
}

export function planResize(
  imageWidth: number,
  imageHeight: number,
  spec: Pick<PreprocessSpec, 'width' | 'height' | 'resize'>,
): ResizePlan {
  if (!(imageWidth >= 1 && imageHeight >= 1)) {
    throw new InvalidArgumentError(`cannot resize a ${quote(`${imageWidth}×${imageHeight}`)} picture`)
  }
  const W = spec.width
  const H = spec.height
  const base = { imageWidth, imageHeight }
  if (spec.resize === 'stretch') {
    const toModel = {
      scaleX: W / imageWidth,
      scaleY: H / imageHeight,
      padX: 0,
      padY: 0,
      imageWidth,
      imageHeight,
    }
    return { ...base, resizedWidth: W, resizedHeight: H, left: 0, top: 0, toModel }
  }
  const r = Math.min(H / imageHeight, W / imageWidth)
  if (spec.resize === 'letterbox-topleft') {
    // int() truncates; at least one pixel, which YOLOX would not guard (cv2 would raise on 0).
    const rw = Math.max(1, Math.min(W, Math.trunc(imageWidth * r)))
    const rh = Math.max(1, Math.min(H, Math.trunc(imageHeight * r)))
    const toModel = { scaleX: r, scaleY: r, padX: 0, padY: 0, imageWidth, imageHeight }
    return { ...base, resizedWidth: rw, resizedHeight: rh, left: 0, top: 0, toModel }
  }
  const rw = Math.max(1, Math.min(W, pyRound(imageWidth * r)))
  const rh = Math.max(1, Math.min(H, pyRound(imageHeight * r)))
  const left = pyRound((W - rw) / 2 - 0.1)
  const top = pyRound((H - rh) / 2 - 0.1)
  const toModel = { scaleX: r, scaleY: r, padX: left, padY: top, imageWidth, imageHeight }
  return { ...base, resizedWidth: rw, resizedHeight: rh, left, top, toModel }
}

/**
 * Per channel of the tensor, the value of each byte 0..255: ((v / divisor) − mean) / std in float32,
 * computed once (256 entries) instead of per pixel.
 */
function channelTables(spec: PreprocessSpec): Float32Array[] {
  const divisor = spec.pixelRange === 1 ? 255 : 1
  return [0, 1, 2].map((c) => {
    const mean = spec.mean[c] as number
    const std = spec.std[c] as number
    const table = new Float32Array(256)
    for (let v = 0; v < 256; v++) table[v] = (v / divisor - mean) / std
    return table
  })
}

/**
 * Build the input tensor from the resized RGB pixels: pad with `spec.pad`, put them at (left, top),
 * reorder to `colorOrder`, scale and normalize, lay out as `layout`.
 */
export function toInputTensor(resized: RgbImage, plan: ResizePlan, spec: PreprocessSpec): InputTensor {
  const W = spec.width
  const H = spec.height
  const rw = resized.width
  const rh = resized.height
  if (rw !== plan.resizedWidth || rh !== plan.resizedHeight) {
    throw new InvalidArgumentError(
      `resized picture is ${rw}×${rh}, the plan says ${plan.resizedWidth}×${plan.resizedHeight}`,
    )
  }
  // Source channel for each tensor channel: RGB keeps 0,1,2; BGR reads 2,1,0.
  const srcChannel = spec.colorOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2]
  const plane = W * H
  const src = resized.data
  const dims = spec.layout === 'nchw' ? [1, 3, H, W] : [1, H, W, 3]
  if (spec.dtype === 'uint8') {
    const data = new Uint8Array(plane * 3).fill(spec.pad)
    for (let y = 0; y < rh; y++) {
      for (let x = 0; x < rw; x++) {
        const s = (y * rw + x) * 3
        const p = (y + plan.top) * W + (x + plan.left)
        for (let c = 0; c < 3; c++) {
          const v = src[s + (srcChannel[c] as number)] as number
          data[spec.layout === 'nchw' ? c * plane + p : p * 3 + c] = v
        }
      }
    }
    return { dims, data }
  }
  const tables = channelTables(spec)
  const data = new Float32Array(plane * 3)
  const covers = rw === W && rh === H
  if (spec.layout === 'nchw') {
    for (let c = 0; c < 3; c++) {
      const table = tables[c] as Float32Array
      const out = data.subarray(c * plane, (c + 1) * plane)
      if (!covers) out.fill(table[spec.pad] as number)
      let s = srcChannel[c] as number
      for (let y = 0; y < rh; y++) {
        let d = (y + plan.top) * W + plan.left
        const end = d + rw
        while (d < end) {
          out[d++] = table[src[s] as number] as number
          s += 3
        }
      }
    }
    return { dims, data }
  }
  if (!covers) {
    for (let c = 0; c < 3; c++) {
      const v = (tables[c] as Float32Array)[spec.pad] as number
      for (let p = c; p < plane * 3; p += 3) data[p] = v
    }
  }
  const [t0, t1, t2] = tables as [Float32Array, Float32Array, Float32Array]
  const [c0, c1, c2] = srcChannel as [number, number, number]
  for (let y = 0; y < rh; y++) {
    let s = y * rw * 3
    let d = ((y + plan.top) * W + plan.left) * 3
    for (let x = 0; x < rw; x++, s += 3, d += 3) {
      data[d] = t0[src[s + c0] as number] as number
      data[d + 1] = t1[src[s + c1] as number] as number
      data[d + 2] = t2[src[s + c2] as number] as number
    }
  }
  return { dims, data }
}

/** Resample `image` to width × height (the kernel is the caller's: OpenCV's, libvips' …). */
export type ResizeFn = (image: RgbImage, width: number, height: number) => RgbImage

/** planResize + resize + toInputTensor, for pixels already decoded. */
export function preprocess(
  image: RgbImage,
  spec: PreprocessSpec,
  resize: ResizeFn,
): { tensor: InputTensor; plan: ResizePlan } {
  const plan = planResize(image.width, image.height, spec)
  const resized =
    plan.resizedWidth === image.width && plan.resizedHeight === image.height
      ? image
      : resize(image, plan.resizedWidth, plan.resizedHeight)
  return { tensor: toInputTensor(resized, plan, spec), plan }
}

/** Model pixels → image pixels for one coordinate pair (the inverse of `toModel`). */
export function modelToImage(toModel: ImageToModel, x: number, y: number): [number, number] {
  return [(x - toModel.padX) / toModel.scaleX, (y - toModel.padY) / toModel.scaleY]
}
