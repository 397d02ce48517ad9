/**
 * The `fp_optimized` stage: the float graph after the transforms a quantizer applies before it
 * quantizes, each exact in real arithmetic (float32 rounding aside):
 *
 * 1. Identity nodes bypassed; Constant nodes become initializers; integer shape arithmetic on static
 *    shapes folded to initializers.
 * 2. BatchNormalization folded into the Conv before it (Conv → BN, and so Conv → BN → activation):
 *    with k = γ / √(σ² + ε) per output channel, W' = W·k, b' = (b − μ)·k + β.
 * 3. Cross-layer equalization (Nagel et al. 2019) of Conv₁ → act → Conv₂: output channel i of Conv₁ is
 *    divided by s_i and input channel i of Conv₂ multiplied by s_i, s_i = √(r₁ᵢ · r₂ᵢ) / r₂ᵢ with r the
 *    channel's max |weight|, so both channels end with the range √(r₁ᵢ r₂ᵢ). This is exact only when
 *    act(x / s) = act(x) / s for every s > 0 (positive homogeneity): true for ReLU and LeakyRelu
 *    (max(x, αx) scales with x). Not for SiLU: SiLU(x/s) = (x/s)·σ(x/s) ≠ (x/s)·σ(x) = SiLU(x)/s, since the
 *    sigmoid's argument changes. Not for ReLU6 either: min(max(x/s, 0), 6) clips at 6, i.e. at 6·s in
 *    the original scale, so channels with s ≠ 1 would clip elsewhere (Hailo and AIMET replace ReLU6 by
 *    ReLU before equalizing, which changes the model; we do not). Such pairs are skipped and listed.
 */
