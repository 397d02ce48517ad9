/**
 * The model format readers Quantscope knows, and the one entry point that picks a reader for a file's
 * bytes. A file no reader claims gets a message naming what it looks like (a PNG, a ZIP …) and the
 * formats Quantscope opens. Readers are tried in order; each `match` is cheap and specific (ONNX
 * protobuf fields, the HEF magic, a tar header, HN JSON keys, an `.alls` command line).
 */
import type { ModelSummary } from '../../shared/model-summary'
import { EmptyFileError, QuantscopeError, UnsupportedFormatError, quote } from '../errors'
import type { ModelFileHost, ModelFormatReader } from './model-format'
import { onnxReader } from '../onnx/onnx-reader'
import { allsReader } from '../hailo/alls'
import { harReader } from '../hailo/har'
import { hefReader } from '../hailo/hef'
import { hnReader } from '../hailo/hn'

export const modelReaders: readonly ModelFormatReader[] = [
  onnxReader,
  hefReader,
  harReader,
  hnReader,
  allsReader,
]

/** Formats announced in messages. */
const OPENED_FORMATS =
  'ONNX (.onnx), Hailo HEF (.hef), Hailo archives (.har), Hailo network JSON (.hn) and Hailo model scripts (.alls)'

/** Shorter than this and not claimed by a reader: too short to be any model. */
const MIN_MODEL_BYTES = 16

/**
 * Pick the reader whose `match` claims the bytes and open them. Throws EmptyFileError (0 bytes),
 * UnsupportedFormatError (no reader claims them) or the reader's own errors, prefixed with the file name.
 */
export function openModelBytes(
  bytes: Uint8Array,
  host: ModelFileHost,
  fileNameForMessages: string,
): ModelSummary {
  const file = quote(fileNameForMessages)
  if (bytes.byteLength === 0) {
    throw new EmptyFileError(
      `file ${file} is empty (0 bytes); pick the exported model file itself, or export it again`,
    )
  }
  const reader = modelReaders.find((r) => r.match(bytes))
  if (!reader) {
    if (bytes.byteLength < MIN_MODEL_BYTES) {
      throw new EmptyFileError(
        `file ${file} is only ${bytes.byteLength} bytes, too short to be a model; pick the exported model file itself, or export it again`,
      )
    }
    const looks = describeBytes(bytes)
    throw new UnsupportedFormatError(
      `file ${file} is not a model Quantscope can open${looks ? `: it looks like ${looks}` : ''}; ` +
        `Quantscope opens ${OPENED_FORMATS} — export the model to ONNX, or open the file the Hailo tools wrote`,
    )
  }
  try {
    return reader.open(bytes, host)
  } catch (err) {
    throw withFileName(err, file)
  }
}

/** Same error class, message prefixed with the file name (readers do not know it). */
function withFileName(err: unknown, file: string): unknown {
  if (!(err instanceof QuantscopeError)) return err
  const ErrorClass = err.constructor as new (
    message: string,
    options?: { cause?: unknown },
  ) => QuantscopeError
  return new ErrorClass(`${file}: ${err.message}`, { cause: err })
}

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  return signature.every((b, i) => bytes[at + i] === b)
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0))
}

/** Well-known file signatures, checked in order. */
const SIGNATURES: ReadonlyArray<{ what: string; test: (b: Uint8Array) => boolean }> = [
  { what: 'a PNG image', test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { what: 'a JPEG image', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { what: 'a GIF image', test: (b) => startsWith(b, ascii('GIF8')) },
  { what: 'a WebP image', test: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  {
    what: 'a Hailo HEF (compiled for the device)',
    test: (b) => startsWith(b, [0x01, 0x48, 0x45, 0x46]),
  },
  {
    what: 'a ZIP archive (a PyTorch .pt checkpoint, .npz or .zip); export the model to ONNX first',
    test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]),
  },
  { what: 'a gzip-compressed file; decompress it first', test: (b) => startsWith(b, [0x1f, 0x8b]) },
  {
    what: 'a tar archive (a Hailo HAR is one, with a .metadata.json and a .hn inside)',
    test: (b) => startsWith(b, ascii('ustar'), 257),
  },
  { what: 'a PDF document', test: (b) => startsWith(b, ascii('%PDF')) },
  {
    what: 'an HDF5 file (a Keras .h5 model); export the model to ONNX first',
    test: (b) => startsWith(b, [0x89, 0x48, 0x44, 0x46]),
  },
  { what: 'a TensorFlow Lite model; Quantscope reads ONNX', test: (b) => startsWith(b, ascii('TFL3'), 4) },
  {
    what: 'a Python pickle (a PyTorch checkpoint); export the model to ONNX first',
    test: (b) => b[0] === 0x80 && (b[1] ?? 0) >= 2 && (b[1] ?? 0) <= 5,
  },
]

/** What the bytes look like, for an error message; undefined when unrecognizable. */
export function describeBytes(bytes: Uint8Array): string | undefined {
  const hit = SIGNATURES.find((s) => s.test(bytes))
  if (hit) return hit.what
  return describeText(bytes)
}

/** JSON, XML or other text, judged from the first 512 bytes. */
function describeText(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 512)
  const printable = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f))
  if (!printable) return undefined
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).trimStart()
  if (text.startsWith('{') || text.startsWith('['))
    return 'a JSON text file, but not a Hailo HN network (an HN has "name", "net_params" and "layers")'
  if (text.startsWith('<')) return 'an XML or HTML text file (an OpenVINO IR .xml is not supported)'
  return 'a text file'
}
