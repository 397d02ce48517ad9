import { describe, expect, it } from 'vitest'
import { describeBytes, modelReaders, openModelBytes } from '../../../../src-main/core/formats/registry'
import {
  EmptyFileError,
  ExternalDataError,
  HefParseError,
  OnnxParseError,
  UnsupportedFormatError,
} from '../../../../src-main/core/errors'
import { allsReader } from '../../../../src-main/core/hailo/alls'
import { harReader } from '../../../../src-main/core/hailo/har'
import { hefReader } from '../../../../src-main/core/hailo/hef'
import { hnReader } from '../../../../src-main/core/hailo/hn'
import { onnxReader } from '../../../../src-main/core/onnx/onnx-reader'
import type { HefSummary, OnnxSummary } from '../../../../src-main/shared/model-summary'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { fsModelHost, noSiblingsHost } from '../../../helpers/fs-model-host'
import { seededBytes } from '../../../helpers/onnx-builder'

const ascii = (s: string) => new TextEncoder().encode(s)
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0,
])

function errorOf(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a throw')
}

describe('modelReaders', () => {
  it('holds the ONNX and Hailo readers, ONNX first', () => {
    expect(modelReaders).toEqual([onnxReader, hefReader, harReader, hnReader, allsReader])
    expect(modelReaders.map((r) => r.format)).toEqual(['onnx', 'hef', 'har', 'hn', 'alls'])
    expect(onnxReader.extensions).toEqual(['.onnx'])
    expect(modelReaders.flatMap((r) => r.extensions)).toEqual(['.onnx', '.hef', '.har', '.hn', '.alls'])
  })

  it('each reader claims its own kind of bytes and no other', () => {
    const hef = readBytes(sharedFixture('hailo', 'yolov8n.hef')).subarray(0, 4096)
    const hn = ascii('{"name": "net", "net_params": {}, "layers": {}}')
    const alls = ascii('# script\nnormalization1 = normalization([0.0], [255.0])\n')
    const tar = new Uint8Array(1024)
    tar.set(ascii('x.hn'), 0)
    tar.set(ascii('ustar'), 257)
    const onnx = readBytes(sharedFixture('models', 'nanodet_m.onnx')).subarray(0, 4096)
    const claims = (bytes: Uint8Array) => modelReaders.filter((r) => r.match(bytes)).map((r) => r.format)
    expect(claims(hef)).toEqual(['hef'])
    expect(claims(hn)).toEqual(['hn'])
    expect(claims(alls)).toEqual(['alls'])
    expect(claims(tar)).toEqual(['har'])
    expect(claims(onnx)).toEqual(['onnx'])
    expect(claims(PNG)).toEqual([])
    expect(claims(ascii('{"nms_scores_th": 0.2}'))).toEqual([])
  })
})

