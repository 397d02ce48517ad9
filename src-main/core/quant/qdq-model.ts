/**
 * The `quantized` stage: a float ONNX model → a QDQ ONNX model onnxruntime runs, with the integer
 * rounding of the target simulated exactly by QuantizeLinear → DequantizeLinear pairs.
 *
 * What is quantized (this slice): every Conv in the quantized region —
 * - its activation input (input 0): QuantizeLinear(uint8, scale/zero point from the calibrated range)
 *   → DequantizeLinear, shared by every Conv reading that tensor;
 * - its weight (input 1, a float32 initializer): replaced by an int8 initializer read through a
 *   DequantizeLinear (symmetric, zero point 0; per tensor, or per output channel on axis 0) — the
 *   standard QDQ weight pattern;
 * - its bias (input 2, float32 initializer): int32 with scale = scale_in · scale_w (per channel when the
 *   weights are), zero point 0, read through a DequantizeLinear — the pattern onnxruntime's
 *   QLinearConv fusion asks for. Left float, onnxruntime's own bias-quantization pass rewrites it into
 *   exactly that at load time, and on an opset-11 model it writes an ONNX DequantizeLinear with `axis`,
 *   which opset 11 does not have, and the model fails to load (measured with onnxruntime 1.30); writing
 *   it here keeps the file what runs. Fusion into QLinearConv also needs a QuantizeLinear on the Conv's
 *   output, which this slice does not insert (Conv inputs only), so onnxruntime runs DQ → float Conv on
 *   the same fake-quantized values.
 * Every other op stays float32 and is listed in one warning.
 *
 * a16_w8: activations symmetric int16 (zero point 0) instead of uint8, weights as a8_w8.
 *
 * Opset: per-channel DequantizeLinear (axis) needs the ONNX opset 13, int16 Q/DQ the opset 21 (measured:
 * onnxruntime 1.30 rejects an int16 zero point at opsets 13 and 19, runs it at 21). Below that the
 * Q/DQ nodes are written in onnxruntime's `com.microsoft` domain (QuantizeLinear / DequantizeLinear
 * with axis, int8/uint8/int16/uint16), which onnxruntime's QDQ transformers accept as the ONNX ones; the
 * model's own opset is not changed (bumping it would change the meaning of Split, Squeeze, Resize …).
 */
import type { Variant } from '../onnx/variant'
import { InvalidArgumentError, quote } from '../errors'
import type { OnnxModel, OnnxNode, OnnxTensor } from '../onnx/onnx-model'
import { encodeOnnxModel } from '../onnx/onnx-writer'
import { consumersOf, defaultOpset } from '../onnx/graph'
import { endNodesByName, proposeEndNodes } from '../onnx/end-nodes'
import { DataType } from '../onnx/onnx-tensor'
import { float32Tensor, float32Values } from '../onnx/tensor-data'
import type { Range } from './observers'
import {
  activationParams,
  quantizeWeights,
  roundHalfToEven,
  type ActivationBits,
  type WeightBits,
} from './quant-params'

export type WeightGranularity = 'per-tensor' | 'per-channel'
/** Hailo's precision modes this slice builds (a16_w16, int16 weights, is not built yet). */
export type QdqPrecision = 'a8_w8' | 'a8_w4' | 'a16_w8'

export interface QuantizeRecipeOptions {
  weights: WeightGranularity
  precision: QdqPrecision
  /** Node names kept in float. */
  excluded?: readonly string[]
  /** Keep every node after the end nodes in float (the end nodes themselves are quantized). */
  excludeHead?: boolean
  /** End nodes (node or output names) for `excludeHead`; default: proposed by head pattern. */
  endNodes?: readonly string[]
}

export interface CalibrationRecord {
  method: string
  /** Images used (after skipped ones). */
  images: number
  selection: string
  /** SHA-256 of the image file names, one per line, in the order used. */
  imageListSha256: string
}

export interface QuantizedRecipe {
  stage: 'quantized'
  precision: QdqPrecision
  weights: WeightGranularity
  /** Activations: asymmetric uint8 (a16: symmetric int16); weights: symmetric int8 (a8_w4: int4 grid stored as int8); biases int32. */
  activationBits: ActivationBits
  weightBits: WeightBits
  excluded: string[]
  excludeHead: boolean
  /** End nodes used for `excludeHead` (empty otherwise). */
  endNodes: string[]
  /** Conv nodes quantized, by name. */
  quantizedNodes: string[]
  /** Activation tensors given a Q/DQ pair, with their scale and zero point. */
  activations: Array<{ tensor: string; scale: number; zeroPoint: number }>
  /** Domain of the inserted Q/DQ nodes ('' = ONNX, or 'com.microsoft' below opset 13). */
  qdqDomain: string
  calibration?: CalibrationRecord
  warnings: string[]
}

