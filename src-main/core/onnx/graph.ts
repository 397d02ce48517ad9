/**
 * Graph surgery on the typed model (onnx-model.ts): who produces and who reads each tensor, dependency
 * order, extraction of the subgraph between chosen inputs and outputs, new graph outputs for
 * intermediate tensors, node removal. Functions return new graphs / models and never mutate their
 * arguments; tensors (and their raw_data views) are shared, not copied.
 */
import { InvalidArgumentError, quote } from '../errors'
import type { Dim } from '../../shared/model-summary'
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxValueInfo } from './onnx-model'
import { inferShapes, topologicalOrder } from './shape-inference'

export { topologicalOrder }

/** Tensor name -> the node that writes it. */
export function producersOf(graph: OnnxGraph): Map<string, OnnxNode> {
  const out = new Map<string, OnnxNode>()
  for (const n of graph.nodes) for (const o of n.outputs) if (o !== '') out.set(o, n)
  return out
}

/** Tensor name -> the nodes that read it (a node reading a tensor twice is listed once). */
export function consumersOf(graph: OnnxGraph): Map<string, OnnxNode[]> {
  const out = new Map<string, OnnxNode[]>()
  for (const n of graph.nodes) {
    for (const i of new Set(n.inputs)) {
      if (i === '') continue
      const list = out.get(i)
      if (list) list.push(n)
      else out.set(i, [n])
    }
  }
  return out
}

/** The default-domain opset of a model (shape inference needs it); 0 when absent. */
export function defaultOpset(model: OnnxModel): number {
  return model.opsetImports.find((o) => o.domain === '')?.version ?? 0
}

/** Names of the graph inputs that are real inputs (old exporters also list initializers as inputs). */
export function realInputs(graph: OnnxGraph): OnnxValueInfo[] {
  const inits = new Set(graph.initializers.map((t) => t.name))
  return graph.inputs.filter((v) => !inits.has(v.name))
}

/**
 * Value info for `name`: the declared one (input, output, value_info) or one made from shape inference.
 * The shape is null when neither knows it; onnxruntime accepts an output without a shape.
 */
export function valueInfoFor(
  graph: OnnxGraph,
  name: string,
  inferred?: { shapes: ReadonlyMap<string, Dim[]>; elemTypes: ReadonlyMap<string, number> },
): OnnxValueInfo {
  const declared = [...graph.outputs, ...graph.valueInfo, ...graph.inputs].find(
    (v) => v.name === name && v.kind === 'tensor' && v.elemType !== null && v.shape !== null,
  )
  if (declared) return { ...declared, shape: declared.shape ? declared.shape.slice() : null }
  const shape = inferred?.shapes.get(name)
  const init = graph.initializers.find((t) => t.name === name)
  return {
    name,
    kind: 'tensor',
    elemType: inferred?.elemTypes.get(name) ?? init?.dataType ?? null,
    shape: shape ? shape.slice() : init ? init.dims.slice() : null,
  }
}

/** Shapes and element types of every tensor the rules can infer. */
export function inferGraphShapes(model: OnnxModel): ReturnType<typeof inferShapes> {
  return inferShapes(model.graph, defaultOpset(model))
}

export interface SubgraphSpec {
  /** Tensors that become the graph outputs, in this order. */
  outputs: readonly string[]
  /**
   * Tensors that become graph inputs (the walk back stops there). Default: the graph's own inputs. A
   * tensor listed here that is not a graph input becomes one, typed from value_info / shape inference.
   */
  inputs?: readonly string[]
}

/**
 * The part of the model that computes `spec.outputs` from `spec.inputs`: nodes that do not contribute
 * are dropped, and so are initializers, value_info and graph inputs nothing reads any more. Throws when
 * an output is not a tensor of the graph, or needs a graph input that `spec.inputs` leaves out.
 */
export function extractSubgraph(model: OnnxModel, spec: SubgraphSpec): OnnxModel {
  const graph = model.graph
  const producers = producersOf(graph)
  const initNames = new Set(graph.initializers.map((t) => t.name))
  for (const s of graph.sparseInitializers) if (s.values) initNames.add(s.values.name)
  const inputNames = new Set(spec.inputs ?? realInputs(graph).map((v) => v.name))
  const graphInputNames = new Set(graph.inputs.map((v) => v.name))
  for (const o of spec.outputs) {
    if (!producers.has(o) && !graphInputNames.has(o) && !initNames.has(o)) {
      throw new InvalidArgumentError(`tensor ${quote(o)} is not in the graph; pick a node output`)
    }
  }

  const keep = new Set<OnnxNode>()
  const reached = new Set<string>()
  const stack = [...spec.outputs]
  while (stack.length > 0) {
    const t = stack.pop()!
    if (reached.has(t)) continue
    reached.add(t)
    if (inputNames.has(t) || initNames.has(t)) continue
    const p = producers.get(t)
    if (!p) {
      throw new InvalidArgumentError(
        `the outputs need graph input ${quote(t)}, which the subgraph's inputs leave out`,
      )
    }
    if (keep.has(p)) continue
    keep.add(p)
    for (const i of p.inputs) if (i !== '') stack.push(i)
    for (const sub of subgraphInputs(p)) stack.push(sub)
  }

  const needsTypes = [...spec.outputs, ...inputNames].some(
    (n) => !graph.outputs.some((v) => v.name === n) && !graph.inputs.some((v) => v.name === n),
  )
  const inferred = needsTypes ? inferGraphShapes(model) : undefined
  const nodes = graph.nodes.filter((n) => keep.has(n))
  const inputs: OnnxValueInfo[] = []
  for (const v of graph.inputs) {
    if (reached.has(v.name) && (inputNames.has(v.name) || initNames.has(v.name))) inputs.push(v)
  }
  for (const name of inputNames) {
    if (reached.has(name) && !graphInputNames.has(name)) inputs.push(valueInfoFor(graph, name, inferred))
  }
  const kept = new Set<string>()
  for (const n of nodes) for (const o of n.outputs) kept.add(o)
  return {
    ...model,
    graph: {
      ...graph,
      nodes,
      initializers: graph.initializers.filter((t) => reached.has(t.name)),
      sparseInitializers: graph.sparseInitializers.filter((s) => s.values && reached.has(s.values.name)),
      inputs,
      outputs: spec.outputs.map((o) => valueInfoFor(graph, o, inferred)),
      valueInfo: graph.valueInfo.filter((v) => kept.has(v.name) && !spec.outputs.includes(v.name)),
    },
  }
}

