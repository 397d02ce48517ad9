/**
 * The bad inputs every "open a model" path must survive (issue 2): each written to `dir`, returned by name.
 * Random bytes come from a fixed-seed generator so a failure reproduces.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(__dirname, '..', '..')
export const sharedFixtures = resolve(repoRoot, '..', 'shared', 'fixtures')
export const yoloxNano = join(sharedFixtures, 'models', 'yolox_nano.onnx')
export const nanodetM = join(sharedFixtures, 'models', 'nanodet_m.onnx')
export const externalDataModel = join(repoRoot, 'test', 'fixtures', 'models', 'external.onnx')

/** xorshift32: deterministic bytes. */
export function seededBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/** A real 1×1 PNG (the signature, IHDR, IDAT, IEND). */
export const tinyPng = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201' +
    'b7e3a4a50000000049454e44ae426082',
  'hex',
)

export interface BadFiles {
  empty: string
  random: string
  pngRenamed: string
  truncated: string
  missingExternal: string
  nonexistent: string
  directory: string
}

export function writeBadFiles(dir: string): BadFiles {
  const files: BadFiles = {
    empty: join(dir, 'empty.onnx'),
    random: join(dir, 'random.onnx'),
    pngRenamed: join(dir, 'picture.onnx'),
    truncated: join(dir, 'truncated.onnx'),
    missingExternal: join(dir, 'external-only', 'external.onnx'),
    nonexistent: join(dir, 'does-not-exist.onnx'),
    directory: join(dir, 'a-folder.onnx'),
  }
  writeFileSync(files.empty, new Uint8Array(0))
  writeFileSync(files.random, seededBytes(4096))
  writeFileSync(files.pngRenamed, tinyPng)
  const full = readFileSync(yoloxNano)
  writeFileSync(files.truncated, full.subarray(0, Math.floor(full.length / 2)))
  mkdirSync(join(dir, 'external-only'))
  copyFileSync(externalDataModel, files.missingExternal) // without its .bin beside it
  mkdirSync(files.directory)
  return files
}
