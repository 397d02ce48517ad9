/** What crosses every process boundary: a value, or an error the user can read. Never a thrown exception. */
export type ErrorCode =
  | 'INVALID_ARGUMENT' // the caller sent arguments that fail validation
  | 'NOT_FOUND' // a path or a stored record does not exist
  | 'BAD_FILE' // the file exists but is empty, truncated, corrupt or incomplete
  | 'UNSUPPORTED_FORMAT' // the file is readable but not a format Quantscope opens
  | 'IO' // the operating system refused (permissions, directory given, disk full)
  | 'STORE' // the workspace database refused
  | 'UNAUTHORIZED' // `serve` only: missing or wrong token
  | 'INTERNAL' // a bug: the message says so

export interface ApiError {
  code: ErrorCode
  message: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } }
}