import {
  attrInt,
  decodeOnnxModel,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-model'
import { encodeOnnxModel } from './onnx-writer'
import { consumersOf, defaultOpset, pruneUnused, removeNodes } from './graph'
import { numericData } from './node-context'
import { DataType } from './onnx-tensor'
import { inferShapes } from './shape-inference'
import { float32Tensor, float32Values, integerTensor } from './tensor-data'
import type { FpOptimizedRecipe, Variant } from './variant'

export interface FpOptimizeOptions {
  /** Fold BatchNormalization into Conv (default true). */
  foldBatchNorm?: boolean
  /** Equalize Conv → ReLU/LeakyRelu → Conv pairs (default true). */
  equalize?: boolean
}

type Report = Omit<FpOptimizedRecipe, 'stage'>

/** Apply the fp_optimized transforms to a decoded model. */
export function optimizeFp(
  model: OnnxModel,
  options: FpOptimizeOptions = {},
): { model: OnnxModel; report: Report } {
  const report: Report = {
    foldedBatchNorms: [],
    removedIdentities: 0,
    constantsToInitializers: 0,
    foldedShapeNodes: 0,
    equalizedPairs: [],
    equalizationRounds: 0,
    skippedPairs: [],
  }
  let m = constantsToInitializers(model, report)
  m = foldShapeArithmetic(m, report)
  const isIdentity = (n: OnnxNode) => n.opType === 'Identity' && n.domain === ''
  const before = m.graph.nodes.filter(isIdentity).length
  m = removeNodes(m, isIdentity, { bypass: true })
  report.removedIdentities = before - m.graph.nodes.filter(isIdentity).length
  if (options.foldBatchNorm ?? true) m = foldBatchNorms(m, report)
  if (options.equalize ?? true) m = equalize(m, report)
  return { model: pruneUnused(m), report }
}

/** Build the fp_optimized variant from a model's bytes. */
export function buildFpOptimizedStage(
  bytes: Uint8Array,
  options: FpOptimizeOptions = {},
): Variant<FpOptimizedRecipe> {
  const { model, report } = optimizeFp(decodeOnnxModel(bytes), options)
  return {
    stage: 'fp_optimized',
    bytes: encodeOnnxModel(model, { preserveFrom: bytes }),
    recipe: { stage: 'fp_optimized', ...report },
  }
}

// ---------------------------------------------------------------------------------------------------

function constantsToInitializers(model: OnnxModel, report: Report): OnnxModel {
  const graph = model.graph
  const outputs = new Set(graph.outputs.map((v) => v.name))
  const added: OnnxTensor[] = []
  const nodes = graph.nodes.filter((n) => {
    if (n.opType !== 'Constant' || n.domain !== '' || n.outputs.length !== 1) return true
    const value = n.attributes.find((a: OnnxAttribute) => a.name === 'value')?.t
    const out = n.outputs[0]!
    // A graph output must stay produced by a node for some runtimes; keep those Constants.
    if (!value || outputs.has(out)) return true
    added.push({ ...value, name: out })
    report.constantsToInitializers++
    return false
  })
  if (added.length === 0) return model
  return { ...model, graph: { ...graph, nodes, initializers: [...graph.initializers, ...added] } }
}

/**
 * Shape arithmetic on static shapes (Shape → Gather → Unsqueeze → Concat feeding a Reshape …): a node
 * whose every output shape inference knows as integers becomes initializers. Integer results only:
 * float values known to shape inference were computed in float64 and could differ from the float32
 * the runtime computes by an ulp.
 */
function foldShapeArithmetic(model: OnnxModel, report: Report): OnnxModel {
  const inferred = inferShapes(model.graph, defaultOpset(model))
  const outputs = new Set(model.graph.outputs.map((v) => v.name))
  const added: OnnxTensor[] = []
  const nodes = model.graph.nodes.filter((n) => {
    if (n.domain !== '' || n.opType === 'Constant' || n.outputs.length === 0) return true
    if (n.outputs.some((o) => o === '' || outputs.has(o))) return true
    const folded: OnnxTensor[] = []
    for (const o of n.outputs) {
      const v = inferred.valueOf(o)
      const data = numericData(v)
      if (!v || !data || (v.elemType !== DataType.INT64 && v.elemType !== DataType.INT32)) return true
      folded.push(integerTensor(o, v.dims, data, v.elemType))
    }
    added.push(...folded)
    report.foldedShapeNodes++
    return false
  })
  if (added.length === 0) return model
  return pruneUnused({
    ...model,
    graph: { ...model.graph, nodes, initializers: [...model.graph.initializers, ...added] },
  })
}

interface Weights {
  inits: Map<string, OnnxTensor>
  replaced: Map<string, OnnxTensor>
}

function weightsOf(model: OnnxModel): Weights {
  return { inits: new Map(model.graph.initializers.map((t) => [t.name, t])), replaced: new Map() }
}

function withWeights(model: OnnxModel, w: Weights, nodes: OnnxNode[]): OnnxModel {
  const initializers = model.graph.initializers.map((t) => w.replaced.get(t.name) ?? t)
  const names = new Set(initializers.map((t) => t.name))
  for (const t of w.replaced.values()) if (!names.has(t.name)) initializers.push(t)
  return { ...model, graph: { ...model.graph, nodes, initializers } }
}

function current(w: Weights, name: string | undefined): OnnxTensor | undefined {
  if (name === undefined || name === '') return undefined
  return w.replaced.get(name) ?? w.inits.get(name)
}

/** Initializer names read by more than one node cannot be rewritten in place for one of them. */
function sharedInitializers(model: OnnxModel): Set<string> {
  const counts = new Map<string, number>()
  for (const n of model.graph.nodes) for (const i of n.inputs) counts.set(i, (counts.get(i) ?? 0) + 1)
  return new Set([...counts].filter(([, c]) => c > 1).map(([n]) => n))
}

function foldBatchNorms(model: OnnxModel, report: Report): OnnxModel {
  const w = weightsOf(model)
  const consumers = consumersOf(model.graph)
  const shared = sharedInitializers(model)
  const graphOutputs = new Set(model.graph.outputs.map((v) => v.name))
  const dropped = new Set<OnnxNode>()
  const rewired = new Map<OnnxNode, OnnxNode>()
  for (const conv of model.graph.nodes) {
    if (conv.opType !== 'Conv' || conv.domain !== '') continue
    const out = conv.outputs[0] ?? ''
    const readers = consumers.get(out) ?? []
    const bn = readers.length === 1 ? readers[0] : undefined
    if (!bn || bn.opType !== 'BatchNormalization' || bn.inputs[0] !== out || graphOutputs.has(out)) continue
    if (bn.outputs.length !== 1 || (attrInt(bn, 'training_mode') ?? 0) !== 0) continue
    const weight = current(w, conv.inputs[1])
    const bias = current(w, conv.inputs[2])
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => current(w, bn.inputs[i]))
    if (!weight || !gamma || !beta || !mean || !variance || weight.dims.length < 3) continue
    if (shared.has(weight.name) || (bias && shared.has(bias.name))) continue
    const eps = bn.attributes.find((a) => a.name === 'epsilon')?.f ?? 1e-5
    const cout = weight.dims[0]!
    const per = weight.dims.slice(1).reduce((a, b) => a * b, 1)
    const W = float32Values(weight)
    const g = float32Values(gamma)
    const be = float32Values(beta)
    const mu = float32Values(mean)
    const va = float32Values(variance)
    const b0 = bias ? float32Values(bias) : new Float32Array(cout)
    const newW = new Float32Array(W.length)
    const newB = new Float32Array(cout)
    for (let o = 0; o < cout; o++) {
      // float64 arithmetic, one rounding to float32 at the end.
      const k = g[o]! / Math.sqrt(va[o]! + eps)
      for (let j = 0; j < per; j++) newW[o * per + j] = W[o * per + j]! * k
      newB[o] = (b0[o]! - mu[o]!) * k + be[o]!
    }
    const wName = weight.name
    const bName = bias ? bias.name : `${conv.name || out}.folded_bias`
    w.replaced.set(wName, float32Tensor(wName, weight.dims, newW))
    w.replaced.set(bName, float32Tensor(bName, [cout], newB))
    const inputs = conv.inputs.slice(0, 2)
    inputs[2] = bName
    rewired.set(conv, { ...conv, inputs, outputs: [bn.outputs[0]!] })
    dropped.add(bn)
    report.foldedBatchNorms.push(conv.name || out)
  }
  const nodes = model.graph.nodes.filter((n) => !dropped.has(n)).map((n) => rewired.get(n) ?? n)
  return withWeights(model, w, nodes)
}

