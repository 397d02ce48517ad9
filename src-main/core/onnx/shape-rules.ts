/**
 * Output shapes of the ONNX operators detectors use, from input shapes, attributes and constant inputs
 * (ONNX operator spec, opsets 7–21). Each rule returns one entry per node output: the shape, or
 * undefined when it cannot be known without running the model.
 */
import type { Dim } from '../../shared/model-summary'
import { attrFloats, attrInt, attrInts, attrString, findAttribute } from './onnx-model'
import type { NodeContext } from './node-context'
import { numericData } from './node-context'
import {
  broadcastShapes,
  dimProduct,
  isKnown,
  normalizeAxis,
  sliceDim,
  transposedOutputDim,
  windowOutputDim,
} from './dims'

export type Shape = Dim[]
export type ShapeRule = (ctx: NodeContext) => Array<Shape | undefined>

/** Ops whose every output has the shape of input 0 (activations, normalizations, casts, Q/DQ …). */
const SAME_AS_INPUT = (
  'Identity Relu Sigmoid Tanh LeakyRelu Elu Selu Celu HardSigmoid HardSwish Softplus Softsign Mish ' +
  'Gelu Erf Exp Log Sqrt Neg Abs Reciprocal Floor Ceil Round Sign Not IsNaN IsInf Sin Cos Tan Asin ' +
  'Acos Atan Sinh Cosh Asinh Acosh Atanh ThresholdedRelu Shrink LpNormalization ' +
  'InstanceNormalization LRN MeanVarianceNormalization Trilu CumSum BitwiseNot GroupNormalization ' +
  'Hardmax Softmax LogSoftmax Clip Cast CastLike QuantizeLinear DequantizeLinear EyeLike ' +
  'ScatterElements ScatterND Scatter RandomNormalLike RandomUniformLike Bernoulli ReverseSequence ' +
  'Dropout BatchNormalization LayerNormalization'
).split(' ')

/** Ops that broadcast all their inputs numpy-style. */
const BROADCASTING = (
  'Add Sub Mul Div Pow Mod And Or Xor Equal Greater Less GreaterOrEqual LessOrEqual BitShift ' +
  'BitwiseAnd BitwiseOr BitwiseXor PRelu Max Min Sum Mean Where'
).split(' ')

// -------------------------------------------------------------------------------------------------
// Convolution and pooling: X [N, C, D1 … Dn], W [M, C/group, k1 … kn]

function spatialParams(ctx: NodeContext, rank: number, kernel: readonly number[]) {
  const n = rank - 2
  const strides = attrInts(ctx.node, 'strides') ?? []
  const dilations = attrInts(ctx.node, 'dilations') ?? []
  const pads = attrInts(ctx.node, 'pads') ?? []
  const autoPad = attrString(ctx.node, 'auto_pad') ?? 'NOTSET'
  return Array.from({ length: n }, (_, i) => ({
    kernel: kernel[i] ?? 1,
    stride: strides[i] ?? 1,
    dilation: dilations[i] ?? 1,
    padBegin: pads[i] ?? 0,
    padEnd: pads[i + n] ?? 0,
    autoPad,
  }))
}

/** Conv-like: x input index, w input index (QLinearConv has x at 0 and w at 3). */
function convShape(ctx: NodeContext, xIndex: number, wIndex: number): Shape | undefined {
  const x = ctx.shape(xIndex)
  const w = ctx.shape(wIndex)
  if (!x || x.length < 3) return undefined
  const kernel = attrInts(ctx.node, 'kernel_shape') ?? w?.slice(2).map((d) => (isKnown(d) ? d : NaN))
  if (!kernel || kernel.some(Number.isNaN))
    return [x[0] ?? null, w?.[0] ?? null, ...x.slice(2).map(() => null)]
  const spatial = spatialParams(ctx, x.length, kernel).map((p, i) =>
    windowOutputDim(x[i + 2] ?? null, { ...p, ceilMode: false }),
  )
  return [x[0] ?? null, w?.[0] ?? null, ...spatial]
}

function poolShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const kernel = attrInts(ctx.node, 'kernel_shape')
  if (!x || x.length < 3 || !kernel) return undefined
  const ceilMode = attrInt(ctx.node, 'ceil_mode') === 1
  const spatial = spatialParams(ctx, x.length, kernel).map((p, i) =>
    windowOutputDim(x[i + 2] ?? null, { ...p, ceilMode }),
  )
  return [x[0] ?? null, x[1] ?? null, ...spatial]
}

function convTransposeShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const w = ctx.shape(1)
  if (!x || x.length < 3) return undefined
  const group = attrInt(ctx.node, 'group') ?? 1
  const w1 = w?.[1]
  const channels = isKnown(w1) ? w1 * group : null
  const n = x.length - 2
  const outputShape = attrInts(ctx.node, 'output_shape')
  if (outputShape) return [x[0] ?? null, channels, ...outputShape.slice(-n)]
  const kernel = attrInts(ctx.node, 'kernel_shape') ?? w?.slice(2).map((d) => (isKnown(d) ? d : NaN))
  if (!kernel || kernel.some(Number.isNaN)) return [x[0] ?? null, channels, ...x.slice(2).map(() => null)]
  const outputPadding = attrInts(ctx.node, 'output_padding') ?? []
  const spatial = spatialParams(ctx, x.length, kernel).map((p, i) =>
    transposedOutputDim(x[i + 2] ?? null, { ...p, outputPadding: outputPadding[i] ?? 0 }),
  )
  return [x[0] ?? null, channels, ...spatial]
}

function globalPoolShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  return x && x.length >= 2 ? [x[0] ?? null, x[1] ?? null, ...x.slice(2).map(() => 1)] : undefined
}

// -------------------------------------------------------------------------------------------------
// Matrix products

/** numpy matmul: A [..., M, K] x B [..., K, N] -> [..., M, N]; 1-D operands get a dim added then removed. */
export function matmulShape(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined
  const a2 = a.length === 1 ? [1, ...a] : a
  const b2 = b.length === 1 ? [...b, 1] : b
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)])
  const out: Shape = [...batch]
  if (a.length > 1) out.push(a2[a2.length - 2] ?? null)
  if (b.length > 1) out.push(b2[b2.length - 1] ?? null)
  return out
}

function gemmShape(ctx: NodeContext): Shape | undefined {
  const a = ctx.shape(0)
  const b = ctx.shape(1)
  if (!a || !b || a.length !== 2 || b.length !== 2) return undefined
  const m = attrInt(ctx.node, 'transA') === 1 ? a[1] : a[0]
  const n = attrInt(ctx.node, 'transB') === 1 ? b[0] : b[1]
  return [m ?? null, n ?? null]
}

// -------------------------------------------------------------------------------------------------
// Layout ops

function concatShape(ctx: NodeContext): Shape | undefined {
  const shapes: Shape[] = []
  for (let i = 0; i < ctx.node.inputs.length; i++) {
    const s = ctx.shape(i)
    if (!s) return undefined
    shapes.push(s)
  }
  const first = shapes[0]
  if (!first) return undefined
  const axis = normalizeAxis(attrInt(ctx.node, 'axis') ?? 0, first.length)
  if (axis === undefined) return undefined
  const out = first.map((d, i) => {
    if (i === axis) return dimSum(shapes.map((s) => s[i] ?? null))
    // Any operand that knows the dim tells it for all.
    const known = shapes.map((s) => s[i]).find(isKnown)
    return known ?? d
  })
  return out
}

function dimSum(dims: Dim[]): Dim {
  let sum = 0
  for (const d of dims) {
    if (!isKnown(d)) return dims.length === 1 ? d : null
    sum += d
  }
  return sum
}

/** Reshape with a constant target: 0 copies the input dim (unless allowzero), -1 takes what is left. */
export function reshapeShape(
  input: Shape | undefined,
  target: readonly Dim[],
  allowZero: boolean,
): Shape | undefined {
  const out: Dim[] = target.map((t, i) => {
    if (t === 0 && !allowZero) return input ? (input[i] ?? null) : null
    return t === -1 ? -1 : t
  })
  const inferAt = out.indexOf(-1)
  if (inferAt < 0) return out
  out[inferAt] = input
    ? inferredReshapeDim(
        input,
        out.filter((_, i) => i !== inferAt),
      )
    : null
  return out
}

/** The -1 of a Reshape: input elements / other output dims, cancelling equal symbols on both sides. */
function inferredReshapeDim(input: Shape, others: readonly Dim[]): Dim {
  const inSide = splitProduct(input)
  const outSide = splitProduct(others)
  if (!inSide || !outSide) return null
  for (const s of outSide.symbols) {
    const k = inSide.symbols.indexOf(s)
    if (k < 0) return null
    inSide.symbols.splice(k, 1)
  }
  if (outSide.number === 0 || inSide.number % outSide.number !== 0) return null
  const n = inSide.number / outSide.number
  if (inSide.symbols.length === 0) return n
  return inSide.symbols.length === 1 && n === 1 ? (inSide.symbols[0] ?? null) : null
}

