/**
 * Which activation functions a graph uses, recognizing how exporters spell the composite ones:
 * SiLU = x · Sigmoid(x), HardSwish = x · HardSigmoid(x) (PyTorch below opset 14),
 * Mish = x · Tanh(Softplus(x)), ReLU6 = Clip(x, 0, 6) (PyTorch writes Relu -> Clip(0, 6); that Relu is
 * part of the ReLU6 and not counted on its own). Quantization-aware hardware treats these
 * very differently (SiLU and Mish lose more accuracy at 8 bits than ReLU), hence the care.
 */
import type { ActivationCount, ActivationKind } from '../../shared/model-summary'
import type { OnnxGraph, OnnxNode } from './onnx-model'
import { attrFloat } from './onnx-model'
import type { KnownValue } from './node-context'

const DIRECT: ReadonlyMap<string, ActivationKind> = new Map<string, ActivationKind>([
  ['Relu', 'Relu'],
  ['LeakyRelu', 'LeakyRelu'],
  ['HardSwish', 'HardSwish'],
  ['HardSigmoid', 'HardSigmoid'],
  ['Tanh', 'Tanh'],
  ['Mish', 'Mish'],
  ['Gelu', 'Gelu'],
  ['com.microsoft:Gelu', 'Gelu'],
  ['com.microsoft:FastGelu', 'Gelu'],
  ['com.microsoft:BiasGelu', 'Gelu'],
  ['Elu', 'Elu'],
  ['PRelu', 'PRelu'],
  ['Softplus', 'Softplus'],
  ['Sigmoid', 'Sigmoid'],
])

interface GraphIndex {
  /** Tensor name -> nodes reading it. */
  consumers: Map<string, OnnxNode[]>
}

function indexGraph(graph: OnnxGraph): GraphIndex {
  const consumers = new Map<string, OnnxNode[]>()
  for (const n of graph.nodes) {
    for (const i of new Set(n.inputs)) {
      if (i === '') continue
      const list = consumers.get(i)
      if (list) list.push(n)
      else consumers.set(i, [n])
    }
  }
  return { consumers }
}

/** A Mul reading both `a` and `b` (in either order). */
function feedsMulWith(index: GraphIndex, output: string, other: string): boolean {
  return (index.consumers.get(output) ?? []).some(
    (c) => c.opType === 'Mul' && c.domain === '' && c.inputs.includes(other) && c.inputs.includes(output),
  )
}

/** The single consumer of `output` if it is `opType`, for chains like Softplus -> Tanh. */
function onlyConsumer(index: GraphIndex, output: string, opType: string): OnnxNode | undefined {
  const list = index.consumers.get(output) ?? []
  return list.length === 1 && list[0]?.opType === opType ? list[0] : undefined
}

function scalar(v: KnownValue | undefined): number | undefined {
  return v && v.data.length === 1 && typeof v.data[0] === 'number' ? v.data[0] : undefined
}

/** Clip's bounds: attributes before opset 11, optional constant inputs 1 and 2 since. */
function clipKind(node: OnnxNode, valueOf: (name: string) => KnownValue | undefined): ActivationKind {
  const fromInput = (i: number) => {
    const name = node.inputs[i]
    return name ? scalar(valueOf(name)) : undefined
  }
  const min = attrFloat(node, 'min') ?? fromInput(1)
  const max = attrFloat(node, 'max') ?? fromInput(2)
  return min === 0 && max === 6 ? 'ReLU6' : 'Clip'
}

/** Activation kind of each top-level node that is one (composite patterns counted once, at their head). */
export function classifyActivations(
  graph: OnnxGraph,
  valueOf: (name: string) => KnownValue | undefined,
): ActivationCount[] {
  const index = indexGraph(graph)
  const counts = new Map<ActivationKind, number>()
  const add = (kind: ActivationKind) => counts.set(kind, (counts.get(kind) ?? 0) + 1)
  // Mish is found first so its Tanh is not also counted, whatever the node order.
  const absorbed = new Set<OnnxNode>()
  const mishHeads = new Set(
    graph.nodes.filter((n) => n.opType === 'Softplus' && n.domain === '' && isMishHead(index, n, absorbed)),
  )
  for (const n of graph.nodes) {
    if (n.opType !== 'Relu' || n.domain !== '') continue
    const clip = onlyConsumer(index, n.outputs[0] ?? '', 'Clip')
    if (clip && clipKind(clip, valueOf) === 'ReLU6') absorbed.add(n)
  }

  for (const node of graph.nodes) {
    const op = node.domain === '' ? node.opType : `${node.domain}:${node.opType}`
    const x = node.inputs[0] ?? ''
    const y = node.outputs[0] ?? ''
    if (absorbed.has(node)) continue
    if (op === 'Clip') {
      add(clipKind(node, valueOf))
    } else if (op === 'Sigmoid' && feedsMulWith(index, y, x)) {
      add('SiLU')
    } else if (op === 'HardSigmoid' && feedsMulWith(index, y, x)) {
      add('HardSwish')
    } else if (mishHeads.has(node)) {
      add('Mish')
    } else {
      const kind = DIRECT.get(op)
      if (kind) add(kind)
    }
  }
  return [...counts]
    .map(([kind, count]) => ({ kind, count }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind))
}

/** Softplus(x) -> Tanh -> Mul(x, ·): marks the Tanh so it is not counted again. */
function isMishHead(index: GraphIndex, softplus: OnnxNode, absorbed: Set<OnnxNode>): boolean {
  const tanh = onlyConsumer(index, softplus.outputs[0] ?? '', 'Tanh')
  if (!tanh || !feedsMulWith(index, tanh.outputs[0] ?? '', softplus.inputs[0] ?? '')) return false
  absorbed.add(tanh)
  return true
}
