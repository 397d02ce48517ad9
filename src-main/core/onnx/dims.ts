/**
 * Arithmetic on tensor dimensions that may be unknown (null) or symbolic (`"batch"`). A rule gives a
 * number when every dim it needs is a number, keeps a symbol when the operation provably leaves it
 * unchanged (a stride-1 "same" conv keeps `"height"`), and gives null otherwise.
 */
import type { Dim } from '../../shared/model-summary'

export function isKnown(d: Dim | undefined): d is number {
  return typeof d === 'number'
}

/** Axis in [-rank, rank) -> [0, rank); undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis
  return a >= 0 && a < rank ? a : undefined
}

/** Product of dims: a number when all are numbers, the one symbol when the rest multiply to 1, else null. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let n = 1
  let symbol: Dim | undefined
  for (const d of dims) {
    if (isKnown(d)) n *= d
    else if (symbol === undefined && d !== null) symbol = d
    else return null
  }
  if (symbol === undefined) return n
  return n === 1 ? symbol : null
}

/** numpy broadcasting of one dimension across operands (1 = stretchable). */
function broadcastDim(dims: readonly Dim[]): Dim {
  const notOne = dims.filter((d) => d !== 1)
  if (notOne.length === 0) return 1
  const numbers = notOne.filter(isKnown)
  // A symbolic dim broadcast against a number > 1 must be that number (or 1): the number wins.
  if (numbers.length > 0) return numbers.every((n) => n === numbers[0]) ? (numbers[0] ?? null) : null
  const first = notOne[0]
  return notOne.every((d) => d === first) ? (first ?? null) : null
}

/** numpy-style broadcast of shapes (right-aligned; missing leading dims are 1). */
export function broadcastShapes(shapes: ReadonlyArray<readonly Dim[]>): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length))
  const out: Dim[] = []
  for (let i = 0; i < rank; i++) {
    const column = shapes.map((s) => {
      const j = s.length - rank + i
      return j >= 0 ? (s[j] ?? null) : 1
    })
    out.push(broadcastDim(column))
  }
  return out
}

export interface WindowParams {
  kernel: number
  stride: number
  dilation: number
  padBegin: number
  padEnd: number
  /** NOTSET | SAME_UPPER | SAME_LOWER | VALID */
  autoPad: string
  ceilMode: boolean
}

/** Output size of one spatial axis of Conv / MaxPool / AveragePool (ONNX operator spec). */
export function windowOutputDim(input: Dim, p: WindowParams): Dim {
  const effectiveKernel = (p.kernel - 1) * p.dilation + 1
  const same = p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER'
  if (!isKnown(input)) {
    // Symbolic input survives only when the window preserves size exactly.
    const preserves =
      p.stride === 1 && (same || (p.autoPad !== 'VALID' && p.padBegin + p.padEnd === effectiveKernel - 1))
    return preserves ? input : null
  }
  if (same) return Math.ceil(input / p.stride)
  const pads = p.autoPad === 'VALID' ? 0 : p.padBegin + p.padEnd
  const span = (input + pads - effectiveKernel) / p.stride
  return (p.ceilMode ? Math.ceil(span) : Math.floor(span)) + 1
}

/** Output size of one spatial axis of ConvTranspose (without an explicit output_shape). */
export function transposedOutputDim(
  input: Dim,
  p: {
    kernel: number
    stride: number
    dilation: number
    padBegin: number
    padEnd: number
    outputPadding: number
    autoPad: string
  },
): Dim {
  if (!isKnown(input)) return null
  if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return input * p.stride
  const pads = p.autoPad === 'VALID' ? 0 : p.padBegin + p.padEnd
  return p.stride * (input - 1) + p.outputPadding + (p.kernel - 1) * p.dilation + 1 - pads
}

/** Large values Slice uses for "to the end" (INT64_MAX, INT32_MAX); above this a symbolic dim is kept whole. */
const SLICE_TO_END = 2 ** 31 - 1

/** Length of one axis after Slice(start, end, step), numpy/ONNX clamping rules. */
export function sliceDim(dim: Dim, start: number, end: number, step: number): Dim {
  if (step === 0) return null
  if (!isKnown(dim)) return start === 0 && step === 1 && end >= SLICE_TO_END ? dim : null
  const range = sliceRange(dim, start, end, step)
  return range.length
}

/** Clamped start and element count of a slice over an axis of known size. */
export function sliceRange(
  dim: number,
  start: number,
  end: number,
  step: number,
): { start: number; length: number } {
  let s = start < 0 ? start + dim : start
  let e = end < 0 ? end + dim : end
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim)
    e = Math.min(Math.max(e, 0), dim)
    return { start: s, length: Math.max(0, Math.ceil((e - s) / step)) }
  }
  s = Math.min(Math.max(s, 0), dim - 1)
  e = Math.min(Math.max(e, -1), dim - 1)
  return { start: s, length: Math.max(0, Math.ceil((s - e) / -step)) }
}
