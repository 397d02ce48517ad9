import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openOnnx } from '../../../../src-main/core/onnx/onnx-reader'
import { checkLocation } from '../../../../src-main/core/onnx/external-data'
import { ExternalDataError } from '../../../../src-main/core/errors'
import { readBytes, readJson, repoFixture } from '../../../helpers/fixtures'
import { fsModelHost } from '../../../helpers/fs-model-host'
import { encodeModel, reluModel } from '../../../helpers/onnx-builder'

interface ExternalExpected {
  tensors: Record<string, { location: string; offset: number; length: number }>
  bytes: number
  binSize: number
}

const expected = readJson<ExternalExpected>(repoFixture('models', 'external.expected.json'))
let scratch = ''

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'quantscope-external-'))
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

/** Copy external.onnx into a fresh folder, with the .bin cut to `binBytes` (or left out when null). */
function stage(name: string, binBytes: number | null): string {
  const folder = path.join(scratch, name)
  const model = path.join(folder, 'external.onnx')
  mkdirSync(folder)
  copyFileSync(repoFixture('models', 'external.onnx'), model)
  if (binBytes !== null) {
    const bin = readFileSync(repoFixture('models', 'external.weights.bin'))
    writeFileSync(path.join(folder, 'external.weights.bin'), bin.subarray(0, binBytes))
  }
  return model
}

function externalError(modelPath: string): ExternalDataError {
  try {
    openOnnx(readBytes(modelPath), fsModelHost(modelPath))
  } catch (err) {
    expect(err).toBeInstanceOf(ExternalDataError)
    return err as ExternalDataError
  }
  throw new Error('expected ExternalDataError')
}

describe('external data', () => {
  it('opens a model whose weights sit in external.weights.bin, without reading the data', () => {
    const file = repoFixture('models', 'external.onnx')
    const s = openOnnx(readBytes(file), fsModelHost(file))
    expect(s.externalData).toEqual({ files: ['external.weights.bin'], bytes: expected.bytes })
    expect(s.parameters.initializerElements).toBe(4 * 3 * 3 * 3 + 4)
    expect(s.parameters.initializerBytes).toBe(expected.bytes)
    expect(s.macs.total).toBe(4 * 8 * 8 * 3 * 3 * 3)
  })

  it('missing file -> ExternalDataError naming the file and the tensor', () => {
    const err = externalError(stage('missing', null))
    expect(err.message).toBe(
      'external data file "external.weights.bin" named by tensor "conv1.weight" is missing next to the model; ' +
        'copy it beside the .onnx or re-export with all tensors inside',
    )
  })

  it("file too short for a tensor's offset + length -> ExternalDataError", () => {
    const { offset, length } = expected.tensors['conv1.bias'] ?? { offset: 0, length: 0 }
    const err = externalError(stage('short', expected.binSize - 1))
    expect(err.message).toContain(
      `external data file "external.weights.bin" is ${expected.binSize - 1} bytes`,
    )
    expect(err.message).toContain(`tensor "conv1.bias" needs bytes ${offset}..${offset + length}`)
    expect(err.message).toMatch(/truncated or belongs to another export/)
  })

  it('an empty external file -> ExternalDataError for the first tensor', () => {
    expect(externalError(stage('empty', 0)).message).toMatch(/is 0 bytes but tensor "conv1\.weight"/)
  })

  it('a location escaping the folder with .. -> ExternalDataError (before touching the file system)', () => {
    const err = externalError(repoFixture('models', 'external-escape.onnx'))
    expect(err.message).toMatch(
      /^external data location "\.\.\/external\.weights\.bin" of tensor "conv1\.weight" points outside the model's folder/,
    )
  })

  it('an absolute location -> ExternalDataError', () => {
    const err = externalError(repoFixture('models', 'external-absolute.onnx'))
    expect(err.message).toMatch(/location "\/tmp\/external\.weights\.bin" .* points outside/)
  })

  it('checkLocation accepts subfolders and rejects escapes, absolute and drive paths', () => {
    expect(() => checkLocation('weights/w.bin', 't')).not.toThrow()
    expect(() => checkLocation('./w.bin', 't')).not.toThrow()
    expect(() => checkLocation('sub/../w.bin', 't')).not.toThrow()
    for (const bad of [
      '../w.bin',
      'sub/../../w.bin',
      '/etc/passwd',
      'C:\\w.bin',
      '\\\\server\\share\\w.bin',
      '..\\w.bin',
      '',
    ]) {
      expect(() => checkLocation(bad, 't'), bad).toThrow(ExternalDataError)
    }
  })

  it('a tensor without length runs to the end of the file; too little data for its dims is rejected', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    graph['initializer'] = [
      {
        name: 'w',
        dims: [4, 4],
        dataType: 1,
        dataLocation: 1,
        externalData: [
          { key: 'location', value: 'w.bin' },
          { key: 'offset', value: '0' },
        ],
      },
    ]
    const bytes = encodeModel(model)
    const host = (size: number) => ({
      siblingSize: (location: string) => (location === 'w.bin' ? size : null),
    })
    expect(openOnnx(bytes, host(64)).externalData).toEqual({ files: ['w.bin'], bytes: 64 })
    expect(() => openOnnx(bytes, host(60))).toThrow(
      /tensor "w" needs 64 bytes \(dims \[4, 4\]\) but its external data in "w\.bin" is only 60 bytes/,
    )
  })
})
