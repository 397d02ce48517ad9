/**
 * NanoDet (GFL head: nanodet-m and friends; NanoDet-Plus). Class scores come out of the graph already
 * sigmoided; box regression is a distribution over `bins` = reg_max + 1 values per side (reg_max 7 → 8)
 * in the order l, t, r, b, side-major ([4, bins] per cell). Distance d = Σ k·softmax(v)_k, in strides.
 *
 * Layouts accepted (cells of each level row-major, levels in ascending stride):
 * - per stride: cls [1, n_s, C] and reg [1, n_s, 4·bins] for each stride (nanodet-m's export: six outputs);
 * - concatenated: cls [1, N, C] and reg [1, N, 4·bins];
 * - one output [1, N, C + 4·bins], classes first (NanoDet's `_forward_onnx`; NanoDet-Plus).
 * cls vs reg in a pair: `ctx.numClasses`, else the one 4·bins wide, else the one holding values outside
 * [0, 1] (logits; cls are probabilities), else the first is cls (the export's order).
 *
 * Anchor point of cell (x, y) at stride s: ((x + o)·s, (y + o)·s), o = `ctx.gridCellOffset`. Default
 * o = 0.5 with three strides — NanoDet's GFL head (`get_single_level_center_point`: (arange(w) + 0.5)·stride),
 * verified on shared/fixtures/models/nanodet_m.onnx, whose boxes fit COCO ground truth far better with 0.5
 * (mean IoU 0.59 vs 0.40 at stride 8 over 40 coco128 images) — and o = 0 with four strides (NanoDet-Plus's
 * `get_single_level_center_priors`: arange(w)·stride). Box = (cx − l·s, cy − t·s, cx + r·s, cy + b·s),
 * not clipped (box-transform.ts clips to the image).
 */
import type { Candidates, DecodeContext, ModelOutputs, NamedTensor } from '../detection-types'
import { CandidateBuilder, keepsRow } from './candidate-builder'
import { dflExpectation } from './decode-math'
import { cellCount, DEFAULT_STRIDES, gridLevels, P6_STRIDES, type GridLevel } from './grid-levels'
import { layoutError, outputList, unbatched } from './output-tensors'

const DEFAULT_BINS = 8
const EXPECTED =
  'NanoDet outputs: cls [1, n, C] + reg [1, n, 4·bins] per stride or concatenated, or one [1, N, C + 4·bins], ' +
  'with n the grid cells of each stride (8/16/32, or 8/16/32/64)'

/** Cls and reg rows of one stretch of cells; `clsOffset`/`regOffset` are where row 0 starts in each. */
interface Part {
  cls: Float32Array
  clsStride: number
  clsOffset: number
  reg: Float32Array
  regStride: number
  regOffset: number
  rows: number
}

export function decodeNanodet(outputs: ModelOutputs, ctx: DecodeContext): Candidates {
  const list = outputList(outputs, 'nanodet')
  const bins = ctx.dflBins ?? DEFAULT_BINS
  const resolved = resolveNanodet(list, ctx, bins)
  if (!resolved) throw layoutError('nanodet', EXPECTED, list)
  const { levels, parts, numClasses } = resolved
  const offset = ctx.gridCellOffset ?? (levels.length === 4 ? 0 : 0.5)

  const out = new CandidateBuilder(numClasses, cellCount(levels), ctx.minScore !== undefined)
  // Parts cover the levels' cells in order; walk both together.
  let part = 0
  let partRow = 0
  for (const level of levels) {
    const s = level.stride
    for (let y = 0; y < level.height; y++) {
      for (let x = 0; x < level.width; x++) {
        let p = parts[part]!
        if (partRow === p.rows) {
          part++
          partRow = 0
          p = parts[part]!
        }
        const co = p.clsOffset + partRow * p.clsStride
        const ro = p.regOffset + partRow * p.regStride
        partRow++
        const so = out.scoreOffset()
        const scores = out.scoreBuffer()
        let best = -Infinity
        for (let c = 0; c < numClasses; c++) {
          const v = p.cls[co + c]!
          scores[so + c] = v
          if (v > best) best = v
        }
        if (!keepsRow(best, ctx.minScore)) continue
        const cx = (x + offset) * s
        const cy = (y + offset) * s
        out.commit(
          cx - dflExpectation(p.reg, ro, 1, bins) * s,
          cy - dflExpectation(p.reg, ro + bins, 1, bins) * s,
          cx + dflExpectation(p.reg, ro + 2 * bins, 1, bins) * s,
          cy + dflExpectation(p.reg, ro + 3 * bins, 1, bins) * s,
        )
      }
    }
  }
  return out.finish()
}

