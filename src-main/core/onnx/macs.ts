/**
 * Multiply-accumulates of the compute-heavy nodes, from shapes (declared or inferred). Bias adds,
 * activations, pooling and resizes are not counted: on the accelerators Quantscope targets they are
 * a rounding error next to convolutions.
 *
 * Symbolic batch (dim 0 of an activation, or the broadcast batch dims of a MatMul) counts as 1, so the
 * numbers are per image; any other unknown dim leaves the node unresolved.
 */
import type { Dim, MacsSummary, NodeMacs } from '../../shared/model-summary'
import type { OnnxGraph, OnnxNode } from './onnx-model'
import { attrInt, qualifiedOpType } from './onnx-model'
import { broadcastShapes, isKnown } from './dims'

export const MACS_FORMULA = [
  'Conv: N·Cout·Hout·Wout·(Cin/group)·Kh·Kw (bias adds not counted)',
  'ConvTranspose: N·Cin·Hin·Win·(Cout/group)·Kh·Kw',
  'Gemm: M·K·N',
  'MatMul: (product of broadcast batch dims)·M·K·N',
  'QLinearConv/ConvInteger count as Conv, QLinearMatMul/MatMulInteger as MatMul',
  'a symbolic batch dim counts as 1',
].join('; ')

type ShapeOf = (name: string | undefined) => Dim[] | undefined

/** Input positions of activation and weight for each counted op type. */
const CONV_LIKE: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['Conv', [0, 1]],
  ['ConvInteger', [0, 1]],
  ['QLinearConv', [0, 3]],
])
const MATMUL_LIKE: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['MatMul', [0, 1]],
  ['MatMulInteger', [0, 1]],
  ['QLinearMatMul', [0, 3]],
])

/** Whether MACs are counted for this op type at all (unresolved ones are listed as such). */
export function isMacsOp(opType: string): boolean {
  return CONV_LIKE.has(opType) || MATMUL_LIKE.has(opType) || opType === 'ConvTranspose' || opType === 'Gemm'
}

export function computeMacs(graph: OnnxGraph, shapes: ReadonlyMap<string, Dim[]>): MacsSummary {
  const shapeOf: ShapeOf = (name) => (name ? shapes.get(name) : undefined)
  const perNode: NodeMacs[] = []
  const unresolved: string[] = []
  const byOpType: Record<string, number> = {}
  let total = 0
  graph.nodes.forEach((node, index) => {
    const op = qualifiedOpType(node)
    if (!isMacsOp(op)) return
    const name = node.name || `${op} #${index}`
    const macs = nodeMacs(node, op, shapeOf)
    if (macs === null) {
      unresolved.push(name)
      return
    }
    perNode.push({ name, opType: op, macs })
    byOpType[op] = (byOpType[op] ?? 0) + macs
    total += macs
  })
  return { total, byOpType, perNode, unresolved, formula: MACS_FORMULA }
}

/** MACs of one node, or null when a needed dim is unknown. */
export function nodeMacs(node: OnnxNode, op: string, shapeOf: ShapeOf): number | null {
  const conv = CONV_LIKE.get(op)
  if (conv) return convMacs(shapeOf(node.outputs[0]), shapeOf(node.inputs[conv[1]]))
  const matmul = MATMUL_LIKE.get(op)
  if (matmul) return matmulMacs(shapeOf(node.inputs[matmul[0]]), shapeOf(node.inputs[matmul[1]]))
  if (op === 'ConvTranspose') return convTransposeMacs(shapeOf(node.inputs[0]), shapeOf(node.inputs[1]))
  if (op === 'Gemm') return gemmMacs(node, shapeOf(node.inputs[0]), shapeOf(node.inputs[1]))
  return null
}

/** Batch dim: a symbolic (or unknown) batch counts as 1. */
function batchOf(d: Dim | undefined): number {
  return isKnown(d) ? d : 1
}

/** Product of dims, or null if any is not a number. */
function product(dims: readonly Dim[]): number | null {
  let n = 1
  for (const d of dims) {
    if (!isKnown(d)) return null
    n *= d
  }
  return n
}

/** Y [N, Cout, H, W …], W [Cout, Cin/group, Kh, Kw …]: N · (Cout·Hout·Wout) · (Cin/group·Kh·Kw). */
function convMacs(y: Dim[] | undefined, w: Dim[] | undefined): number | null {
  if (!y || !w || y.length < 3 || w.length < 3) return null
  const outPerImage = product(y.slice(1))
  const perOutput = product(w.slice(1))
  return outPerImage === null || perOutput === null ? null : batchOf(y[0]) * outPerImage * perOutput
}

/** X [N, Cin, H, W …], W [Cin, Cout/group, Kh, Kw …]: every input pixel scatters a Cout/group × K window. */
function convTransposeMacs(x: Dim[] | undefined, w: Dim[] | undefined): number | null {
  if (!x || !w || x.length < 3 || w.length < 3) return null
  const inPerImage = product(x.slice(1))
  const perInput = product(w.slice(1))
  return inPerImage === null || perInput === null ? null : batchOf(x[0]) * inPerImage * perInput
}

/** A [M, K] (or [K, M] with transA) times B [K, N] (or [N, K] with transB). */
function gemmMacs(node: OnnxNode, a: Dim[] | undefined, b: Dim[] | undefined): number | null {
  if (!a || !b || a.length !== 2 || b.length !== 2) return null
  const transA = attrInt(node, 'transA') === 1
  const transB = attrInt(node, 'transB') === 1
  const m = batchOf(transA ? a[1] : a[0]) // M is the batch of a Linear layer
  const k = transA ? a[0] : a[1]
  const n = transB ? b[0] : b[1]
  return isKnown(k) && isKnown(n) ? m * k * n : null
}

/** A [..., M, K] x B [..., K, N]: batch · M · K · N, 1-D operands promoted as numpy does. */
function matmulMacs(a: Dim[] | undefined, b: Dim[] | undefined): number | null {
  if (!a || !b || a.length === 0 || b.length === 0) return null
  const a2 = a.length === 1 ? [1, ...a] : a
  const b2 = b.length === 1 ? [...b, 1] : b
  const m = a2[a2.length - 2]
  const k = a2[a2.length - 1]
  const n = b2[b2.length - 1]
  if (!isKnown(m) || !isKnown(k) || !isKnown(n)) return null
  let batch = 1
  for (const d of broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)])) batch *= batchOf(d)
  return batch * m * k * n
}