/** The quantized stage's variant. */
export type QuantizedVariant = Variant<QuantizedRecipe>

const QUANTIZABLE = new Set(['Conv'])

/** Nodes kept float by the recipe (excluded names, and the head when asked), by node identity. */
function floatNodes(
  model: OnnxModel,
  options: QuantizeRecipeOptions,
): { keep: Set<OnnxNode>; endNodes: string[] } {
  const graph = model.graph
  const keep = new Set<OnnxNode>()
  const byName = new Map(graph.nodes.filter((n) => n.name !== '').map((n) => [n.name, n]))
  const unknown = (options.excluded ?? []).filter((name) => !byName.has(name))
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `excluded node(s) ${unknown.map((t) => quote(t)).join(', ')} are not in the graph; name nodes as quantscope inspect lists them`,
    )
  }
  for (const name of options.excluded ?? []) keep.add(byName.get(name)!)
  if (!options.excludeHead) return { keep, endNodes: [] }
  const proposal =
    options.endNodes && options.endNodes.length > 0
      ? endNodesByName(model, options.endNodes)
      : proposeEndNodes(model)
  const consumers = consumersOf(graph)
  const stack = proposal.endNodes.map((e) => e.output)
  const seen = new Set<string>()
  while (stack.length > 0) {
    const t = stack.pop()!
    if (seen.has(t)) continue
    seen.add(t)
    for (const n of consumers.get(t) ?? []) {
      if (keep.has(n)) continue
      keep.add(n)
      for (const o of n.outputs) if (o !== '') stack.push(o)
    }
  }
  return { keep, endNodes: proposal.endNodes.map((e) => e.name) }
}

/** The Conv nodes the recipe quantizes (float32 initializer weight of rank ≥ 3). */
export function quantizableNodes(model: OnnxModel, options: QuantizeRecipeOptions): OnnxNode[] {
  const { keep } = floatNodes(model, options)
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]))
  return model.graph.nodes.filter((n) => {
    if (!QUANTIZABLE.has(n.opType) || n.domain !== '' || keep.has(n)) return false
    const w = inits.get(n.inputs[1] ?? '')
    return w !== undefined && w.dataType === DataType.FLOAT && w.dims.length >= 3 && w.external === null
  })
}

/** Activation tensors to calibrate for `options`: input 0 of every quantized Conv, in graph order. */
export function activationTensorsToCalibrate(model: OnnxModel, options: QuantizeRecipeOptions): string[] {
  return [...new Set(quantizableNodes(model, options).map((n) => n.inputs[0]!))]
}

function bytesTensor(name: string, dims: number[], dataType: number, data: ArrayBufferView): OnnxTensor {
  return {
    name,
    dims,
    dataType,
    external: null,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    stringData: [],
  }
}

function node(
  name: string,
  opType: string,
  domain: string,
  inputs: string[],
  outputs: string[],
  axis?: number,
): OnnxNode {
  return {
    name,
    opType,
    domain,
    inputs,
    outputs,
    attributes:
      axis === undefined
        ? []
        : [
            {
              name: 'axis',
              type: 2,
              f: null,
              i: axis,
              s: null,
              t: null,
              g: null,
              floats: [],
              ints: [],
              strings: [],
              tensors: [],
              graphs: [],
            },
          ],
  }
}

/**
 * Insert Q/DQ pairs into `model` for the recipe. `ranges` holds the calibrated range of every tensor
 * `activationTensorsToCalibrate` names; a Conv whose input has no range is left float (warned).
 */