function splitProduct(dims: readonly Dim[]): { number: number; symbols: string[] } | undefined {
  let number = 1
  const symbols: string[] = []
  for (const d of dims) {
    if (d === null) return undefined
    if (typeof d === 'string') symbols.push(d)
    else number *= d
  }
  return { number, symbols }
}

function transposeShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  if (!x) return undefined
  const perm = attrInts(ctx.node, 'perm') ?? x.map((_, i) => x.length - 1 - i)
  return perm.map((p) => x[p] ?? null)
}

function flattenShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  if (!x) return undefined
  const raw = attrInt(ctx.node, 'axis') ?? 1
  const axis = raw < 0 ? raw + x.length : raw
  if (axis < 0 || axis > x.length) return undefined
  return [dimProduct(x.slice(0, axis)), dimProduct(x.slice(axis))]
}

/** Axes from the attribute (older opsets) or from input `inputIndex` (newer opsets). */
function axesOf(ctx: NodeContext, inputIndex: number): number[] | undefined {
  const fromAttr = attrInts(ctx.node, 'axes')
  if (fromAttr) return fromAttr
  return ctx.hasInput(inputIndex) ? numericData(ctx.value(inputIndex)) : undefined
}

function squeezeShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  if (!x) return undefined
  if (!findAttribute(ctx.node, 'axes') && !ctx.hasInput(1)) return x.filter((d) => d !== 1)
  const axes = axesOf(ctx, 1)
  if (!axes) return undefined
  const drop = new Set(axes.map((a) => normalizeAxis(a, x.length)))
  return x.filter((_, i) => !drop.has(i))
}

function unsqueezeShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const axes = axesOf(ctx, 1)
  if (!x || !axes) return undefined
  const rank = x.length + axes.length
  const at = new Set(axes.map((a) => normalizeAxis(a, rank)))
  const out: Shape = []
  let next = 0
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : (x[next++] ?? null))
  return out
}

/** Slice: starts/ends/axes/steps as attributes (opset < 10) or constant inputs 1–4. */
export function sliceParams(
  ctx: NodeContext,
): { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] } | undefined {
  const attrStarts = attrInts(ctx.node, 'starts')
  if (attrStarts) {
    const ends = attrInts(ctx.node, 'ends')
    const axes = attrInts(ctx.node, 'axes')
    return ends ? { starts: attrStarts, ends, ...(axes ? { axes } : {}) } : undefined
  }
  const starts = numericData(ctx.value(1))
  const ends = numericData(ctx.value(2))
  if (!starts || !ends) return undefined
  const axes = ctx.hasInput(3) ? numericData(ctx.value(3)) : undefined
  const steps = ctx.hasInput(4) ? numericData(ctx.value(4)) : undefined
  if ((ctx.hasInput(3) && !axes) || (ctx.hasInput(4) && !steps)) return undefined
  return { starts, ends, ...(axes ? { axes } : {}), ...(steps ? { steps } : {}) }
}

function sliceShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const p = sliceParams(ctx)
  if (!x || !p) return undefined
  const out = [...x]
  for (let k = 0; k < p.starts.length; k++) {
    const axis = normalizeAxis(p.axes?.[k] ?? k, x.length)
    if (axis === undefined) return undefined
    out[axis] = sliceDim(x[axis] ?? null, p.starts[k] ?? 0, p.ends[k] ?? 0, p.steps?.[k] ?? 1)
  }
  return out
}

function splitShape(ctx: NodeContext): Array<Shape | undefined> {
  const x = ctx.shape(0)
  const count = ctx.node.outputs.length
  const none = ctx.node.outputs.map(() => undefined)
  if (!x) return none
  const axis = normalizeAxis(attrInt(ctx.node, 'axis') ?? 0, x.length)
  if (axis === undefined) return none
  const dim = x[axis] ?? null
  const sizes = attrInts(ctx.node, 'split') ?? (ctx.hasInput(1) ? numericData(ctx.value(1)) : undefined)
  const parts: Dim[] = sizes ?? evenSplit(dim, count)
  return parts.map((size) => x.map((d, i) => (i === axis ? size : d)))
}

