/**
 * What a shape rule or a folding rule sees of one node: its attributes, and for each input the shape,
 * element type and (for small constant tensors) the values known so far.
 */
import type { Dim } from '../../shared/model-summary'
import type { OnnxNode } from './onnx-model'

/** A small tensor whose values are known without running the model (shape arithmetic, scales, axes). */
export interface KnownValue {
  /** Shape of the tensor itself (always concrete). */
  dims: number[]
  /**
   * Row-major values. Numbers when known; a symbolic dim name when the value came from Shape of a
   * symbolic dim (so Reshape(x, Concat(Shape(x)[0], -1)) keeps `"batch"`); null when unknown.
   */
  data: Dim[]
  /** TensorProto.DataType. */
  elemType: number
}

export interface NodeContext {
  node: OnnxNode
  /** Version of the default-domain opset the model imports. */
  opset: number
  /** True when input i is wired (present and not the '' placeholder). */
  hasInput(i: number): boolean
  /** Shape of input i (rank known; dims may be null), or undefined when not known at all. */
  shape(i: number): Dim[] | undefined
  elemType(i: number): number | undefined
  value(i: number): KnownValue | undefined
}

/** The numbers of a known value, or undefined when any element is unknown or symbolic. */
export function numericData(v: KnownValue | undefined): number[] | undefined {
  if (!v) return undefined
  const out: number[] = []
  for (const d of v.data) {
    if (typeof d !== 'number') return undefined
    out.push(d)
  }
  return out
}