const HOMOGENEOUS = new Set(['Relu', 'LeakyRelu'])

/** x·σ(x) as exported: the Conv output read by a Sigmoid and by the Mul of both. */
function isSilu(readers: readonly OnnxNode[], out: string): boolean {
  if (readers.length !== 2) return false
  const sig = readers.find((n) => n.opType === 'Sigmoid')
  const mul = readers.find((n) => n.opType === 'Mul')
  return !!sig && !!mul && mul.inputs.includes(out) && mul.inputs.includes(sig.outputs[0] ?? '')
}

function equalize(model: OnnxModel, report: Report): OnnxModel {
  const w = weightsOf(model)
  const consumers = consumersOf(model.graph)
  const shared = sharedInitializers(model)
  const graphOutputs = new Set(model.graph.outputs.map((v) => v.name))
  // A Conv that ends one pair starts the next, and equalizing the second pair unbalances the first, so
  // sweep until the scales settle (CLE's iteration); pairs are reported once.
  const equalized = new Set<string>()
  const skipped = new Set<string>()
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const worst = equalizeRound(model, w, consumers, shared, graphOutputs, equalized, skipped)
    report.equalizationRounds = round
    if (worst < SETTLED) break
  }
  report.equalizedPairs.push(...equalized)
  report.skippedPairs.push(...skipped)
  return withWeights(model, w, model.graph.nodes)
}

const MAX_ROUNDS = 50
/** Stop when every scale of a round is within this of 1. */
const SETTLED = 1e-4