/** Split into `count` parts: equal, or (opset 18) ceil-sized with a smaller last part. */
function evenSplit(dim: Dim, count: number): Dim[] {
  if (!isKnown(dim) || count === 0) return Array.from({ length: count }, () => null)
  const chunk = Math.ceil(dim / count)
  return Array.from({ length: count }, (_, i) => Math.max(0, Math.min(chunk, dim - chunk * i)))
}

/** Resize (opset 10: X, scales; 11+: X, roi, scales, sizes; 18+: axes, keep_aspect_ratio_policy). */
function resizeShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  if (!x) return undefined
  const scalesIndex = ctx.opset < 11 ? 1 : 2
  const sizes = ctx.opset >= 11 && ctx.hasInput(3) ? ctx.value(3) : undefined
  const axes = attrInts(ctx.node, 'axes')?.map((a) => normalizeAxis(a, x.length) ?? -1) ?? x.map((_, i) => i)
  if (sizes && sizes.data.length > 0)
    return resizeBySizes(x, sizes.data, axes, attrString(ctx.node, 'keep_aspect_ratio_policy'))
  const scales = ctx.hasInput(scalesIndex) ? numericData(ctx.value(scalesIndex)) : undefined
  return scales && scales.length > 0 ? scaleShape(x, scales, axes) : undefined
}

function resizeBySizes(x: Shape, sizes: readonly Dim[], axes: readonly number[], policy = 'stretch'): Shape {
  const out = [...x]
  if (policy === 'not_larger' || policy === 'not_smaller') {
    const ratios = axes.map((a, k) => {
      const s = sizes[k]
      const d = x[a]
      return isKnown(s) && isKnown(d) ? s / d : NaN
    })
    const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios)
    for (const a of axes) {
      const d = x[a]
      out[a] = isKnown(d) && Number.isFinite(scale) ? Math.round(d * scale) : null
    }
    return out
  }
  axes.forEach((a, k) => {
    out[a] = sizes[k] ?? null
  })
  return out
}

/** out = floor(in * scale), per axis; a scale of 1 keeps a symbolic dim. */
function scaleShape(x: Shape, scales: readonly number[], axes: readonly number[]): Shape {
  const out = [...x]
  axes.forEach((a, k) => {
    const d = x[a] ?? null
    const s = scales[k] ?? 1
    out[a] = isKnown(d) ? Math.floor(d * s) : s === 1 ? d : null
  })
  return out
}

function upsampleShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const scales = attrFloats(ctx.node, 'scales') ?? numericData(ctx.value(1))
  return x && scales
    ? scaleShape(
        x,
        scales,
        x.map((_, i) => i),
      )
    : undefined
}

/** Pad: pads attribute (opset < 11) or input 1 ([x1_begin, x2_begin …, x1_end, x2_end …]); axes input 3 (opset 18). */
function padShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const pads = attrInts(ctx.node, 'pads') ?? attrInts(ctx.node, 'paddings') ?? numericData(ctx.value(1))
  if (!x || !pads) return undefined
  const axes = ctx.hasInput(3)
    ? numericData(ctx.value(3))?.map((a) => normalizeAxis(a, x.length) ?? -1)
    : x.map((_, i) => i)
  if (!axes) return undefined
  const out = [...x]
  axes.forEach((a, k) => {
    const d = x[a] ?? null
    const extra = (pads[k] ?? 0) + (pads[k + axes.length] ?? 0)
    out[a] = isKnown(d) ? d + extra : extra === 0 ? d : null
  })
  return out
}

function shapeOpShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  if (!x) return undefined
  const [start, end] = shapeOpRange(ctx, x.length)
  return [Math.max(0, end - start)]
}

/** Shape's start/end attributes (opset 15), clamped to [0, rank]. */
export function shapeOpRange(ctx: NodeContext, rank: number): [number, number] {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank)
  return [clamp(attrInt(ctx.node, 'start') ?? 0), clamp(attrInt(ctx.node, 'end') ?? rank)]
}

function gatherShape(ctx: NodeContext): Shape | undefined {
  const data = ctx.shape(0)
  const indices = ctx.shape(1)
  if (!data || !indices) return undefined
  const axis = normalizeAxis(attrInt(ctx.node, 'axis') ?? 0, data.length)
  if (axis === undefined) return undefined
  return [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)]
}

function expandShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const target = ctx.value(1)
  return x && target ? broadcastShapes([x, target.data]) : undefined
}

function tileShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const repeats = numericData(ctx.value(1))
  if (!x || !repeats) return undefined
  return x.map((d, i) => {
    const r = repeats[i] ?? 1
    return isKnown(d) ? d * r : r === 1 ? d : null
  })
}

function constantOfShapeShape(ctx: NodeContext): Shape | undefined {
  return ctx.value(0)?.data.slice()
}

function reduceShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  if (!x) return undefined
  const keep = (attrInt(ctx.node, 'keepdims') ?? 1) === 1
  let axes = attrInts(ctx.node, 'axes')
  if (!axes && ctx.hasInput(1)) {
    axes = numericData(ctx.value(1))
    if (!axes) return undefined
  }
  if (!axes || axes.length === 0) {
    if (attrInt(ctx.node, 'noop_with_empty_axes') === 1) return x
    axes = x.map((_, i) => i)
  }
  const reduced = new Set(axes.map((a) => normalizeAxis(a, x.length)))
  return keep ? x.map((d, i) => (reduced.has(i) ? 1 : d)) : x.filter((_, i) => !reduced.has(i))
}

function argReduceShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  if (!x) return undefined
  const axis = normalizeAxis(attrInt(ctx.node, 'axis') ?? 0, x.length)
  const keep = (attrInt(ctx.node, 'keepdims') ?? 1) === 1
  return keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis)
}

function topKShapes(ctx: NodeContext): Array<Shape | undefined> {
  const x = ctx.shape(0)
  const k = attrInt(ctx.node, 'k') ?? numericData(ctx.value(1))?.[0]
  if (!x) return [undefined, undefined]
  const axis = normalizeAxis(attrInt(ctx.node, 'axis') ?? -1, x.length)
  const out = x.map((d, i) => (i === axis ? (k ?? null) : d))
  return [out, [...out]]
}

function depthToSpaceShape(ctx: NodeContext, toSpace: boolean): Shape | undefined {
  const x = ctx.shape(0)
  const b = attrInt(ctx.node, 'blocksize')
  if (!x || x.length !== 4 || !b) return undefined
  const [n, c, h, w] = x as [Dim, Dim, Dim, Dim]
  const f = (d: Dim, k: number) => (isKnown(d) ? (k > 0 ? d * k : d / -k) : null)
  return toSpace ? [n, f(c, -(b * b)), f(h, b), f(w, b)] : [n, f(c, b * b), f(h, -b), f(w, -b)]
}

function rangeShape(ctx: NodeContext): Shape | undefined {
  const [start, limit, delta] = [0, 1, 2].map((i) => numericData(ctx.value(i))?.[0])
  if (start === undefined || limit === undefined || delta === undefined || delta === 0) return [null]
  return [Math.max(Math.ceil((limit - start) / delta), 0)]
}

function constantShape(ctx: NodeContext): Shape | undefined {
  const node = ctx.node
  const value = findAttribute(node, 'value')
  if (value?.t) return value.t.dims.slice()
  if (
    findAttribute(node, 'value_float') ||
    findAttribute(node, 'value_int') ||
    findAttribute(node, 'value_string')
  )
    return []
  const list =
    findAttribute(node, 'value_floats') ??
    findAttribute(node, 'value_ints') ??
    findAttribute(node, 'value_strings')
  if (list) return [list.floats.length + list.ints.length + list.strings.length]
  return undefined
}

function gridSampleShape(ctx: NodeContext): Shape | undefined {
  const x = ctx.shape(0)
  const grid = ctx.shape(1)
  if (!x || !grid || grid.length < 3) return undefined
  return [x[0] ?? null, x[1] ?? null, ...grid.slice(1, -1)]
}

// -------------------------------------------------------------------------------------------------

const one =
  (f: (ctx: NodeContext) => Shape | undefined): ShapeRule =>
  (ctx) => [f(ctx)]

/** Every output shaped like input `index`. */
const likeInput =
  (index: number): ShapeRule =>
  (ctx) =>
    ctx.node.outputs.map(() => ctx.shape(index))

const broadcastInputs =
  (indices?: number[]): ShapeRule =>
  (ctx) => {
    const which = indices ?? ctx.node.inputs.map((_, i) => i)
    const shapes = which.map((i) => ctx.shape(i))
    return [shapes.every((s): s is Shape => s !== undefined) ? broadcastShapes(shapes) : undefined]
  }