describe('openModelBytes', () => {
  it('opens a real ONNX export', () => {
    const file = sharedFixture('models', 'nanodet_m.onnx')
    const summary = openModelBytes(readBytes(file), noSiblingsHost, 'nanodet_m.onnx')
    expect(summary.format).toBe('onnx')
    expect((summary as OnnxSummary).parameters.initializerElements).toBe(941_863)
  })

  it('empty -> EmptyFileError naming the file', () => {
    const err = errorOf(() => openModelBytes(new Uint8Array(), noSiblingsHost, 'x.onnx'))
    expect(err).toBeInstanceOf(EmptyFileError)
    expect(err.message).toMatch(/^file "x\.onnx" is empty \(0 bytes\); /)
  })

  it('a few stray bytes -> EmptyFileError (too short to be a model)', () => {
    const err = errorOf(() => openModelBytes(new Uint8Array([1, 2, 3]), noSiblingsHost, 'tiny.onnx'))
    expect(err).toBeInstanceOf(EmptyFileError)
    expect(err.message).toMatch(/only 3 bytes, too short/)
  })

  it('a PNG renamed .onnx -> UnsupportedFormatError that says PNG and lists the formats', () => {
    const err = errorOf(() => openModelBytes(PNG, noSiblingsHost, 'model.onnx'))
    expect(err).toBeInstanceOf(UnsupportedFormatError)
    expect(err.message).toMatch(/"model\.onnx" is not a model Quantscope can open: it looks like a PNG image/)
    expect(err.message).toMatch(/\.onnx/)
    expect(err.message).toMatch(/Hailo HEF \(\.hef\), Hailo archives \(\.har\), Hailo network JSON \(\.hn\)/)
  })

  it('the real HEF opens as a HEF summary', () => {
    const summary = openModelBytes(
      readBytes(sharedFixture('hailo', 'yolov8n.hef')),
      noSiblingsHost,
      'yolov8n.hef',
    )
    expect(summary.format).toBe('hef')
    expect((summary as HefSummary).networkGroups[0]?.name).toBe('yolov8n')
  })

  it('a truncated HEF -> HefParseError prefixed with the file name', () => {
    const bytes = readBytes(sharedFixture('hailo', 'yolov8n.hef')).subarray(0, 500_000)
    const err = errorOf(() => openModelBytes(bytes, noSiblingsHost, 'yolov8n.hef'))
    expect(err).toBeInstanceOf(HefParseError)
    expect(err.message).toMatch(/^"yolov8n\.hef": HEF proto size 1074368 exceeds file size 500000/)
  })

  it('a JSON file that is not an HN -> UnsupportedFormatError saying what an HN has', () => {
    const err = errorOf(() =>
      openModelBytes(ascii('{"nms_scores_th": 0.2, "classes": 80}'), noSiblingsHost, 'c.json'),
    )
    expect(err).toBeInstanceOf(UnsupportedFormatError)
    expect(err.message).toMatch(/not a Hailo HN network/)
  })

  it('random bytes -> UnsupportedFormatError', () => {
    for (const seed of [3, 5, 8]) {
      const err = errorOf(() => openModelBytes(seededBytes(seed, 10_000), noSiblingsHost, 'noise.onnx'))
      expect(err).toBeInstanceOf(UnsupportedFormatError)
    }
  })

  it('a truncated ONNX -> OnnxParseError prefixed with the file name', () => {
    const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
    const err = errorOf(() => openModelBytes(bytes.subarray(0, 100_000), noSiblingsHost, 'yolox_nano.onnx'))
    expect(err).toBeInstanceOf(OnnxParseError)
    expect(err.message).toMatch(
      /^"yolox_nano\.onnx": not a valid ONNX file: protobuf decoding failed at byte offset \d+/,
    )
    expect(err.cause).toBeInstanceOf(OnnxParseError)
  })

  it('missing external data -> ExternalDataError through the registry', () => {
    const model = repoFixture('models', 'external.onnx')
    const host = { siblingSize: () => null }
    const err = errorOf(() => openModelBytes(readBytes(model), host, 'external.onnx'))
    expect(err).toBeInstanceOf(ExternalDataError)
    expect(err.message).toMatch(
      /external data file "external\.weights\.bin" named by tensor "conv1\.weight" is missing/,
    )
    // with the real folder it opens
    expect(
      (openModelBytes(readBytes(model), fsModelHost(model), 'external.onnx') as OnnxSummary).externalData
        .files,
    ).toEqual(['external.weights.bin'])
  })
})

describe('describeBytes', () => {
  it.each([
    ['PNG', PNG, /PNG image/],
    ['JPEG', new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0, 0]), /JPEG image/],
    ['ZIP', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), /ZIP archive/],
    ['gzip', new Uint8Array([0x1f, 0x8b, 8, 0]), /gzip/],
    ['HEF', new Uint8Array([0x01, 0x48, 0x45, 0x46, 0, 0, 0, 2]), /Hailo HEF/],
    ['JSON', ascii('  {"layers": {}}'), /JSON/],
    ['XML', ascii('<?xml version="1.0"?><net/>'), /XML/],
    ['text', ascii('hello world\n'), /text file/],
  ])('recognizes %s', (_name, bytes, expected) => {
    expect(describeBytes(bytes)).toMatch(expected)
  })

  it('recognizes a tar (HAR) by its ustar magic at offset 257', () => {
    const tar = new Uint8Array(1024)
    tar.set(ascii('yolov8n.hn'), 0)
    tar.set(ascii('ustar'), 257)
    expect(describeBytes(tar)).toMatch(/tar archive.*HAR/)
  })

  it('says nothing about noise', () => {
    expect(describeBytes(seededBytes(11, 2048))).toBeUndefined()
  })
})
