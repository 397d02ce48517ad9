/**
 * The bad inputs every "open a model" path must survive (issue 2): each written to `dir`, returned by name.
 * Random bytes come from a fixed-seed generator so a failure reproduces.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoFixture, repoRoot, sharedFixture } from './fixtures'
import { seededBytes } from './onnx-builder'

export { repoRoot }
export const yoloxNano = sharedFixture('models', 'yolox_nano.onnx')
export const nanodetM = sharedFixture('models', 'nanodet_m.onnx')
export const externalDataModel = repoFixture('models', 'external.onnx')

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
  writeFileSync(files.random, seededBytes(0x9e3779b9, 4096))
  writeFileSync(files.pngRenamed, tinyPng)
  const full = readFileSync(yoloxNano)
  writeFileSync(files.truncated, full.subarray(0, Math.floor(full.length / 2)))
  mkdirSync(join(dir, 'external-only'))
  copyFileSync(externalDataModel, files.missingExternal) // without its .bin beside it
  mkdirSync(files.directory)
  return files
}
