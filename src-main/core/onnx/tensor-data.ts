/**
 * Float32 weights in and out of OnnxTensor, for graph transforms (BN folding, equalization). Raw data
 * is little-endian in ONNX; like onnxruntime-node, this assumes a little-endian host.
 */
import { InvalidArgumentError, quote } from '../errors'
import { DataType, elementCount } from './onnx-tensor'
import type { OnnxTensor } from './onnx-model'

/**
 * The values of a FLOAT tensor. A view when raw_data is 4-byte aligned (do not write to it: it aliases
 * the model bytes), a copy otherwise.
 */
export function float32Values(t: OnnxTensor): Float32Array {
  if (t.dataType !== DataType.FLOAT) {
    throw new InvalidArgumentError(`tensor ${quote(t.name)} is not float32 (data type ${t.dataType})`)
  }
  if (t.external) {
    throw new InvalidArgumentError(
      `tensor ${quote(t.name)} keeps its data in an external file; load the external data first`,
    )
  }
  const count = elementCount(t.dims)
  if (t.rawData) {
    if (t.rawData.byteLength !== count * 4) {
      throw new InvalidArgumentError(
        `tensor ${quote(t.name)} has ${t.rawData.byteLength} raw bytes for ${count} float32 values`,
      )
    }
    const raw = t.rawData
    if (raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, count)
    // Copied byte for byte (a Buffer's slice() would be a view, not a copy).
    const out = new Float32Array(count)
    new Uint8Array(out.buffer).set(raw)
    return out
  }
  if (t.floatData.length !== count) {
    throw new InvalidArgumentError(`tensor ${quote(t.name)} has ${t.floatData.length} values for ${count}`)
  }
  return Float32Array.from(t.floatData)
}

/** A FLOAT initializer whose raw_data is a view over `values` (no copy). */
export function float32Tensor(name: string, dims: readonly number[], values: Float32Array): OnnxTensor {
  return {
    name,
    dims: dims.slice(),
    dataType: DataType.FLOAT,
    external: null,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    stringData: [],
  }
}

/** An INT64 or INT32 initializer holding `values` (shape arithmetic folded to constants). */
export function integerTensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
  dataType: typeof DataType.INT64 | typeof DataType.INT32,
): OnnxTensor {
  const data =
    dataType === DataType.INT64 ? BigInt64Array.from(values, (v) => BigInt(v)) : Int32Array.from(values)
  return {
    name,
    dims: dims.slice(),
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
