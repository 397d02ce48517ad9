/**
 * OnnxModel -> OnnxSummary: what a user needs to know before deploying the model (inputs, outputs,
 * opsets, parameters, MACs, activations, BN state, quantization, external data).
 */
import type {
  BatchNormSummary,
  OnnxSummary,
  OpTypeCount,
  ParameterSummary,
  QuantizationSummary,
  TensorInfo,
} from '../../shared/model-summary'
import type { ModelFileHost } from '../formats/model-format'
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxValueInfo } from './onnx-model'
import { findAttribute, qualifiedOpType, subgraphsOf } from './onnx-model'
import { elementCount, elemTypeName, storedBytes } from './onnx-tensor'
import { inferShapes } from './shape-inference'
import { computeMacs } from './macs'
import { classifyActivations } from './activations'
import { checkExternalData } from './external-data'

/** Newest IR version this build knows (ONNX 1.18). */
const KNOWN_IR_VERSION = 11

export function summarizeOnnx(model: OnnxModel, host: ModelFileHost): OnnxSummary {
  const graph = model.graph
  const warnings: string[] = []
  const externalData = checkExternalData(model, host)
  const opset = defaultOpset(model)
  const shapes = inferShapes(graph, opset)
  const macs = computeMacs(graph, shapes.shapes)
  const subgraphNodes = countSubgraphNodes(graph)

  if (model.irVersion > KNOWN_IR_VERSION) {
    warnings.push(
      `ir_version ${model.irVersion} is newer than this build knows (${KNOWN_IR_VERSION}); fields added since are ignored`,
    )
  }
  if (!model.opsetImports.some((o) => o.domain === '')) {
    warnings.push(`the model imports no default-domain opset; assumed opset ${opset}`)
  }
  if (macs.unresolved.length > 0) {
    warnings.push(
      `MACs of ${macs.unresolved.length} node(s) not counted: their shapes could not be resolved ` +
        `(first: ${JSON.stringify(macs.unresolved[0])}); declare input shapes or run onnx shape inference`,
    )
  }
  if (shapes.unsupportedOps.length > 0) {
    warnings.push(
      `no shape rule for op type(s) ${shapes.unsupportedOps.join(', ')}; shapes after them may be unknown`,
    )
  }
  if (shapes.failedNodes.length > 0) {
    warnings.push(
      `shape inference failed at node(s) ${shapes.failedNodes.slice(0, 5).join(', ')}; their shapes are unknown`,
    )
  }
  if (subgraphNodes > 0) {
    warnings.push(
      `${subgraphNodes} node(s) sit inside If/Loop/Scan subgraphs: counted in opTypes, not in nodeCount, MACs or activations`,
    )
  }
  if (graph.sparseInitializers.length > 0) {
    warnings.push(
      `${graph.sparseInitializers.length} sparse initializer(s): parameters count their stored (non-zero) values`,
    )
  }

  return {
    format: 'onnx',
    irVersion: model.irVersion,
    opsets: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: model.modelVersion,
    docString: model.docString,
    graphName: graph.name,
    metadata: Object.fromEntries(model.metadata.map((p) => [p.key, p.value])),
    inputs: graphInputs(graph).map(tensorInfo),
    outputs: graph.outputs.map(tensorInfo),
    // Top-level nodes only; nodes of If/Loop/Scan bodies are counted in opTypes (see warnings).
    nodeCount: graph.nodes.length,
    opTypes: opTypeHistogram(graph),
    parameters: parameterSummary(graph),
    macs,
    activations: classifyActivations(graph, shapes.valueOf),
    batchNorm: batchNormSummary(graph),
    quantization: quantizationSummary(graph),
    externalData,
    warnings,
  }
}

/** The default-domain opset version; 1 when none is imported (IR < 3 models). */
export function defaultOpset(model: OnnxModel): number {
  return model.opsetImports.find((o) => o.domain === '')?.version ?? 1
}

/** Graph inputs that are not initializers (IR < 4 exporters list every weight as an input too). */
function graphInputs(graph: OnnxGraph): OnnxValueInfo[] {
  const initializers = new Set(graph.initializers.map((t) => t.name))
  return graph.inputs.filter((v) => !initializers.has(v.name))
}

function tensorInfo(v: OnnxValueInfo): TensorInfo {
  const elemType = v.kind === 'tensor' || v.kind === 'sparse_tensor' ? elemTypeName(v.elemType ?? 0) : v.kind
  return { name: v.name, elemType, shape: v.shape ? v.shape.slice() : null }
}

