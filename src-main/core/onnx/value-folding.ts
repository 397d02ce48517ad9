/**
 * Constant folding of the small tensors exporters compute shapes with: Shape -> Gather -> Unsqueeze ->
 * Concat -> Reshape, Constant, Cast, integer arithmetic, Slice, Range, ConstantOfShape. Values may hold
 * symbolic dims (from Shape of a symbolic input) which pass through gathers and concats unchanged.
 */
import type { Dim } from '../../shared/model-summary'
import { attrInt, findAttribute } from './onnx-model'
import type { KnownValue, NodeContext } from './node-context'
import { numericData } from './node-context'
import { DataType, elementCount, isIntegerType, MAX_READ_ELEMENTS, readTensorNumbers } from './onnx-tensor'
import { isKnown, normalizeAxis, sliceRange } from './dims'
import { shapeOpRange, sliceParams } from './shape-rules'

export type FoldRule = (
  ctx: NodeContext,
  outShape: Dim[] | undefined,
  outType: number | undefined,
) => KnownValue | undefined

/** Concrete dims of a folded output, or undefined when unknown or too large to hold. */
function concreteDims(shape: Dim[] | undefined): number[] | undefined {
  if (!shape || !shape.every(isKnown)) return undefined
  const dims = shape as number[]
  const count = elementCount(dims)
  return count >= 0 && count <= MAX_READ_ELEMENTS ? dims : undefined
}

function make(dims: number[], data: Dim[], elemType: number | undefined): KnownValue {
  return { dims, data, elemType: elemType ?? DataType.FLOAT }
}

// -------------------------------------------------------------------------------------------------

const constantFold: FoldRule = (ctx, _shape, type) => {
  const node = ctx.node
  const t = findAttribute(node, 'value')?.t
  if (t) {
    const data = readTensorNumbers(t)
    return data ? make(t.dims.slice(), data, t.dataType) : undefined
  }
  const f = findAttribute(node, 'value_float')?.f ?? findAttribute(node, 'value_int')?.i
  if (f !== undefined && f !== null) return make([], [f], type)
  const list = findAttribute(node, 'value_floats') ?? findAttribute(node, 'value_ints')
  if (list) {
    const data = list.floats.length > 0 ? list.floats : list.ints
    return make([data.length], data.slice(), type)
  }
  return undefined
}

/** Shape -> its dims, symbolic ones included (that is what makes dynamic-batch Reshapes resolvable). */
const shapeFold: FoldRule = (ctx) => {
  const x = ctx.shape(0)
  if (!x) return undefined
  const [start, end] = shapeOpRange(ctx, x.length)
  const data = x.slice(start, end)
  return make([data.length], data, DataType.INT64)
}

const sizeFold: FoldRule = (ctx) => {
  const x = ctx.shape(0)
  if (!x || !x.every(isKnown)) return undefined
  return make([], [elementCount(x as number[])], DataType.INT64)
}

/** Reshape-like ops (Identity, Unsqueeze, Squeeze, Reshape, Flatten): same data, new dims. */
const sameDataFold: FoldRule = (ctx, shape, type) => {
  const x = ctx.value(0)
  const dims = concreteDims(shape)
  return x && dims && elementCount(dims) === x.data.length
    ? make(dims, x.data.slice(), type ?? x.elemType)
    : undefined
}

const castFold: FoldRule = (ctx, shape, type) => {
  const x = ctx.value(0)
  if (!x || type === undefined) return undefined
  const data = x.data.map((d) => (isKnown(d) ? castNumber(d, type) : d))
  return make(concreteDims(shape) ?? x.dims.slice(), data, type)
}

function castNumber(v: number, type: number): number {
  if (type === DataType.BOOL) return v !== 0 ? 1 : 0
  return isIntegerType(type) ? Math.trunc(v) : v
}

