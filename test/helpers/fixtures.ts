/**
 * Paths to test fixtures: the shared ones beside the repository (`../shared/fixtures`, real models and
 * datasets too large to commit) and the small ones committed under `test/fixtures`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is test/helpers/fixtures.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A path under ../shared/fixtures, e.g. sharedFixture('models', 'yolox_nano.onnx'). */
export function sharedFixture(...parts: string[]): string {
  return path.resolve(repoRoot, '../shared/fixtures', ...parts)
}

/** A path under test/fixtures, e.g. repoFixture('models', 'qdq.onnx'). */
export function repoFixture(...parts: string[]): string {
  return path.resolve(repoRoot, 'test/fixtures', ...parts)
}

/** A file's bytes as a plain Uint8Array (not a Buffer), as the app hands them to core. */
export function readBytes(file: string): Uint8Array {
  const buf = readFileSync(file)
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

/** A JSON fixture. */
export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}
