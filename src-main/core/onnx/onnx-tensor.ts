/**
 * ONNX element types and tensor helpers: names, sizes, element counts, and reading the values of small
 * constant tensors (shapes, scales, axes) for shape inference. Never reads large weight data.
 */
import type { OnnxTensor } from './onnx-model'

/** TensorProto.DataType numbers used by name in the code. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const

interface ElemTypeInfo {
  name: string
  /** Storage size of one element in bits (4-bit types pack two per byte); 0 for strings. */
  bits: number
}

/** Index = TensorProto.DataType. Names follow numpy / onnxruntime (float32, not FLOAT). */
const ELEM_TYPES: readonly ElemTypeInfo[] = [
  { name: 'undefined', bits: 0 },
  { name: 'float32', bits: 32 },
  { name: 'uint8', bits: 8 },
  { name: 'int8', bits: 8 },
  { name: 'uint16', bits: 16 },
  { name: 'int16', bits: 16 },
  { name: 'int32', bits: 32 },
  { name: 'int64', bits: 64 },
  { name: 'string', bits: 0 },
  { name: 'bool', bits: 8 },
  { name: 'float16', bits: 16 },
  { name: 'float64', bits: 64 },
  { name: 'uint32', bits: 32 },
  { name: 'uint64', bits: 64 },
  { name: 'complex64', bits: 64 },
  { name: 'complex128', bits: 128 },
  { name: 'bfloat16', bits: 16 },
  { name: 'float8e4m3fn', bits: 8 },
  { name: 'float8e4m3fnuz', bits: 8 },
  { name: 'float8e5m2', bits: 8 },
  { name: 'float8e5m2fnuz', bits: 8 },
  { name: 'uint4', bits: 4 },
  { name: 'int4', bits: 4 },
  { name: 'float4e2m1', bits: 4 },
  { name: 'float8e8m0', bits: 8 },
  { name: 'uint2', bits: 2 },
  { name: 'int2', bits: 2 },
]

/** Lower-case element type name (`float32`, `uint8` …); `type<N>` for a number this build does not know. */
export function elemTypeName(dataType: number): string {
  return ELEM_TYPES[dataType]?.name ?? `type${dataType}`
}

/** Bits per element, or null for strings and unknown types (their size cannot be derived from dims). */
export function elemTypeBits(dataType: number): number | null {
  const bits = ELEM_TYPES[dataType]?.bits
  return bits === undefined || bits === 0 ? null : bits
}

export function isIntegerType(dataType: number): boolean {
  return (
    dataType === DataType.INT64 ||
    dataType === DataType.INT32 ||
    dataType === DataType.INT16 ||
    dataType === DataType.INT8 ||
    dataType === DataType.UINT8 ||
    dataType === DataType.UINT16 ||
    dataType === DataType.UINT32 ||
    dataType === DataType.UINT64 ||
    dataType === DataType.BOOL
  )
}

/** Number of elements of a tensor of these dims (1 for a scalar, dims = []). */
export function elementCount(dims: readonly number[]): number {
  let n = 1
  for (const d of dims) n *= d
  return n
}

/** Bytes the tensor's data needs when stored raw (little-endian, packed sub-byte types); null for strings. */
export function expectedRawBytes(dataType: number, dims: readonly number[]): number | null {
  const bits = elemTypeBits(dataType)
  return bits === null ? null : Math.ceil((elementCount(dims) * bits) / 8)
}

/** Bytes the tensor occupies in the file (inline) or in its external file. */
export function storedBytes(tensor: OnnxTensor): number {
  if (tensor.external) return tensor.external.length ?? 0
  if (tensor.rawData) return tensor.rawData.byteLength
  if (tensor.dataType === DataType.STRING) {
    let total = 0
    for (const s of tensor.stringData) total += s.byteLength
    return total
  }
  return expectedRawBytes(tensor.dataType, tensor.dims) ?? 0
}

/** Largest tensor whose values we read (shapes, axes, scales, pads, clip bounds are all far smaller). */
export const MAX_READ_ELEMENTS = 4096

/**
 * The values of a small inline numeric tensor, as JS numbers (int64 beyond 2^53 loses precision, which
 * is harmless for the INT64_MAX "to the end" markers of Slice). Null when the tensor is large, external,
 * or of a type we do not decode (strings, float16 …).
 */
export function readTensorNumbers(tensor: OnnxTensor): number[] | null {
  const count = elementCount(tensor.dims)
  if (tensor.external || !Number.isSafeInteger(count) || count < 0 || count > MAX_READ_ELEMENTS) return null
  const raw = tensor.rawData
  if (raw) return readRawNumbers(raw, tensor.dataType, count)
  const fromField = typedFieldNumbers(tensor)
  return fromField && fromField.length === count ? fromField : null
}

function typedFieldNumbers(tensor: OnnxTensor): number[] | null {
  switch (tensor.dataType) {
    case DataType.FLOAT:
      return tensor.floatData
    case DataType.DOUBLE:
      return tensor.doubleData
    case DataType.INT64:
      return tensor.int64Data
    case DataType.UINT32:
    case DataType.UINT64:
      return tensor.uint64Data
    case DataType.INT32:
    case DataType.INT16:
    case DataType.INT8:
    case DataType.UINT16:
    case DataType.UINT8:
    case DataType.BOOL:
      return tensor.int32Data
    default:
      return null
  }
}

function readRawNumbers(raw: Uint8Array, dataType: number, count: number): number[] | null {
  const bits = elemTypeBits(dataType)
  if (bits === null || raw.byteLength < (count * bits) / 8) return null
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const out = new Array<number>(count)
  for (let i = 0; i < count; i++) {
    const value = readRawElement(view, dataType, i)
    if (value === null) return null
    out[i] = value
  }
  return out
}

function readRawElement(view: DataView, dataType: number, i: number): number | null {
  switch (dataType) {
    case DataType.FLOAT:
      return view.getFloat32(i * 4, true)
    case DataType.DOUBLE:
      return view.getFloat64(i * 8, true)
    case DataType.INT64:
      return Number(view.getBigInt64(i * 8, true))
    case DataType.UINT64:
      return Number(view.getBigUint64(i * 8, true))
    case DataType.INT32:
      return view.getInt32(i * 4, true)
    case DataType.UINT32:
      return view.getUint32(i * 4, true)
    case DataType.INT16:
      return view.getInt16(i * 2, true)
    case DataType.UINT16:
      return view.getUint16(i * 2, true)
    case DataType.INT8:
      return view.getInt8(i)
    case DataType.UINT8:
    case DataType.BOOL:
      return view.getUint8(i)
    default:
      return null
  }
}
