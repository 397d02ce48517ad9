/**
 * YOLOv8 / YOLO11 / YOLOv5u (Ultralytics' anchor-free Detect head, decode inside the graph): one output
 * [1, 4 + C, N] — channels first, as Ultralytics exports it — whose columns are cx, cy, w, h in model
 * pixels then C class probabilities (no objectness). Also accepts the transposed [1, N, 4 + C] that some
 * converters write.
 *
 * Which dim is which (`yolov8Layout`): N is the anchor count Σ ceil(H/s)·ceil(W/s) for strides 8/16/32
 * (or 8/16/32/64, or `ctx.strides`); when exactly one of the two dims equals such a count, that decides.
 * Otherwise `ctx.numClasses` decides (4 + C), otherwise the smaller dim is 4 + C. Columns after 4 + C are
 * ignored when `ctx.numClasses` says C (a segmentation head's 32 mask coefficients).
 */
import type { Candidates, DecodeContext, ModelOutputs } from '../detection-types'
import { CandidateBuilder, keepsRow } from './candidate-builder'
import { layoutError, outputList, unbatched } from './output-tensors'
import { anchorFreeCounts } from './grid-levels'

const EXPECTED = 'one output [1, 4+C, N] or [1, N, 4+C] (cx, cy, w, h in pixels, then C class scores)'

export interface Yolov8Layout {
  /** true: [1, 4+C, N] (Ultralytics); false: [1, N, 4+C]. */
  channelsFirst: boolean
  anchors: number
  /** 4 + C (+ extra columns). */
  channels: number
}

/** Orientation of a [1, A, B] output, by the rules in the file comment; null when neither can hold 4 + C. */
export function yolov8Layout(
  a: number,
  b: number,
  ctx: Pick<DecodeContext, 'inputWidth' | 'inputHeight' | 'strides' | 'numClasses'>,
): Yolov8Layout | null {
  const counts = anchorFreeCounts(ctx)
  const aIsN = counts.includes(a)
  const bIsN = counts.includes(b)
  let channelsFirst: boolean
  if (aIsN !== bIsN) channelsFirst = bIsN
  else if (ctx.numClasses !== undefined && (a === 4 + ctx.numClasses) !== (b === 4 + ctx.numClasses))
    channelsFirst = a === 4 + ctx.numClasses
  else channelsFirst = a <= b
  const channels = channelsFirst ? a : b
  const needed = 4 + (ctx.numClasses ?? 1)
  if (channels < needed) return null
  return { channelsFirst, anchors: channelsFirst ? b : a, channels }
}

export function decodeYolov8(outputs: ModelOutputs, ctx: DecodeContext): Candidates {
  const list = outputList(outputs, 'yolov8')
  const rank3 = list.filter((t) => t.dims.length === 3)
  // A segmentation model adds a rank-4 prototype output; the boxes are in the rank-3 one.
  const t = rank3.length === 1 ? rank3[0] : undefined
  const dims = t && unbatched(t, 3, 'yolov8')
  const layout = dims && yolov8Layout(dims[0] ?? 0, dims[1] ?? 0, ctx)
  if (!t || !layout) throw layoutError('yolov8', EXPECTED, list)
  const numClasses = ctx.numClasses ?? layout.channels - 4
  return layout.channelsFirst
    ? decodeChannelsFirst(t.data, layout.anchors, numClasses, ctx.minScore)
    : decodeRows(t.data, layout.anchors, layout.channels, numClasses, ctx.minScore)
}

/**
 * [4 + C, N]: a row's values sit N apart. Pass 1 takes each anchor's best score with the anchor index
 * innermost (sequential reads); pass 2 gathers only the kept anchors, class by class.
 */
function decodeChannelsFirst(
  data: Float32Array,
  n: number,
  numClasses: number,
  minScore: number | undefined,
): Candidates {
  let kept: Int32Array
  if (minScore === undefined) {
    kept = new Int32Array(n)
    for (let a = 0; a < n; a++) kept[a] = a
  } else {
    const best = new Float32Array(n).fill(-Infinity)
    for (let c = 0; c < numClasses; c++) {
      const base = (4 + c) * n
      for (let a = 0; a < n; a++) {
        const s = data[base + a]!
        if (s > best[a]!) best[a] = s
      }
    }
    let count = 0
    for (let a = 0; a < n; a++) if (best[a]! >= minScore) count++
    kept = new Int32Array(count)
    count = 0
    for (let a = 0; a < n; a++) if (best[a]! >= minScore) kept[count++] = a
  }
  const count = kept.length
  const boxes = new Float32Array(count * 4)
  const scores = new Float32Array(count * numClasses)
  for (let k = 0; k < count; k++) {
    const a = kept[k]!
    const cx = data[a]!
    const cy = data[n + a]!
    const hw = data[2 * n + a]! / 2
    const hh = data[3 * n + a]! / 2
    boxes[k * 4] = cx - hw
    boxes[k * 4 + 1] = cy - hh
    boxes[k * 4 + 2] = cx + hw
    boxes[k * 4 + 3] = cy + hh
  }
  for (let c = 0; c < numClasses; c++) {
    const base = (4 + c) * n
    for (let k = 0, o = c; k < count; k++, o += numClasses) scores[o] = data[base + kept[k]!]!
  }
  return { count, numClasses, boxes, scores, nmsApplied: false }
}

/** [N, 4 + C]: rows are contiguous. */
function decodeRows(
  data: Float32Array,
  n: number,
  rowLength: number,
  numClasses: number,
  minScore: number | undefined,
): Candidates {
  const out = new CandidateBuilder(numClasses, n, minScore !== undefined)
  for (let r = 0; r < n; r++) {
    const o = r * rowLength
    const so = out.scoreOffset()
    const scores = out.scoreBuffer()
    let best = -Infinity
    for (let c = 0; c < numClasses; c++) {
      const s = data[o + 4 + c]!
      scores[so + c] = s
      if (s > best) best = s
    }
    if (!keepsRow(best, minScore)) continue
    const cx = data[o]!
    const cy = data[o + 1]!
    const hw = data[o + 2]! / 2
    const hh = data[o + 3]! / 2
    out.commit(cx - hw, cy - hh, cx + hw, cy + hh)
  }
  return out.finish()
}
