/**
 * Reading model files from disk: the one place that turns a user's path into bytes, a hash and a host
 * for the pure readers (which may ask about sibling files such as ONNX external data).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { FileAccessError, NotFoundError, quote } from '../../core/errors'
import type { ModelFileHost } from '../../core/formats/model-format'

export interface ModelFile {
  /** Absolute, normalized. */
  path: string
  fileName: string
  bytes: Uint8Array
  sizeBytes: number
  /** Hex SHA-256 of the file's bytes. */
  sha256: string
  host: ModelFileHost
}

/** Protobuf (ONNX) cannot exceed 2 GiB, and nothing else we open is larger. */
export const MAX_MODEL_BYTES = 2 ** 31

function statOrThrow(path: string): Stats {
  try {
    return statSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new NotFoundError(`no file at ${quote(path)}; check the path and try again`, { cause: error })
    }
    throw new FileAccessError(`cannot read ${quote(path)}: ${code ?? (error as Error).message}`, {
      cause: error,
    })
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** A host that answers questions about files next to `modelPath`, refusing anything outside its folder. */
export function siblingHost(modelPath: string): ModelFileHost {
  const folder = dirname(modelPath)
  return {
    siblingSize(location: string): number | null {
      if (isAbsolute(location)) return null
      const target = resolve(folder, location)
      if (target !== folder && !target.startsWith(folder + sep)) return null
      try {
        const st = statSync(target)
        return st.isFile() ? st.size : null
      } catch {
        return null
      }
    },
  }
}

export function readModelFile(path: string): ModelFile {
  const abs = resolve(path)
  const st = statOrThrow(abs)
  if (st.isDirectory()) {
    throw new FileAccessError(`${quote(abs)} is a folder, not a model file; choose the .onnx file inside it`)
  }
  if (!st.isFile()) throw new FileAccessError(`${quote(abs)} is not a regular file; choose a model file`)
  if (st.size > MAX_MODEL_BYTES) {
    throw new FileAccessError(
      `${quote(abs)} is ${st.size} bytes, larger than the 2 GiB a model file can be; models this large keep their weights in external data files`,
    )
  }
  let bytes: Uint8Array
  try {
    bytes = readFileSync(abs)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new FileAccessError(
      `cannot read ${quote(abs)}: ${code ?? (error as Error).message}; check its permissions`,
      {
        cause: error,
      },
    )
  }
  return {
    path: abs,
    fileName: basename(abs),
    bytes,
    sizeBytes: bytes.byteLength,
    sha256: sha256Hex(bytes),
    host: siblingHost(abs),
  }
}

/**
 * Keep a copy of bytes that arrived without a path (a file dropped into a browser) under
 * `<importsDir>/<sha256 prefix>/<fileName>`, so the stored model has a real path. Same bytes, same path.
 */
export function saveImportedFile(importsDir: string, fileName: string, bytes: Uint8Array): string {
  const folder = join(importsDir, sha256Hex(bytes).slice(0, 16))
  const target = join(folder, basename(fileName))
  try {
    mkdirSync(folder, { recursive: true })
    writeFileSync(target, bytes)
  } catch (error) {
    throw new FileAccessError(
      `cannot save the dropped file ${quote(fileName)} into the workspace: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    )
  }
  return target
}
