/**
 * Shape propagation over the top-level graph, for models whose value_info is missing or incomplete.
 * Declared shapes (value_info, graph outputs) are used when complete (every dim a number or a symbol);
 * otherwise our rules infer them, filling the unknown dims of a partial declaration. Small constant
 * tensors are folded along the way so Reshape/Resize/Slice targets computed in the graph resolve.
 * Nodes inside If/Loop/Scan bodies are not visited: their outputs stay unknown.
 */
import type { Dim } from '../../shared/model-summary'
import type { OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-model'
import { qualifiedOpType } from './onnx-model'
import type { KnownValue, NodeContext } from './node-context'
import { elementCount, MAX_READ_ELEMENTS, readTensorNumbers } from './onnx-tensor'
import { shapeRuleFor } from './shape-rules'
import { foldRuleFor } from './value-folding'
import { outputElemTypes } from './elem-type-rules'

export interface ShapeInferenceOptions {
  /**
   * Use complete value_info / graph-output shapes instead of inferring (default true). False infers
   * everything from graph inputs and initializers; tests compare the two.
   */
  useDeclaredShapes?: boolean
}

export interface ShapeInferenceResult {
  /** Tensor name -> shape, for graph inputs, initializers and node outputs whose rank is known. */
  shapes: ReadonlyMap<string, Dim[]>
  /** Tensor name -> TensorProto.DataType, where known. */
  elemTypes: ReadonlyMap<string, number>
  /** Known values of small constant tensors (initializers, Constant nodes, folded shape arithmetic). */
  valueOf(name: string): KnownValue | undefined
  /** Op types (qualified) we have no shape rule for, in first-seen order. */
  unsupportedOps: string[]
  /** Nodes whose rule failed on unexpected input (a bug or a malformed node); their outputs stay unknown. */
  failedNodes: string[]
}

export function inferShapes(
  graph: OnnxGraph,
  opset: number,
  options: ShapeInferenceOptions = {},
): ShapeInferenceResult {
  const useDeclared = options.useDeclaredShapes ?? true
  const shapes = new Map<string, Dim[]>()
  const elemTypes = new Map<string, number>()
  const values = new Map<string, KnownValue | null>()
  const initializers = new Map<string, OnnxTensor>(graph.initializers.map((t) => [t.name, t]))
  const declared = useDeclared ? declaredValues(graph) : new Map<string, OnnxValueInfo>()
  const unsupported = new Set<string>()
  const failedNodes: string[] = []

  for (const v of graph.inputs) {
    if (v.shape) shapes.set(v.name, v.shape.slice())
    if (v.elemType !== null) elemTypes.set(v.name, v.elemType)
  }
  for (const t of graph.initializers) {
    shapes.set(t.name, t.dims.slice())
    elemTypes.set(t.name, t.dataType)
  }
  for (const s of graph.sparseInitializers) {
    if (!s.values) continue
    shapes.set(s.values.name, s.dims.slice())
    elemTypes.set(s.values.name, s.values.dataType)
  }

  // Initializer values are read on first use only: most are weights nobody folds.
  const valueOf = (name: string): KnownValue | undefined => {
    const cached = values.get(name)
    if (cached !== undefined) return cached ?? undefined
    const t = initializers.get(name)
    const data = t ? readTensorNumbers(t) : null
    const v = t && data ? { dims: t.dims.slice(), data, elemType: t.dataType } : null
    values.set(name, v)
    return v ?? undefined
  }

  for (const node of topologicalOrder(graph)) {
    const op = qualifiedOpType(node)
    const ctx = nodeContext(node, opset, shapes, elemTypes, valueOf)
    const rule = shapeRuleFor(op)
    if (!rule) unsupported.add(op)
    let inferred: Array<Dim[] | undefined> = []
    let types: Array<number | undefined> = []
    try {
      inferred = rule ? rule(ctx) : []
      types = outputElemTypes(ctx, op)
    } catch {
      failedNodes.push(node.name || `${op} #${graph.nodes.indexOf(node)}`)
    }
    node.outputs.forEach((name, i) => {
      if (name === '') return
      const d = declared.get(name)
      const shape = mergeDeclared(d?.shape ?? null, sanitize(inferred[i]))
      if (shape) shapes.set(name, shape)
      const type = d?.elemType ?? types[i]
      if (type !== undefined) elemTypes.set(name, type)
    })
    foldNode(ctx, op, shapes, elemTypes, values)
  }
  return { shapes, elemTypes, valueOf, unsupportedOps: [...unsupported], failedNodes }
}

function foldNode(
  ctx: NodeContext,
  op: string,
  shapes: ReadonlyMap<string, Dim[]>,
  elemTypes: ReadonlyMap<string, number>,
  values: Map<string, KnownValue | null>,
): void {
  const out = ctx.node.outputs[0]
  const fold = foldRuleFor(op)
  if (!fold || !out) return
  let v: KnownValue | undefined
  try {
    v = fold(ctx, shapes.get(out), elemTypes.get(out))
  } catch {
    v = undefined
  }
  const count = v ? elementCount(v.dims) : 0
  if (v && count === v.data.length && count <= MAX_READ_ELEMENTS) values.set(out, v)
}

function nodeContext(
  node: OnnxNode,
  opset: number,
  shapes: ReadonlyMap<string, Dim[]>,
  elemTypes: ReadonlyMap<string, number>,
  valueOf: (name: string) => KnownValue | undefined,
): NodeContext {
  const input = (i: number): string | undefined => {
    const name = node.inputs[i]
    return name === undefined || name === '' ? undefined : name
  }
  return {
    node,
    opset,
    hasInput: (i) => input(i) !== undefined,
    shape: (i) => {
      const name = input(i)
      return name === undefined ? undefined : shapes.get(name)
    },
    elemType: (i) => {
      const name = input(i)
      return name === undefined ? undefined : elemTypes.get(name)
    },
    value: (i) => {
      const name = input(i)
      return name === undefined ? undefined : valueOf(name)
    },
  }
}

/** A rule fed garbage (stride 0, negative sizes) may compute NaN or negatives: those dims are unknown. */
function sanitize(shape: Dim[] | undefined): Dim[] | undefined {
  return shape?.map((d) => (typeof d === 'number' && !(Number.isSafeInteger(d) && d >= 0) ? null : d))
}

/** value_info and graph outputs by name (graph outputs win: exporters fill them most reliably). */
function declaredValues(graph: OnnxGraph): Map<string, OnnxValueInfo> {
  const out = new Map<string, OnnxValueInfo>()
  for (const v of graph.valueInfo) out.set(v.name, v)
  for (const v of graph.outputs) out.set(v.name, v)
  return out
}

/** A complete declaration wins; a partial one has its unknown dims filled from inference. */
export function mergeDeclared(declared: Dim[] | null, inferred: Dim[] | undefined): Dim[] | undefined {
  if (!declared) return inferred
  if (declared.every((d) => d !== null)) return declared.slice()
  if (!inferred || inferred.length !== declared.length) return declared.slice()
  return declared.map((d, i) => d ?? inferred[i] ?? null)
}

/**
 * Nodes in dependency order. ONNX requires files to be sorted already, and they nearly always are, so
 * the common case is a single check; otherwise a stable Kahn sort (cycles and dangling inputs keep file order).
 */
export function topologicalOrder(graph: OnnxGraph): OnnxNode[] {
  const available = new Set<string>([
    ...graph.inputs.map((v) => v.name),
    ...graph.initializers.map((t) => t.name),
  ])
  for (const s of graph.sparseInitializers) if (s.values) available.add(s.values.name)
  const produced = new Set<string>()
  for (const n of graph.nodes) for (const o of n.outputs) produced.add(o)
  const ready = (n: OnnxNode, seen: Set<string>) =>
    n.inputs.every((i) => i === '' || seen.has(i) || !produced.has(i))

  const seen = new Set(available)
  let sorted = true
  for (const n of graph.nodes) {
    if (!ready(n, seen)) {
      sorted = false
      break
    }
    for (const o of n.outputs) seen.add(o)
  }
  if (sorted) return graph.nodes

  return kahnOrder(graph.nodes, produced, available)
}

/** Kahn's algorithm in O(nodes + edges); nodes left in a cycle keep their file order at the end. */
function kahnOrder(
  nodes: readonly OnnxNode[],
  produced: ReadonlySet<string>,
  available: ReadonlySet<string>,
): OnnxNode[] {
  const consumers = new Map<string, number[]>()
  const waiting = nodes.map((n, index) => {
    const needs = new Set(n.inputs.filter((i) => i !== '' && produced.has(i) && !available.has(i)))
    for (const i of needs) {
      const list = consumers.get(i)
      if (list) list.push(index)
      else consumers.set(i, [index])
    }
    return needs.size
  })
  const queue = nodes.flatMap((_, i) => (waiting[i] === 0 ? [i] : []))
  const order: OnnxNode[] = []
  const placed = new Set<number>()
  for (let head = 0; head < queue.length; head++) {
    const index = queue[head] ?? 0
    const node = nodes[index]
    if (!node || placed.has(index)) continue
    placed.add(index)
    order.push(node)
    for (const o of node.outputs) {
      for (const c of consumers.get(o) ?? []) {
        const left = (waiting[c] ?? 0) - 1
        waiting[c] = left
        if (left === 0) queue.push(c)
      }
    }
  }
  nodes.forEach((n, i) => {
    if (!placed.has(i)) order.push(n)
  })
  return order
}
