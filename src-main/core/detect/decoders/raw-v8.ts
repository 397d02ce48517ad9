/**
 * YOLOv8 / YOLO11 head cut at its end convolutions — the `parsed` stage of an anchor-free Ultralytics
 * model, what Hailo's parser keeps (e.g. /model.22/cv2.0/cv2.0.2/Conv and /model.22/cv3.0/cv3.0.2/Conv):
 * per level a box map [1, 4·bins, H, W] (cv2: a distribution over bins = 16 values per side, side-major
 * l, t, r, b) and a class map [1, C, H, W] (cv3: logits). Also accepts the per-level concatenation
 * [1, 4·bins + C, H, W] (box channels first, Detect's `torch.cat((cv2, cv3), 1)`).
 *
 * Decode (Ultralytics `Detect._inference`: DFL, `make_anchors(grid_cell_offset=0.5)`, `dist2bbox`):
 *   d_side = Σ k·softmax(box bins)_k        anchor = ((x + 0.5)·s, (y + 0.5)·s)
 *   box = (ax − d_l·s, ay − d_t·s, ax + d_r·s, ay + d_b·s)     score_c = σ(cls_c)
 * (no sigmoid when `ctx.scoresActivated`, e.g. a HEF's cls outputs; offset from `ctx.gridCellOffset`).
 * Rows come out level (ascending stride), y, x: the column order of the original [1, 4+C, N] output, so
 * this decode matches `yolov8` on the original model row for row.
 *
 * Which map of a pair is the box branch: a name with `cv2` vs `cv3` (Ultralytics node names), else the
 * one 4·bins wide (bins = `ctx.dflBins` ?? 16), else `ctx.numClasses`, else the first of the pair.
 * Stride = input height / H rounded to a power of two (ceil-sized grids) unless `ctx.strides` says otherwise.
 */
import type { Candidates, DecodeContext, ModelOutputs, NamedTensor } from '../detection-types'
import { CandidateBuilder, keepsRow } from './candidate-builder'
import { dflExpectation, sigmoid } from './decode-math'
import { strideOf } from './grid-levels'
import { layoutError, outputList, unbatched } from './output-tensors'

const DEFAULT_BINS = 16
const EXPECTED =
  'per stride a box map [1, 4·16, H, W] and a class map [1, C, H, W] (six outputs for three strides), ' +
  'or per stride one map [1, 64 + C, H, W]'

interface Level {
  /** Box bins at channels 0 … 4·bins−1 (side-major: l, t, r, b), planes of H·W. */
  box: Float32Array
  /** Class logits (or probabilities) at channels clsChannel … clsChannel + C − 1. */
  cls: Float32Array
  /** 0 for a separate class map; 4·bins in a concatenated [1, 4·bins + C, H, W] map. */
  clsChannel: number
  height: number
  width: number
  stride: number
}

export function decodeRawV8(outputs: ModelOutputs, ctx: DecodeContext): Candidates {
  const list = outputList(outputs, 'raw-v8')
  const bins = ctx.dflBins ?? DEFAULT_BINS
  const resolved = resolveRawV8(list, ctx, bins)
  if (!resolved) throw layoutError('raw-v8', EXPECTED, list)
  const { levels, numClasses } = resolved
  const offset = ctx.gridCellOffset ?? 0.5
  const activate = ctx.scoresActivated ? (v: number) => v : sigmoid

  const total = levels.reduce((n, l) => n + l.height * l.width, 0)
  const out = new CandidateBuilder(numClasses, total, ctx.minScore !== undefined)
  for (const level of levels) {
    const { height: h, width: w, stride: s } = level
    const plane = h * w
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const cell = y * w + x
        const so = out.scoreOffset()
        const scores = out.scoreBuffer()
        let best = -Infinity
        for (let c = 0; c < numClasses; c++) {
          scores[so + c] = activate(level.cls[(level.clsChannel + c) * plane + cell]!)
          const v = scores[so + c]!
          if (v > best) best = v
        }
        if (!keepsRow(best, ctx.minScore)) continue
        const ax = (x + offset) * s
        const ay = (y + offset) * s
        out.commit(
          ax - dflExpectation(level.box, cell, plane, bins) * s,
          ay - dflExpectation(level.box, bins * plane + cell, plane, bins) * s,
          ax + dflExpectation(level.box, 2 * bins * plane + cell, plane, bins) * s,
          ay + dflExpectation(level.box, 3 * bins * plane + cell, plane, bins) * s,
        )
      }
    }
  }
  return out.finish()
}

interface Map4 {
  t: NamedTensor
  channels: number
  height: number
  width: number
}

function resolveRawV8(
  list: NamedTensor[],
  ctx: DecodeContext,
  bins: number,
): { levels: Level[]; numClasses: number } | null {
  if (list.some((t) => t.dims.length !== 4)) return null
  const maps: Map4[] = list.map((t) => {
    const [channels = 0, height = 0, width = 0] = unbatched(t, 4, 'raw-v8')!
    return { t, channels, height, width }
  })
  const groups = new Map<string, Map4[]>()
  for (const m of maps) {
    const key = `${m.height}x${m.width}`
    groups.set(key, [...(groups.get(key) ?? []), m])
  }
  const sizes = [...groups.values()].sort((a, b) => b[0]!.height * b[0]!.width - a[0]!.height * a[0]!.width)
  if (sizes.length < 2) return null
  const boxWidth = 4 * bins
  let numClasses = -1
  const levels: Level[] = []
  for (const [i, group] of sizes.entries()) {
    const first = group[0]!
    let level: Omit<Level, 'stride' | 'height' | 'width'>
    let c: number
    if (group.length === 1) {
      c = ctx.numClasses ?? first.channels - boxWidth
      if (c < 1 || boxWidth + c !== first.channels) return null
      level = { box: first.t.data, cls: first.t.data, clsChannel: boxWidth }
    } else if (group.length === 2) {
      const pair = boxFirst(group[0]!, group[1]!, boxWidth, ctx.numClasses)
      if (!pair) return null
      c = pair[1].channels
      level = { box: pair[0].t.data, cls: pair[1].t.data, clsChannel: 0 }
    } else {
      return null
    }
    if (numClasses !== -1 && c !== numClasses) return null
    numClasses = c
    levels.push({
      ...level,
      height: first.height,
      width: first.width,
      stride: ctx.strides?.[i] ?? strideOf(ctx.inputHeight, first.height),
    })
  }
  return { levels, numClasses }
}

/** [box map, class map] of a pair, or null when neither is 4·bins wide. */
function boxFirst(a: Map4, b: Map4, boxWidth: number, numClasses: number | undefined): [Map4, Map4] | null {
  const branch = (m: Map4) =>
    /(^|\/)cv2\.\d/.test(m.t.name) ? 'box' : /(^|\/)cv3\.\d/.test(m.t.name) ? 'cls' : null
  let pair: [Map4, Map4]
  if (branch(a) === 'box' && branch(b) === 'cls') pair = [a, b]
  else if (branch(a) === 'cls' && branch(b) === 'box') pair = [b, a]
  else if (a.channels === boxWidth && b.channels !== boxWidth) pair = [a, b]
  else if (b.channels === boxWidth && a.channels !== boxWidth) pair = [b, a]
  else if (numClasses !== undefined && a.channels === numClasses && b.channels === boxWidth) pair = [b, a]
  else pair = [a, b]
  return pair[0].channels === boxWidth ? pair : null
}