function buildRules(): Map<string, ShapeRule> {
  const rules = new Map<string, ShapeRule>()
  // Only output 0 is shaped like the input (BatchNormalization's training outputs are [C]); Dropout's mask too.
  for (const op of SAME_AS_INPUT)
    rules.set(
      op,
      one((c) => c.shape(0)),
    )
  rules.set('Dropout', likeInput(0))
  for (const op of BROADCASTING) rules.set(op, broadcastInputs())
  const set = (op: string, rule: ShapeRule) => rules.set(op, rule)
  set(
    'Conv',
    one((c) => convShape(c, 0, 1)),
  )
  set(
    'ConvInteger',
    one((c) => convShape(c, 0, 1)),
  )
  set(
    'QLinearConv',
    one((c) => convShape(c, 0, 3)),
  )
  set('ConvTranspose', one(convTransposeShape))
  for (const op of ['MaxPool', 'AveragePool', 'LpPool'])
    set(op, (c) => c.node.outputs.map(() => poolShape(c)))
  for (const op of ['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']) set(op, one(globalPoolShape))
  set(
    'MatMul',
    one((c) => matmulShape(c.shape(0), c.shape(1))),
  )
  set(
    'MatMulInteger',
    one((c) => matmulShape(c.shape(0), c.shape(1))),
  )
  set(
    'QLinearMatMul',
    one((c) => matmulShape(c.shape(0), c.shape(3))),
  )
  set('Gemm', one(gemmShape))
  set('Concat', one(concatShape))
  set(
    'Reshape',
    one((c) => {
      const target = c.value(1)
      return target ? reshapeShape(c.shape(0), target.data, attrInt(c.node, 'allowzero') === 1) : undefined
    }),
  )
  set('Transpose', one(transposeShape))
  set('Flatten', one(flattenShape))
  set('Squeeze', one(squeezeShape))
  set('Unsqueeze', one(unsqueezeShape))
  set('Slice', one(sliceShape))
  set('Split', splitShape)
  set('Resize', one(resizeShape))
  set('Upsample', one(upsampleShape))
  set('Pad', one(padShape))
  set('Shape', one(shapeOpShape))
  set('Size', () => [[]])
  set('Gather', one(gatherShape))
  set(
    'GatherElements',
    one((c) => c.shape(1)),
  )
  set('Expand', one(expandShape))
  set('Tile', one(tileShape))
  set('ConstantOfShape', one(constantOfShapeShape))
  set('Constant', one(constantShape))
  set('Range', one(rangeShape))
  const reductions = 'ReduceMean ReduceSum ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum'
  for (const op of [...reductions.split(' '), 'ReduceLogSumExp', 'ReduceSumSquare']) set(op, one(reduceShape))
  set('ArgMax', one(argReduceShape))
  set('ArgMin', one(argReduceShape))
  set('TopK', topKShapes)
  set(
    'DepthToSpace',
    one((c) => depthToSpaceShape(c, true)),
  )
  set(
    'SpaceToDepth',
    one((c) => depthToSpaceShape(c, false)),
  )
  set(
    'NonZero',
    one((c) => {
      const x = c.shape(0)
      return x ? [x.length, null] : undefined
    }),
  )
  set('NonMaxSuppression', () => [[null, 3]])
  set('GridSample', one(gridSampleShape))
  set('DynamicQuantizeLinear', (c) => [c.shape(0), [], []])
  // com.microsoft quantized operators (onnxruntime's QOperator format).
  set('com.microsoft:QLinearAdd', broadcastInputs([0, 3]))
  set('com.microsoft:QLinearMul', broadcastInputs([0, 3]))
  set('com.microsoft:QLinearSigmoid', likeInput(0))
  set('com.microsoft:QLinearLeakyRelu', likeInput(0))
  set('com.microsoft:QLinearAveragePool', one(poolShape))
  set(
    'com.microsoft:QLinearGlobalAveragePool',
    one((c) => {
      const x = c.shape(0)
      if (!x || attrInt(c.node, 'channels_last') !== 1) return globalPoolShape(c)
      return [x[0] ?? null, ...x.slice(1, -1).map(() => 1), x[x.length - 1] ?? null]
    }),
  )
  set('com.microsoft:QuantizeLinear', likeInput(0))
  set('com.microsoft:DequantizeLinear', likeInput(0))
  return rules
}

let rules: Map<string, ShapeRule> | undefined

/** The shape rule for `domain:Op` (or `Op` in the default domain), if we have one. */
export function shapeRuleFor(qualifiedOpType: string): ShapeRule | undefined {
  rules ??= buildRules()
  return rules.get(qualifiedOpType)
}