export function buildQdqModel(
  model: OnnxModel,
  ranges: ReadonlyMap<string, Range>,
  options: QuantizeRecipeOptions,
): { model: OnnxModel; recipe: QuantizedRecipe } {
  if (!['a8_w8', 'a8_w4', 'a16_w8'].includes(options.precision)) {
    throw new InvalidArgumentError(
      `precision ${quote(options.precision)} is not built yet; choose a8_w8, a8_w4 or a16_w8`,
    )
  }
  if (options.weights !== 'per-tensor' && options.weights !== 'per-channel') {
    throw new InvalidArgumentError(`weights must be per-tensor or per-channel; got ${quote(options.weights)}`)
  }
  const weightBits: WeightBits = options.precision === 'a8_w4' ? 4 : 8
  const graph = model.graph
  const { endNodes } = floatNodes(model, options)
  const targets = new Set(quantizableNodes(model, options))
  const activationBits: ActivationBits = options.precision === 'a16_w8' ? 16 : 8
  const opset = defaultOpset(model)
  // ONNX Q/DQ: per-axis from opset 13, int16 from opset 21 (onnxruntime 1.30 refuses int16 below 21).
  const domain = opset >= (activationBits === 16 ? 21 : 13) ? '' : 'com.microsoft'
  const used = new Set<string>()
  for (const n of graph.nodes) {
    used.add(n.name)
    for (const o of n.outputs) used.add(o)
  }
  for (const t of graph.initializers) used.add(t.name)
  for (const v of graph.inputs) used.add(v.name)
  const fresh = (base: string): string => {
    let name = base
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`
    used.add(name)
    return name
  }

  const inits = new Map(graph.initializers.map((t) => [t.name, t]))
  const newInits: OnnxTensor[] = []
  const activationDq = new Map<string, string>()
  const activationScale = new Map<string, number>()
  const weightScales = new Map<string, Float32Array>()
  const weightAxis = new Map<string, 0 | null>()
  const quantizedBiases = new Set<string>()
  const weightDq = new Map<string, string>()
  const activations: QuantizedRecipe['activations'] = []
  const quantized: string[] = []
  const missingRange: string[] = []
  const nodes: OnnxNode[] = []

  const dqActivation = (tensor: string, before: OnnxNode[]): string | null => {
    const known = activationDq.get(tensor)
    if (known) return known
    const range = ranges.get(tensor)
    if (!range) return null
    const p = activationParams(range, activationBits)
    const scale = fresh(`${tensor}_scale`)
    const zp = fresh(`${tensor}_zero_point`)
    const q = fresh(`${tensor}_quantized`)
    const dq = fresh(`${tensor}_dequantized`)
    newInits.push(float32Tensor(scale, [], Float32Array.of(p.scale)))
    newInits.push(
      activationBits === 16
        ? bytesTensor(zp, [], DataType.INT16, Int16Array.of(p.zeroPoint))
        : bytesTensor(zp, [], DataType.UINT8, Uint8Array.of(p.zeroPoint)),
    )
    before.push(node(fresh(`${tensor}_QuantizeLinear`), 'QuantizeLinear', domain, [tensor, scale, zp], [q]))
    before.push(node(fresh(`${tensor}_DequantizeLinear`), 'DequantizeLinear', domain, [q, scale, zp], [dq]))
    activationDq.set(tensor, dq)
    activationScale.set(tensor, p.scale)
    activations.push({ tensor, scale: p.scale, zeroPoint: p.zeroPoint })
    return dq
  }

  const dqWeight = (name: string, before: OnnxNode[]): string => {
    const known = weightDq.get(name)
    if (known) return known
    const w = inits.get(name)!
    const qw = quantizeWeights(float32Values(w), w.dims, options.weights, weightBits)
    const perChannel = qw.axis === 0
    const scaleDims = perChannel ? [qw.scales.length] : []
    const scale = fresh(`${name}_scale`)
    const zp = fresh(`${name}_zero_point`)
    const q = fresh(`${name}_quantized`)
    const dq = fresh(`${name}_dequantized`)
    newInits.push(float32Tensor(scale, scaleDims, qw.scales))
    newInits.push(bytesTensor(zp, scaleDims, DataType.INT8, new Int8Array(qw.scales.length)))
    newInits.push(bytesTensor(q, w.dims.slice(), DataType.INT8, qw.values))
    before.push(
      node(
        fresh(`${name}_DequantizeLinear`),
        'DequantizeLinear',
        domain,
        [q, scale, zp],
        [dq],
        perChannel ? 0 : undefined,
      ),
    )
    weightDq.set(name, dq)
    weightScales.set(name, qw.scales)
    weightAxis.set(name, qw.axis)
    return dq
  }

  /** int32 bias for (activation, weight): one per pair, since its scale is theirs. */
  const biasDq = new Map<string, string>()
  const dqBias = (
    name: string,
    activation: string,
    weight: string,
    before: OnnxNode[],
  ): string | undefined => {
    const b = inits.get(name)
    if (!b || b.dataType !== DataType.FLOAT || b.external) return undefined
    const key = `${name}\n${activation}\n${weight}`
    const known = biasDq.get(key)
    if (known) return known
    const sx = activationScale.get(activation)!
    const sw = weightScales.get(weight)!
    const values = float32Values(b)
    const scales = new Float32Array(sw.length)
    for (let c = 0; c < sw.length; c++) scales[c] = sx * sw[c]!
    const q = new Int32Array(values.length)
    for (let i = 0; i < values.length; i++) {
      const s = scales[sw.length === 1 ? 0 : i]!
      q[i] = Math.min(2147483647, Math.max(-2147483648, roundHalfToEven(values[i]! / s)))
    }
    const perChannel = sw.length > 1 || weightAxis.get(weight) === 0
    const scaleDims = perChannel ? [scales.length] : []
    const scale = fresh(`${name}_scale`)
    const zp = fresh(`${name}_zero_point`)
    const qName = fresh(`${name}_quantized`)
    const dq = fresh(`${name}_dequantized`)
    newInits.push(float32Tensor(scale, scaleDims, scales))
    newInits.push(bytesTensor(zp, scaleDims, DataType.INT32, new Int32Array(scales.length)))
    newInits.push(bytesTensor(qName, b.dims.slice(), DataType.INT32, q))
    before.push(
      node(
        fresh(`${name}_DequantizeLinear`),
        'DequantizeLinear',
        domain,
        [qName, scale, zp],
        [dq],
        perChannel ? 0 : undefined,
      ),
    )
    biasDq.set(key, dq)
    quantizedBiases.add(name)
    return dq
  }

  for (const n of graph.nodes) {
    if (!targets.has(n)) {
      nodes.push(n)
      continue
    }
    const before: OnnxNode[] = []
    const x = n.inputs[0]!
    const xDq = dqActivation(x, before)
    if (xDq === null) {
      missingRange.push(x)
      nodes.push(n)
      continue
    }
    const wDq = dqWeight(n.inputs[1]!, before)
    const bias = n.inputs[2]
    const bDq = bias ? dqBias(bias, x, n.inputs[1]!, before) : undefined
    nodes.push(...before, {
      ...n,
      inputs: n.inputs.map((i, k) => (k === 0 ? xDq : k === 1 ? wDq : k === 2 && bDq ? bDq : i)),
    })
    quantized.push(n.name)
  }

  // Float weights no node reads any more are dropped (a weight shared with a float node stays).
  const stillRead = new Set(nodes.flatMap((n) => n.inputs))
  const initializers = [
    ...graph.initializers.filter(
      (t) => stillRead.has(t.name) || (!weightDq.has(t.name) && !quantizedBiases.has(t.name)),
    ),
    ...newInits,
  ]

  const warnings: string[] = []
  if (missingRange.length > 0) {
    warnings.push(
      `${missingRange.length} Conv input(s) had no calibrated range and stayed float: ${missingRange.map((t) => quote(t)).join(', ')}`,
    )
  }
  const floatOps = new Map<string, number>()
  for (const n of graph.nodes) {
    if (targets.has(n)) continue
    const op = n.domain === '' ? n.opType : `${n.domain}:${n.opType}`
    floatOps.set(op, (floatOps.get(op) ?? 0) + 1)
  }
  if (floatOps.size > 0) {
    const list = [...floatOps].map(([op, k]) => `${op}×${k}`).join(', ')
    warnings.push(`left in float32 (only Conv is quantized, excluded nodes and the head aside): ${list}`)
  }

  const opsetImports =
    domain === '' || model.opsetImports.some((o) => o.domain === domain)
      ? model.opsetImports
      : [...model.opsetImports, { domain, version: 1 }]
  return {
    model: { ...model, opsetImports, graph: { ...graph, nodes, initializers } },
    recipe: {
      stage: 'quantized',
      precision: options.precision,
      weights: options.weights,
      activationBits,
      weightBits,
      excluded: [...(options.excluded ?? [])],
      excludeHead: options.excludeHead ?? false,
      endNodes,
      quantizedNodes: quantized,
      activations,
      qdqDomain: domain,
      warnings,
    },
  }
}

/** buildQdqModel on ONNX bytes → the quantized variant (bytes + recipe). */
export function buildQuantizedStage(
  bytes: Uint8Array,
  decoded: OnnxModel,
  ranges: ReadonlyMap<string, Range>,
  options: QuantizeRecipeOptions,
  calibration?: CalibrationRecord,
): QuantizedVariant {
  const { model, recipe } = buildQdqModel(decoded, ranges, options)
  return {
    stage: 'quantized',
    bytes: encodeOnnxModel(model, { preserveFrom: bytes }),
    recipe: calibration ? { ...recipe, calibration } : recipe,
  }
}
