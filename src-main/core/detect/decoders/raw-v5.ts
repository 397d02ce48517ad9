/**
 * YOLOv5 head cut at the three (or four) Detect convolutions — the `parsed` stage of an anchor-based
 * model, what Hailo's parser keeps: per level a map [1, na·(5+C), H, W] of logits (or the Detect module's
 * own view [1, na, H, W, 5+C]). Channel a·(5+C) + k is anchor a's value k: x, y, w, h, objectness, classes.
 *
 * Decode (Ultralytics YOLOv5 `Detect.forward`, v6+), σ the sigmoid, (gx, gy) the cell, s the stride:
 *   cx = (2σ(x) − 0.5 + gx)·s    cy = (2σ(y) − 0.5 + gy)·s
 *   w = (2σ(w))²·anchor_w        h = (2σ(h))²·anchor_h      (anchors in model pixels)
 *   score_c = σ(obj)·σ(cls_c)    (no sigmoid on obj/cls when `ctx.scoresActivated`)
 * Levels are ordered by size (largest grid = smallest stride first); stride = input height / H (to the
 * nearest power of two: grids are ceil-sized) unless `ctx.strides` says otherwise. Rows come out level, anchor, y, x — the order of the exported [1, N, 5+C]
 * output, so this decode matches `yolov5` on the original model row for row.
 *
 * Anchors: `ctx.anchors`, else YOLOv5's defaults (the same in every Hailo model-zoo yolov5 NMS config):
 * P3/8 [10,13, 16,30, 33,23], P4/16 [30,61, 62,45, 59,119], P5/32 [116,90, 156,198, 373,326]; four
 * levels use the P6 models' [19,27, 44,40, 38,94], [96,68, 86,152, 180,137], [140,301, 303,264, 238,542],
 * [436,615, 739,380, 925,792].
 */
import { DecodeError } from '../../errors'
import type { Candidates, DecodeContext, ModelOutputs, NamedTensor } from '../detection-types'
import { CandidateBuilder, keepsRow } from './candidate-builder'
import { sigmoid } from './decode-math'
import { strideOf } from './grid-levels'
import { layoutError, outputList, unbatched } from './output-tensors'

export const YOLOV5_ANCHORS: readonly (readonly number[])[] = [
  [10, 13, 16, 30, 33, 23],
  [30, 61, 62, 45, 59, 119],
  [116, 90, 156, 198, 373, 326],
]

export const YOLOV5_P6_ANCHORS: readonly (readonly number[])[] = [
  [19, 27, 44, 40, 38, 94],
  [96, 68, 86, 152, 180, 137],
  [140, 301, 303, 264, 238, 542],
  [436, 615, 739, 380, 925, 792],
]

const EXPECTED = 'three or four maps [1, na·(5+C), H, W] (or [1, na, H, W, 5+C]) of raw Detect-conv logits'

interface Level {
  t: NamedTensor
  /** true: [na·no, H, W]; false: [na, H, W, no]. */
  planar: boolean
  height: number
  width: number
  stride: number
  anchors: readonly number[]
}

export function decodeRawV5(outputs: ModelOutputs, ctx: DecodeContext): Candidates {
  const list = outputList(outputs, 'raw-v5')
  const shapes = list.map((t) => {
    const planar = t.dims.length === 4
    const dims = unbatched(t, planar ? 4 : 5, 'raw-v5')
    return { t, planar, dims }
  })
  if (shapes.length < 3 || shapes.length > 4 || shapes.some((s) => !s.dims))
    throw layoutError('raw-v5', EXPECTED, list)
  const anchorSets = ctx.anchors ?? (shapes.length === 4 ? YOLOV5_P6_ANCHORS : YOLOV5_ANCHORS)
  if (anchorSets.length !== shapes.length) {
    throw new DecodeError(
      `decoder "raw-v5": ${anchorSets.length} anchor sets for ${shapes.length} output maps; give one anchor set per level`,
    )
  }
  // Largest grid first = ascending stride.
  const sorted = [...shapes].sort((a, b) => gridArea(b) - gridArea(a))
  let no = 0
  const levels: Level[] = sorted.map((s, i) => {
    const dims = s.dims!
    const anchors = anchorSets[i]!
    const na = anchors.length / 2
    // [na·no, H, W] or [na, H, W, no]: H and W sit at the same places.
    const height = dims[1]!
    const width = dims[2]!
    const levelNo = s.planar ? dims[0]! / na : dims[3]!
    if (!s.planar && dims[0] !== na) throw layoutError('raw-v5', EXPECTED, list)
    if (!Number.isInteger(levelNo) || (no !== 0 && levelNo !== no))
      throw layoutError('raw-v5', EXPECTED, list)
    no = levelNo
    return {
      t: s.t,
      planar: s.planar,
      height,
      width,
      stride: ctx.strides?.[i] ?? strideOf(ctx.inputHeight, height),
      anchors,
    }
  })
  const numClasses = ctx.numClasses ?? no - 5
  if (numClasses < 1 || 5 + numClasses > no) throw layoutError('raw-v5', EXPECTED, list)
  const activate = ctx.scoresActivated ? (v: number) => v : sigmoid

  const total = levels.reduce((n, l) => n + (l.anchors.length / 2) * l.height * l.width, 0)
  const out = new CandidateBuilder(numClasses, total, ctx.minScore !== undefined)
  for (const level of levels) {
    const { height: h, width: w, stride: s, t } = level
    const d = t.data
    const plane = h * w
    const na = level.anchors.length / 2
    for (let a = 0; a < na; a++) {
      const aw = level.anchors[2 * a]!
      const ah = level.anchors[2 * a + 1]!
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          // Offset of value k is base + k·step.
          const base = level.planar ? a * no * plane + y * w + x : ((a * h + y) * w + x) * no
          const step = level.planar ? plane : 1
          const obj = activate(d[base + 4 * step]!)
          const so = out.scoreOffset()
          const scores = out.scoreBuffer()
          let best = -Infinity
          for (let c = 0; c < numClasses; c++) {
            scores[so + c] = obj * activate(d[base + (5 + c) * step]!)
            const v = scores[so + c]!
            if (v > best) best = v
          }
          if (!keepsRow(best, ctx.minScore)) continue
          const cx = (2 * sigmoid(d[base]!) - 0.5 + x) * s
          const cy = (2 * sigmoid(d[base + step]!) - 0.5 + y) * s
          const sw = 2 * sigmoid(d[base + 2 * step]!)
          const sh = 2 * sigmoid(d[base + 3 * step]!)
          const hw = (sw * sw * aw) / 2
          const hh = (sh * sh * ah) / 2
          out.commit(cx - hw, cy - hh, cx + hw, cy + hh)
        }
      }
    }
  }
  return out.finish()
}

function gridArea(s: { planar: boolean; dims: number[] | null }): number {
  const d = s.dims ?? []
  return (d[1] ?? 0) * (d[2] ?? 0)
}