const gatherFold: FoldRule = (ctx, shape, type) => {
  const data = ctx.value(0)
  const indices = numericData(ctx.value(1))
  const dims = concreteDims(shape)
  if (!data || !indices || !dims) return undefined
  const axis = normalizeAxis(attrInt(ctx.node, 'axis') ?? 0, data.dims.length)
  if (axis === undefined) return undefined
  const axisLen = data.dims[axis] ?? 0
  const outer = elementCount(data.dims.slice(0, axis))
  const inner = elementCount(data.dims.slice(axis + 1))
  const out: Dim[] = []
  for (let o = 0; o < outer; o++) {
    for (const raw of indices) {
      const idx = raw < 0 ? raw + axisLen : raw
      if (idx < 0 || idx >= axisLen) return undefined
      for (let k = 0; k < inner; k++) out.push(data.data[(o * axisLen + idx) * inner + k] ?? null)
    }
  }
  return make(dims, out, type ?? data.elemType)
}

const concatFold: FoldRule = (ctx, shape, type) => {
  const dims = concreteDims(shape)
  const values: KnownValue[] = []
  for (let i = 0; i < ctx.node.inputs.length; i++) {
    const v = ctx.value(i)
    if (!v) return undefined
    values.push(v)
  }
  const first = values[0]
  if (!dims || !first) return undefined
  const axis = normalizeAxis(attrInt(ctx.node, 'axis') ?? 0, dims.length)
  if (axis === undefined) return undefined
  const outer = elementCount(dims.slice(0, axis))
  const out: Dim[] = []
  for (let o = 0; o < outer; o++) {
    for (const v of values) {
      const chunk = elementCount(v.dims.slice(axis))
      out.push(...v.data.slice(o * chunk, (o + 1) * chunk))
    }
  }
  return out.length === elementCount(dims) ? make(dims, out, type ?? first.elemType) : undefined
}

/** Slice of a 1-D value (shape vectors); higher ranks are not folded. */
const sliceFold: FoldRule = (ctx, shape, type) => {
  const x = ctx.value(0)
  const p = sliceParams(ctx)
  const dims = concreteDims(shape)
  if (!x || !p || !dims || x.dims.length !== 1) return undefined
  const len = x.dims[0] ?? 0
  const step = p.steps?.[0] ?? 1
  if (step === 0) return undefined
  const { start, length } = sliceRange(len, p.starts[0] ?? 0, p.ends[0] ?? 0, step)
  const out = Array.from({ length }, (_, i) => x.data[start + i * step] ?? null)
  return make(dims, out, type ?? x.elemType)
}

const rangeFold: FoldRule = (ctx, shape, type) => {
  const [start, , delta] = [0, 1, 2].map((i) => numericData(ctx.value(i))?.[0])
  const dims = concreteDims(shape)
  if (start === undefined || delta === undefined || !dims) return undefined
  return make(
    dims,
    Array.from({ length: dims[0] ?? 0 }, (_, i) => start + i * delta),
    type,
  )
}

const constantOfShapeFold: FoldRule = (ctx, shape, type) => {
  const dims = concreteDims(shape)
  if (!dims) return undefined
  const t = findAttribute(ctx.node, 'value')?.t
  const fill = t ? (readTensorNumbers(t)?.[0] ?? 0) : 0
  return make(dims, new Array<Dim>(elementCount(dims)).fill(fill), type)
}

// -------------------------------------------------------------------------------------------------
// Elementwise folding with numpy broadcasting

type Binary = (a: number, b: number) => number

/** Symbol-preserving identities: x*1, x/1, x+0, x-0 keep a symbolic dim. */
function applySymbolic(op: string, a: Dim, b: Dim): Dim {
  if ((op === 'Mul' || op === 'Div') && b === 1) return a
  if (op === 'Mul' && a === 1) return b
  if ((op === 'Add' || op === 'Sub') && b === 0) return a
  if (op === 'Add' && a === 0) return b
  return null
}

const BINARY: Record<string, Binary> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => a ** b,
  Mod: (a, b) => a - b * Math.floor(a / b),
  Max: Math.max,
  Min: Math.min,
  Equal: (a, b) => (a === b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
  LessOrEqual: (a, b) => (a <= b ? 1 : 0),
  GreaterOrEqual: (a, b) => (a >= b ? 1 : 0),
  And: (a, b) => (a && b ? 1 : 0),
  Or: (a, b) => (a || b ? 1 : 0),
}

