/** The ONNX model format reader: sniff with `match`, decode and summarize with `open`. */
import type { ModelFileHost, ModelFormatReader } from '../formats/model-format'
import type { OnnxSummary } from '../../shared/model-summary'
import { decodeOnnxModel } from './onnx-model'
import { looksLikeOnnx } from './onnx-sniff'
import { summarizeOnnx } from './onnx-summary'

/** Decode ONNX bytes and summarize them; throws EmptyFileError, OnnxParseError or ExternalDataError. */
export function openOnnx(bytes: Uint8Array, host: ModelFileHost): OnnxSummary {
  return summarizeOnnx(decodeOnnxModel(bytes), host)
}

export const onnxReader = {
  format: 'onnx',
  extensions: ['.onnx'],
  match: looksLikeOnnx,
  open: openOnnx,
} as const satisfies ModelFormatReader
