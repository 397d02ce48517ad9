/**
 * Detections between the two frames of detection-types.ts: model pixels (the preprocessed input) and
 * image pixels (the original image, what COCO ground truth uses), and on to COCO results.
 *
 * The preprocessing (services/inference) produces an `ImageToModel`: model = image·scale + pad, per
 * axis. A letterbox has scaleX = scaleY and the padding it added on the left/top (YOLOX pads right and
 * bottom only: 0); a stretch has a scale per axis and no padding. Back to the image (Ultralytics
 * `scale_boxes`): image = (model − pad) / scale, then clipped to [0, width] × [0, height] (`clip_boxes`).
 */
import type { Detection } from '../datasets/dataset'
import { InvalidArgumentError } from '../errors'
import type { Detections } from './detection-types'

/** How an original image maps into the model input: model = image·scale + pad (pixels, per axis). */
export interface ImageToModel {
  scaleX: number
  scaleY: number
  padX: number
  padY: number
  /** The original image's size in pixels (the clip bounds). */
  imageWidth: number
  imageHeight: number
}

/** x1, y1, x2, y2 boxes (flat, 4 per box) from model to image pixels; clipped to the image unless `clip` is false. */
export function boxesToImage(boxes: Float32Array, t: ImageToModel, clip = true): Float32Array {
  checkTransform(t)
  const out = new Float32Array(boxes.length)
  for (let i = 0; i + 3 < boxes.length; i += 4) {
    let x1 = (boxes[i]! - t.padX) / t.scaleX
    let y1 = (boxes[i + 1]! - t.padY) / t.scaleY
    let x2 = (boxes[i + 2]! - t.padX) / t.scaleX
    let y2 = (boxes[i + 3]! - t.padY) / t.scaleY
    if (clip) {
      x1 = clamp(x1, t.imageWidth)
      y1 = clamp(y1, t.imageHeight)
      x2 = clamp(x2, t.imageWidth)
      y2 = clamp(y2, t.imageHeight)
    }
    out[i] = x1
    out[i + 1] = y1
    out[i + 2] = x2
    out[i + 3] = y2
  }
  return out
}

/** x1, y1, x2, y2 boxes from image to model pixels (ground truth drawn over the model input, say). */
export function boxesToModel(boxes: Float32Array, t: ImageToModel): Float32Array {
  checkTransform(t)
  const out = new Float32Array(boxes.length)
  for (let i = 0; i + 3 < boxes.length; i += 4) {
    out[i] = boxes[i]! * t.scaleX + t.padX
    out[i + 1] = boxes[i + 1]! * t.scaleY + t.padY
    out[i + 2] = boxes[i + 2]! * t.scaleX + t.padX
    out[i + 3] = boxes[i + 3]! * t.scaleY + t.padY
  }
  return out
}

/** The same detections with boxes in image pixels, clipped to the image. */
export function detectionsToImage(dets: Detections, t: ImageToModel, clip = true): Detections {
  return {
    count: dets.count,
    boxes: boxesToImage(dets.boxes.subarray(0, dets.count * 4), t, clip),
    scores: dets.scores.slice(0, dets.count),
    classes: dets.classes.slice(0, dets.count),
  }
}

export interface CocoResultOptions {
  /**
   * Round bbox values and scores to this many decimals, as writers of results files do (Ultralytics'
   * `save_json`: bbox 3, score 5). Default: no rounding.
   */
  decimals?: { bbox: number; score: number }
}

/**
 * Detections in image pixels → COCO results for one image: bbox [x, y, w, h] (top-left corner), the
 * category id of each class index from `classIndexToCategoryId` (a Dataset's; YOLO index → COCO id 1..90).
 */
export function toCocoResults(
  dets: Detections,
  imageId: number,
  classIndexToCategoryId: readonly number[],
  options: CocoResultOptions = {},
): Detection[] {
  const round = (v: number, places: number | undefined) => {
    if (places === undefined) return v
    const f = 10 ** places
    return Math.round(v * f) / f
  }
  const results: Detection[] = []
  for (let i = 0; i < dets.count; i++) {
    const cls = dets.classes[i]!
    const categoryId = classIndexToCategoryId[cls]
    if (categoryId === undefined) {
      throw new InvalidArgumentError(
        `class index ${cls} has no category id: the class map has ${classIndexToCategoryId.length} entries; ` +
          'the model predicts more classes than the dataset names — check the dataset or the model',
      )
    }
    const x1 = dets.boxes[i * 4]!
    const y1 = dets.boxes[i * 4 + 1]!
    const x2 = dets.boxes[i * 4 + 2]!
    const y2 = dets.boxes[i * 4 + 3]!
    const p = options.decimals?.bbox
    results.push({
      imageId,
      categoryId,
      bbox: [round(x1, p), round(y1, p), round(x2 - x1, p), round(y2 - y1, p)],
      score: round(dets.scores[i]!, options.decimals?.score),
    })
  }
  return results
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v
}

function checkTransform(t: ImageToModel): void {
  const positive = (v: number) => Number.isFinite(v) && v > 0
  if (
    !positive(t.scaleX) ||
    !positive(t.scaleY) ||
    !Number.isFinite(t.padX) ||
    !Number.isFinite(t.padY) ||
    !positive(t.imageWidth) ||
    !positive(t.imageHeight)
  ) {
    throw new InvalidArgumentError(
      `image-to-model transform must have positive finite scales and image size and finite pads; got ${JSON.stringify(t)}`,
    )
  }
}