function* allNodes(graph: OnnxGraph): Generator<OnnxNode> {
  for (const n of graph.nodes) {
    yield n
    for (const g of subgraphsOf(n)) yield* allNodes(g)
  }
}

function countSubgraphNodes(graph: OnnxGraph): number {
  let total = 0
  for (const _ of allNodes(graph)) total++
  return total - graph.nodes.length
}

function sortCounts(counts: Map<string, number>): OpTypeCount[] {
  return [...counts]
    .map(([opType, count]) => ({ opType, count }))
    .sort((a, b) => b.count - a.count || (a.opType < b.opType ? -1 : a.opType > b.opType ? 1 : 0))
}

/** Op types of all nodes, subgraphs included, as `Op` or `domain:Op`. */
function opTypeHistogram(graph: OnnxGraph): OpTypeCount[] {
  const counts = new Map<string, number>()
  for (const n of allNodes(graph)) {
    const op = qualifiedOpType(n)
    counts.set(op, (counts.get(op) ?? 0) + 1)
  }
  return sortCounts(counts)
}

/** Elements of a Constant node's value, whichever attribute holds it. */
function constantElements(node: OnnxNode): number {
  const value = findAttribute(node, 'value')
  if (value?.t) return elementCount(value.t.dims)
  for (const name of ['value_float', 'value_int', 'value_string']) if (findAttribute(node, name)) return 1
  const list =
    findAttribute(node, 'value_floats') ??
    findAttribute(node, 'value_ints') ??
    findAttribute(node, 'value_strings')
  return list ? list.floats.length + list.ints.length + list.strings.length : 0
}

/** Top-level graph: initializers (weights) apart from Constant nodes (shapes, scales). */
function parameterSummary(graph: OnnxGraph): ParameterSummary {
  let initializerElements = 0
  let initializerBytes = 0
  for (const t of graph.initializers) {
    initializerElements += elementCount(t.dims)
    initializerBytes += storedBytes(t)
  }
  for (const s of graph.sparseInitializers) {
    if (!s.values) continue
    initializerElements += elementCount(s.values.dims)
    initializerBytes += storedBytes(s.values) + (s.indices ? storedBytes(s.indices) : 0)
  }
  let constantElementsTotal = 0
  let constantCount = 0
  for (const n of graph.nodes) {
    if (n.opType !== 'Constant' || n.domain !== '') continue
    constantCount++
    constantElementsTotal += constantElements(n)
  }
  return {
    initializerElements,
    initializerCount: graph.initializers.length + graph.sparseInitializers.length,
    constantElements: constantElementsTotal,
    constantCount,
    initializerBytes,
  }
}

function batchNormSummary(graph: OnnxGraph): BatchNormSummary {
  const count = graph.nodes.filter((n) => n.opType === 'BatchNormalization' && n.domain === '').length
  if (count > 0) return { count, state: 'present' }
  const convWithBias = graph.nodes.some(
    (n) => n.opType === 'Conv' && n.domain === '' && (n.inputs[2] ?? '') !== '',
  )
  return { count: 0, state: convWithBias ? 'folded' : 'none' }
}

/** Op types that only exist in quantized graphs (QDQ, QOperator, dynamic and weight-only quantization). */
const QUANT_OPS = new Set(
  (
    'QuantizeLinear DequantizeLinear DynamicQuantizeLinear QLinearConv QLinearMatMul ConvInteger ' +
    'MatMulInteger QGemm QAttention DynamicQuantizeMatMul DynamicQuantizeLSTM MatMulIntegerToFloat ' +
    'MatMulNBits MatMulBnb4 GatherBlockQuantized QOrderedMatMul QuantizeBFP DequantizeBFP'
  ).split(' '),
)

function isQuantOp(node: OnnxNode): boolean {
  return QUANT_OPS.has(node.opType) || node.opType.startsWith('QLinear')
}

function quantizationSummary(graph: OnnxGraph): QuantizationSummary {
  const counts = new Map<string, number>()
  for (const n of allNodes(graph)) {
    if (!isQuantOp(n)) continue
    const op = qualifiedOpType(n)
    counts.set(op, (counts.get(op) ?? 0) + 1)
  }
  const ops = sortCounts(counts)
  return { present: ops.length > 0, ops }
}
