/**
 * Element types of node outputs (TensorProto.DataType numbers). Needed to fold integer shape arithmetic
 * correctly (integer Div truncates) and to report types of inferred tensors.
 */
import { attrInt, findAttribute } from './onnx-model'
import type { NodeContext } from './node-context'
import { DataType } from './onnx-tensor'

const INT64_OUTPUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression'])
const BOOL_OUTPUT = new Set([
  'Equal',
  'Greater',
  'Less',
  'GreaterOrEqual',
  'LessOrEqual',
  'And',
  'Or',
  'Xor',
  'Not',
  'IsNaN',
  'IsInf',
])
const INT32_OUTPUT = new Set(['ConvInteger', 'MatMulInteger'])

/** One entry per output; undefined when unknown. */
export function outputElemTypes(ctx: NodeContext, qualifiedOpType: string): Array<number | undefined> {
  const { node } = ctx
  const first = firstOutputType(ctx, qualifiedOpType)
  if (qualifiedOpType === 'TopK') return [ctx.elemType(0), DataType.INT64]
  if (qualifiedOpType === 'DynamicQuantizeLinear') return [DataType.UINT8, DataType.FLOAT, DataType.UINT8]
  if (qualifiedOpType === 'MaxPool') return [first, DataType.INT64]
  if (qualifiedOpType === 'Dropout') return [first, DataType.BOOL]
  return node.outputs.map((_, i) => (i === 0 ? first : qualifiedOpType === 'Split' ? first : undefined))
}

function firstOutputType(ctx: NodeContext, op: string): number | undefined {
  const { node } = ctx
  if (INT64_OUTPUT.has(op)) return DataType.INT64
  if (BOOL_OUTPUT.has(op)) return DataType.BOOL
  if (INT32_OUTPUT.has(op)) return DataType.INT32
  switch (op) {
    case 'Cast':
      return attrInt(node, 'to')
    case 'CastLike':
      return ctx.elemType(1)
    case 'Constant':
      return constantType(ctx)
    case 'ConstantOfShape':
      return findAttribute(node, 'value')?.t?.dataType ?? DataType.FLOAT
    case 'QuantizeLinear':
    case 'com.microsoft:QuantizeLinear':
      return attrInt(node, 'output_dtype') || (ctx.hasInput(2) ? ctx.elemType(2) : DataType.UINT8)
    case 'DequantizeLinear':
    case 'com.microsoft:DequantizeLinear':
      return ctx.elemType(1) ?? DataType.FLOAT
    case 'QLinearConv':
    case 'QLinearMatMul':
      return ctx.elemType(7) ?? ctx.elemType(0)
    case 'Where':
      return ctx.elemType(1)
    default:
      return ctx.elemType(0)
  }
}

function constantType(ctx: NodeContext): number | undefined {
  const { node } = ctx
  const t = findAttribute(node, 'value')?.t
  if (t) return t.dataType
  if (findAttribute(node, 'value_float') || findAttribute(node, 'value_floats')) return DataType.FLOAT
  if (findAttribute(node, 'value_int') || findAttribute(node, 'value_ints')) return DataType.INT64
  if (findAttribute(node, 'value_string') || findAttribute(node, 'value_strings')) return DataType.STRING
  return undefined
}
