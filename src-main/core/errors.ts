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