/** Index into a right-aligned broadcast operand for flat output index `flat`. */
function broadcastIndex(flat: number, outDims: readonly number[], inDims: readonly number[]): number {
  let index = 0
  let stride = 1
  let rest = flat
  for (let i = outDims.length - 1; i >= 0; i--) {
    const outDim = outDims[i] ?? 1
    const coord = rest % outDim
    rest = Math.floor(rest / outDim)
    const j = inDims.length - outDims.length + i
    if (j < 0) continue
    const inDim = inDims[j] ?? 1
    if (inDim !== 1) index += coord * stride
    stride *= inDim
  }
  return index
}

function binaryFold(op: string, fn: Binary): FoldRule {
  return (ctx, shape, type) => {
    const a = ctx.value(0)
    const b = a && ctx.value(1)
    const dims = concreteDims(shape)
    if (!a || !b || !dims) return undefined
    const integer = isIntegerType(a.elemType)
    const out: Dim[] = []
    for (let i = 0; i < elementCount(dims); i++) {
      const x = a.data[broadcastIndex(i, dims, a.dims)] ?? null
      const y = b.data[broadcastIndex(i, dims, b.dims)] ?? null
      if (isKnown(x) && isKnown(y)) {
        const r = fn(x, y)
        // ONNX integer Div truncates toward zero, as C does.
        out.push(integer && op === 'Div' ? Math.trunc(r) : r)
      } else out.push(applySymbolic(op, x, y))
    }
    return make(dims, out, type ?? a.elemType)
  }
}

const whereFold: FoldRule = (ctx, shape, type) => {
  const c = ctx.value(0)
  const x = c && ctx.value(1)
  const y = x && ctx.value(2)
  const dims = concreteDims(shape)
  if (!c || !x || !y || !dims) return undefined
  const out: Dim[] = []
  for (let i = 0; i < elementCount(dims); i++) {
    const cond = c.data[broadcastIndex(i, dims, c.dims)]
    if (!isKnown(cond)) return undefined
    const src = cond !== 0 ? x : y
    out.push(src.data[broadcastIndex(i, dims, src.dims)] ?? null)
  }
  return make(dims, out, type ?? x.elemType)
}

function unaryFold(fn: (v: number) => number): FoldRule {
  return (ctx, shape, type) => {
    const x = ctx.value(0)
    if (!x) return undefined
    return make(
      concreteDims(shape) ?? x.dims.slice(),
      x.data.map((d) => (isKnown(d) ? fn(d) : null)),
      type ?? x.elemType,
    )
  }
}

function buildFolds(): Map<string, FoldRule> {
  const folds = new Map<string, FoldRule>([
    ['Constant', constantFold],
    ['Shape', shapeFold],
    ['Size', sizeFold],
    ['Identity', sameDataFold],
    ['Unsqueeze', sameDataFold],
    ['Squeeze', sameDataFold],
    ['Reshape', sameDataFold],
    ['Flatten', sameDataFold],
    ['Cast', castFold],
    ['CastLike', castFold],
    ['Gather', gatherFold],
    ['Concat', concatFold],
    ['Slice', sliceFold],
    ['Range', rangeFold],
    ['ConstantOfShape', constantOfShapeFold],
    ['Where', whereFold],
    ['Neg', unaryFold((v) => -v)],
    ['Abs', unaryFold(Math.abs)],
    ['Floor', unaryFold(Math.floor)],
    ['Ceil', unaryFold(Math.ceil)],
    ['Sqrt', unaryFold(Math.sqrt)],
    ['Not', unaryFold((v) => (v ? 0 : 1))],
  ])
  for (const [op, fn] of Object.entries(BINARY)) folds.set(op, binaryFold(op, fn))
  return folds
}

let folds: Map<string, FoldRule> | undefined

export function foldRuleFor(qualifiedOpType: string): FoldRule | undefined {
  folds ??= buildFolds()
  return folds.get(qualifiedOpType)
}
