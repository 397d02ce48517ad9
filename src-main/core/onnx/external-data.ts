/**
 * External data (tensors stored in files next to the .onnx, as `onnx.save(..., save_as_external_data=True)`
 * writes for models over 2 GB): every location must be a relative path inside the model's folder, the
 * file must exist, and each tensor's [offset, offset + length) must fit in it. Checked through the host,
 * which only reports sizes; the data itself is never read here.
 */
import type { ExternalDataSummary } from '../../shared/model-summary'
import { ExternalDataError, quote } from '../errors'
import type { ModelFileHost } from '../formats/model-format'
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxTensor } from './onnx-model'
import { expectedRawBytes } from './onnx-tensor'

const REEXPORT = 're-export with all tensors inside'

/** Every tensor in the model: initializers, sparse parts, attribute tensors, recursively in subgraphs and functions. */
export function* allTensors(model: OnnxModel): Generator<OnnxTensor> {
  yield* graphTensors(model.graph)
  for (const f of model.functions) for (const n of f.nodes) yield* nodeTensors(n)
}

function* graphTensors(graph: OnnxGraph): Generator<OnnxTensor> {
  yield* graph.initializers
  for (const s of graph.sparseInitializers) {
    if (s.values) yield s.values
    if (s.indices) yield s.indices
  }
  for (const n of graph.nodes) yield* nodeTensors(n)
}

function* nodeTensors(node: OnnxNode): Generator<OnnxTensor> {
  for (const a of node.attributes) {
    if (a.t) yield a.t
    yield* a.tensors
    if (a.g) yield* graphTensors(a.g)
    for (const g of a.graphs) yield* graphTensors(g)
  }
}

/** Reject absolute paths and paths that climb out of the model's folder. */
export function checkLocation(location: string, tensorName: string): void {
  if (location === '') {
    throw new ExternalDataError(
      `tensor ${quote(tensorName)} is marked as external data but names no file (no "location" key); ${REEXPORT}`,
    )
  }
  const absolute = /^([\\/]|[A-Za-z]:)/.test(location) || location.includes('\0')
  let depth = 0
  let escapes = false
  for (const part of location.split(/[\\/]+/)) {
    if (part === '..') depth--
    else if (part !== '.' && part !== '') depth++
    if (depth < 0) escapes = true
  }
  if (absolute || escapes) {
    throw new ExternalDataError(
      `external data location ${quote(location)} of tensor ${quote(tensorName)} points outside the model's folder; ` +
        `Quantscope only reads external data stored beside the .onnx — move the file there and re-save the model ` +
        `with a relative location, or ${REEXPORT}`,
    )
  }
}

/** Validate every external tensor against the files beside the model; throws ExternalDataError. */
export function checkExternalData(model: OnnxModel, host: ModelFileHost): ExternalDataSummary {
  const sizes = new Map<string, number | null>()
  const files: string[] = []
  let bytes = 0
  for (const tensor of allTensors(model)) {
    const ext = tensor.external
    if (!ext) continue
    checkLocation(ext.location, tensor.name)
    if (!sizes.has(ext.location)) {
      sizes.set(ext.location, host.siblingSize(ext.location))
      files.push(ext.location)
    }
    const size = sizes.get(ext.location) ?? null
    bytes += checkRange(tensor, size)
  }
  return { files, bytes }
}

/** The tensor's byte range must lie inside its file; returns its length in bytes. */
function checkRange(tensor: OnnxTensor, fileSize: number | null): number {
  const ext = tensor.external
  if (!ext) return 0
  const file = quote(ext.location)
  const name = quote(tensor.name)
  if (fileSize === null) {
    throw new ExternalDataError(
      `external data file ${file} named by tensor ${name} is missing next to the model; copy it beside the .onnx or ${REEXPORT}`,
    )
  }
  if (
    !Number.isSafeInteger(ext.offset) ||
    ext.offset < 0 ||
    (ext.length !== null && (!Number.isSafeInteger(ext.length) || ext.length < 0))
  ) {
    throw new ExternalDataError(
      `tensor ${name} has an invalid external_data offset or length (offset ${ext.offset}, length ${ext.length}); ${REEXPORT}`,
    )
  }
  const length = ext.length ?? fileSize - ext.offset
  const needed = expectedRawBytes(tensor.dataType, tensor.dims)
  if (ext.offset + length > fileSize || length < 0) {
    throw new ExternalDataError(
      `external data file ${file} is ${fileSize} bytes but tensor ${name} needs bytes ${ext.offset}..${ext.offset + Math.max(length, 0)} ` +
        `(offset ${ext.offset} + length ${Math.max(length, 0)}); the file is truncated or belongs to another export — ` +
        `copy the matching file beside the .onnx or ${REEXPORT}`,
    )
  }
  if (needed !== null && length < needed) {
    throw new ExternalDataError(
      `tensor ${name} needs ${needed} bytes (dims [${tensor.dims.join(', ')}]) but its external data in ${file} is only ` +
        `${length} bytes (offset ${ext.offset}); the file is truncated or belongs to another export — ` +
        `copy the matching file beside the .onnx or ${REEXPORT}`,
    )
  }
  return length
}