interface Resolved {
  levels: GridLevel[]
  parts: Part[]
  numClasses: number
}

function resolveNanodet(list: NamedTensor[], ctx: DecodeContext, bins: number): Resolved | null {
  const rank3 = list.filter((t) => t.dims.length === 3)
  const shaped = rank3.map((t) => ({ t, dims: unbatched(t, 3, 'nanodet')! }))
  const strideSets = ctx.strides ? [ctx.strides] : [DEFAULT_STRIDES, P6_STRIDES]
  for (const strides of strideSets) {
    const levels = gridLevels(ctx, strides)
    const total = cellCount(levels)
    // One output: classes then 4·bins regression values.
    if (shaped.length === 1) {
      const { t, dims } = shaped[0]!
      const [n = 0, k = 0] = dims
      const numClasses = ctx.numClasses ?? k - 4 * bins
      if (n !== total || numClasses < 1 || numClasses + 4 * bins !== k) continue
      return {
        levels,
        numClasses,
        parts: [
          {
            cls: t.data,
            clsStride: k,
            clsOffset: 0,
            reg: t.data,
            regStride: k,
            regOffset: numClasses,
            rows: n,
          },
        ],
      }
    }
    // Pairs of equal row counts: either one pair covering all cells, or one pair per level.
    const byRows = new Map<number, typeof shaped>()
    for (const s of shaped) byRows.set(s.dims[0]!, [...(byRows.get(s.dims[0]!) ?? []), s])
    const wanted = byRows.size === 1 ? [total] : levels.map((l) => l.width * l.height)
    if (byRows.size !== wanted.length || new Set(wanted).size !== wanted.length) continue
    const parts: Part[] = []
    let numClasses = -1
    for (const rows of wanted) {
      const pair = byRows.get(rows)
      if (!pair || pair.length !== 2) break
      const split = splitClsReg(pair[0]!, pair[1]!, ctx.numClasses, bins)
      if (!split) break
      const c = split.cls.dims[1]!
      if (numClasses !== -1 && c !== numClasses) break
      numClasses = c
      parts.push({
        cls: split.cls.t.data,
        clsStride: c,
        clsOffset: 0,
        reg: split.reg.t.data,
        regStride: 4 * bins,
        regOffset: 0,
        rows,
      })
    }
    if (parts.length === wanted.length && numClasses >= 1) return { levels, parts, numClasses }
  }
  return null
}

interface Shaped {
  t: NamedTensor
  dims: number[]
}

function splitClsReg(
  a: Shaped,
  b: Shaped,
  numClasses: number | undefined,
  bins: number,
): { cls: Shaped; reg: Shaped } | null {
  const regWidth = 4 * bins
  const ka = a.dims[1]!
  const kb = b.dims[1]!
  if (numClasses !== undefined) {
    if (ka === numClasses && kb === regWidth) return { cls: a, reg: b }
    if (kb === numClasses && ka === regWidth) return { cls: b, reg: a }
    return null
  }
  if (ka !== regWidth && kb !== regWidth) return null
  if (ka !== kb) return ka === regWidth ? { cls: b, reg: a } : { cls: a, reg: b }
  const aProb = isProbability(a.t.data)
  const bProb = isProbability(b.t.data)
  if (aProb !== bProb) return aProb ? { cls: a, reg: b } : { cls: b, reg: a }
  return { cls: a, reg: b }
}

function isProbability(data: Float32Array): boolean {
  for (const v of data) if (!(v >= 0 && v <= 1)) return false
  return true
}