/** One sweep over the pairs; returns the largest |s − 1| applied. */
function equalizeRound(
  model: OnnxModel,
  w: Weights,
  consumers: Map<string, OnnxNode[]>,
  shared: Set<string>,
  graphOutputs: Set<string>,
  equalized: Set<string>,
  skipped: Set<string>,
): number {
  let worst = 0
  for (const conv1 of model.graph.nodes) {
    if (conv1.opType !== 'Conv' || conv1.domain !== '') continue
    const out1 = conv1.outputs[0] ?? ''
    const readers1 = consumers.get(out1) ?? []
    if (graphOutputs.has(out1)) continue
    if (isSilu(readers1, out1)) {
      skipped.add(`${conv1.name || out1}: SiLU is not positively homogeneous`)
      continue
    }
    const act = readers1.length === 1 ? readers1[0] : undefined
    if (!act) continue
    const readers2 = consumers.get(act.outputs[0] ?? '') ?? []
    const conv2 = readers2.length === 1 ? readers2[0] : undefined
    if (!conv2 || conv2.opType !== 'Conv' || conv2.inputs[0] !== act.outputs[0]) continue
    if (graphOutputs.has(act.outputs[0] ?? '')) continue
    const pair = `${conv1.name || out1} → ${conv2.name || conv2.outputs[0]}`
    if (!HOMOGENEOUS.has(act.opType) || act.domain !== '') {
      const what =
        act.opType === 'Clip'
          ? 'Clip (ReLU6) clips at a fixed bound'
          : `${act.opType} is not positively homogeneous`
      skipped.add(`${pair}: ${what}`)
      continue
    }
    const w1 = current(w, conv1.inputs[1])
    const b1 = current(w, conv1.inputs[2])
    const w2 = current(w, conv2.inputs[1])
    if (!w1 || !w2 || shared.has(w1.name) || shared.has(w2.name) || (b1 && shared.has(b1.name))) continue
    const c = w1.dims[0]!
    const group = attrInt(conv2, 'group') ?? 1
    const cout2 = w2.dims[0]!
    const cinPerGroup = w2.dims[1]!
    if (cinPerGroup * group !== c || cout2 % group !== 0) continue
    const W1 = float32Values(w1)
    const W2 = float32Values(w2)
    const B1 = b1 ? float32Values(b1) : null
    const per1 = W1.length / c
    const per2 = W2.length / (cout2 * cinPerGroup)
    const outPerGroup = cout2 / group
    // Input channel of conv2 that weight row (o, j) reads: grouped (and depthwise) convs included.
    const inputChannel = (o: number, j: number) => Math.floor(o / outPerGroup) * cinPerGroup + j
    const r1 = new Float64Array(c)
    const r2 = new Float64Array(c)
    for (let i = 0; i < c; i++)
      for (let k = 0; k < per1; k++) r1[i] = Math.max(r1[i]!, Math.abs(W1[i * per1 + k]!))
    for (let o = 0; o < cout2; o++)
      for (let j = 0; j < cinPerGroup; j++) {
        const ch = inputChannel(o, j)
        for (let k = 0; k < per2; k++)
          r2[ch] = Math.max(r2[ch]!, Math.abs(W2[(o * cinPerGroup + j) * per2 + k]!))
      }
    const scale = new Float64Array(c)
    for (let i = 0; i < c; i++) scale[i] = r1[i]! > 0 && r2[i]! > 0 ? Math.sqrt(r1[i]! * r2[i]!) / r2[i]! : 1
    const nW1 = new Float32Array(W1.length)
    for (let i = 0; i < c; i++)
      for (let k = 0; k < per1; k++) nW1[i * per1 + k] = W1[i * per1 + k]! / scale[i]!
    const nW2 = new Float32Array(W2.length)
    for (let o = 0; o < cout2; o++)
      for (let j = 0; j < cinPerGroup; j++) {
        const f = scale[inputChannel(o, j)]!
        for (let k = 0; k < per2; k++) {
          const at = (o * cinPerGroup + j) * per2 + k
          nW2[at] = W2[at]! * f
        }
      }
    w.replaced.set(w1.name, float32Tensor(w1.name, w1.dims, nW1))
    w.replaced.set(w2.name, float32Tensor(w2.name, w2.dims, nW2))
    if (b1 && B1)
      w.replaced.set(
        b1.name,
        float32Tensor(
          b1.name,
          b1.dims,
          B1.map((v, i) => v / scale[i]!),
        ),
      )
    equalized.add(pair)
    for (const v of scale) worst = Math.max(worst, Math.abs(v - 1))
  }
  return worst
}