/** Outer-scope names an If/Loop/Scan body reads (so the walk keeps their producers). */
function subgraphInputs(node: OnnxNode): string[] {
  const out: string[] = []
  for (const a of node.attributes) {
    for (const g of [...(a.g ? [a.g] : []), ...a.graphs]) {
      const local = new Set<string>([
        ...g.inputs.map((v) => v.name),
        ...g.initializers.map((t) => t.name),
        ...g.nodes.flatMap((n) => n.outputs),
      ])
      for (const n of g.nodes) for (const i of n.inputs) if (i !== '' && !local.has(i)) out.push(i)
    }
  }
  return out
}

/**
 * `model` with more graph outputs: intermediate tensors, typed from value_info or, when it is missing,
 * from shape inference. Names already outputs are skipped; unknown names throw.
 */
export function addGraphOutputs(model: OnnxModel, names: readonly string[]): OnnxModel {
  const graph = model.graph
  const producers = producersOf(graph)
  const existing = new Set(graph.outputs.map((v) => v.name))
  const added = [...new Set(names)].filter((n) => !existing.has(n))
  for (const n of added) {
    if (!producers.has(n)) throw new InvalidArgumentError(`no node produces tensor ${quote(n)}`)
  }
  if (added.length === 0) return model
  const inferred = inferGraphShapes(model)
  return {
    ...model,
    graph: { ...graph, outputs: [...graph.outputs, ...added.map((n) => valueInfoFor(graph, n, inferred))] },
  }
}

/**
 * Drop nodes. With `bypass`, a removed node's first output is replaced by its first input everywhere it
 * was read (right for Identity, Dropout in inference, a no-op Cast); a graph output it wrote is renamed
 * onto the input's producer when that is safe, else the node stays. Without `bypass`, the removed
 * nodes' outputs must be unused (pruneUnused cleans up after a cut).
 */
export function removeNodes(
  model: OnnxModel,
  remove: (node: OnnxNode) => boolean,
  options: { bypass?: boolean } = {},
): OnnxModel {
  const graph = model.graph
  let nodes = graph.nodes.slice()
  const outputs = graph.outputs
  const graphInputs = new Set(graph.inputs.map((v) => v.name))
  // Walk the current list: a bypass rewrites readers into new objects, which may be removed next.
  for (let at = 0; at < nodes.length;) {
    const node = nodes[at]!
    const from = node.outputs[0]
    const to = node.inputs[0]
    if (!remove(node)) {
      at++
    } else if (!options.bypass) {
      nodes.splice(at, 1)
    } else if (from === undefined || to === undefined || to === '') {
      at++
    } else if (outputs.some((v) => v.name === from)) {
      // A graph output keeps its name: rename the input tensor instead, if only this node reads it.
      const readers = nodes.filter((n) => n !== node && n.inputs.includes(to))
      const producer = nodes.find((n) => n.outputs.includes(to))
      if (!producer || graphInputs.has(to) || readers.length > 0 || outputs.some((v) => v.name === to)) {
        at++
        continue
      }
      nodes = nodes
        .filter((n) => n !== node)
        .map((n) => (n === producer ? { ...n, outputs: n.outputs.map((o) => (o === to ? from : o)) } : n))
    } else {
      nodes = nodes
        .filter((n) => n !== node)
        .map((n) =>
          n.inputs.includes(from) ? { ...n, inputs: n.inputs.map((i) => (i === from ? to : i)) } : n,
        )
    }
  }
  return pruneUnused({ ...model, graph: { ...graph, nodes, outputs } })
}

/** Drop nodes whose outputs reach no graph output, then initializers and value_info nothing uses. */
export function pruneUnused(model: OnnxModel): OnnxModel {
  const graph = model.graph
  const pruned = extractSubgraph(model, {
    outputs: graph.outputs.map((v) => v.name),
    inputs: realInputs(graph).map((v) => v.name),
  })
  // Keep the declared inputs and outputs as they were (an unused input is part of the model's contract).
  return {
    ...pruned,
    graph: {
      ...pruned.graph,
      inputs: graph.inputs.filter((v) => keepsInput(pruned.graph, graph, v)),
      outputs: graph.outputs,
    },
  }
}

function keepsInput(pruned: OnnxGraph, original: OnnxGraph, v: OnnxValueInfo): boolean {
  const isInit = original.initializers.some((t) => t.name === v.name)
  return !isInit || pruned.initializers.some((t) => t.name === v.name)
}
