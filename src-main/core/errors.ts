/**
 * Typed errors raised inside Quantscope. Each carries the boundary code it maps to; its message quotes
 * the bad value and says what to do. `api/dispatch.ts` turns them into `Result` errors; anything else
 * thrown is a bug and is reported as INTERNAL.
 */
import type { ErrorCode } from '../shared/result'

export abstract class QuantscopeError extends Error {
  abstract readonly code: ErrorCode
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Bytes that claim to be ONNX but cannot be decoded, or decode to something that is not a model. */
export class OnnxParseError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** A model that refers to external data which is missing or too short. */
export class ExternalDataError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** A dataset (COCO JSON, data.yaml, YOLO labels) or a detections file that is malformed: the message names file and line or key. */
export class DatasetError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** A Hailo HEF whose container header or protobuf cannot be read (bad magic, sizes, truncated). */
export class HefParseError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** A Hailo HAR (tar), its metadata, an HN network JSON or an .npz weight index that cannot be read. */
export class HarParseError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** A Hailo `.alls` model script that cannot be read as text, or a recipe that cannot be written as one. */
export class AllsScriptError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** A Model Zoo NMS config JSON with a missing or out-of-range field. */
export class NmsConfigError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** Bytes of a format Quantscope does not open (a PNG renamed .onnx, say). */
export class UnsupportedFormatError extends QuantscopeError {
  readonly code = 'UNSUPPORTED_FORMAT' as const
}

/** An empty file, or one too short to be anything. */
export class EmptyFileError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
}

/** A path or stored record that does not exist. */
export class NotFoundError extends QuantscopeError {
  readonly code = 'NOT_FOUND' as const
}

/** The operating system refused: a directory where a file was expected, no permission … */
export class FileAccessError extends QuantscopeError {
  readonly code = 'IO' as const
}

/** The workspace database refused (locked, read-only, newer schema than this build knows). */
export class StoreError extends QuantscopeError {
  readonly code = 'STORE' as const
}

/**
 * Model outputs whose names and shapes match no decoder Quantscope has (or not the one asked for): the
 * message lists every output with its shape and the `--decoder` choices.
 */
export class DecodeError extends QuantscopeError {
  readonly code = 'UNSUPPORTED_FORMAT' as const
}

/** Arguments that fail validation (also used by the CLI for bad flags). */
export class InvalidArgumentError extends QuantscopeError {
  readonly code = 'INVALID_ARGUMENT' as const
}

/** Quote a user-supplied value in a message: JSON-escaped and cut to a readable length. */
export function quote(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : String(value)
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return JSON.stringify(cut)
}

/** Why a picture could not be decoded (a run records it per image and goes on). */
export type ImageDecodeReason = 'empty' | 'truncated' | 'not-an-image' | 'unsupported' | 'corrupt'

/** A picture that cannot be decoded: zero bytes, cut short, not an image at all, or a variant not supported. */
export class ImageDecodeError extends QuantscopeError {
  readonly code = 'BAD_FILE' as const
  constructor(
    message: string,
    readonly reason: ImageDecodeReason,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A library error's message for our own: one line (JSON.parse quotes the text, newlines and all), cut short. */
export function reasonOf(err: unknown, max = 160): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim()
  return text.length > max ? `${text.slice(0, max)}…` : text
}
