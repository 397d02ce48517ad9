import { describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import { onnxReader } from '../../../../src-main/core/onnx/onnx-reader'
import { scanTopLevelFields } from '../../../../src-main/core/onnx/onnx-sniff'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { encodeModel, reluModel, seededBytes } from '../../../helpers/onnx-builder'

const ascii = (s: string) => new TextEncoder().encode(s)

/** A minimal tar header: file name at 0, "ustar" magic at 257. */
function tarHeader(name: string): Uint8Array {
  const block = new Uint8Array(1024)
  block.set(ascii(name), 0)
  block.set(ascii('ustar\u000000'), 257)
  return block
}

describe('onnxReader.match', () => {
  it('claims the real exports', () => {
    expect(onnxReader.match(readBytes(sharedFixture('models', 'yolox_nano.onnx')))).toBe(true)
    expect(onnxReader.match(readBytes(sharedFixture('models', 'nanodet_m.onnx')))).toBe(true)
  })

  it('claims every committed .onnx fixture', () => {
    const files = readdirSync(repoFixture('models')).filter((f) => f.endsWith('.onnx'))
    expect(files.length).toBeGreaterThanOrEqual(8)
    for (const f of files) expect(onnxReader.match(readBytes(repoFixture('models', f))), f).toBe(true)
  })

  it('claims a truncated ONNX (so open() can say it is truncated) and just the first KiB', () => {
    const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
    expect(onnxReader.match(bytes.subarray(0, 1024))).toBe(true)
    expect(onnxReader.match(bytes.subarray(0, bytes.byteLength / 2))).toBe(true)
  })

  it('claims models whatever the order of their top-level fields (graph first, ir_version last)', () => {
    const bytes = encodeModel(reluModel())
    expect(onnxReader.match(bytes)).toBe(true)
    const { fields } = scanTopLevelFields(bytes)
    const pieces = fields.map((f) => bytes.subarray(f.start, f.end))
    const graphFirst = [
      ...pieces.filter((_, i) => fields[i]?.field === 7),
      ...pieces.filter((_, i) => fields[i]?.field !== 7),
    ]
    const reordered = new Uint8Array(graphFirst.reduce<number[]>((all, p) => [...all, ...p], []))
    expect(reordered.byteLength).toBe(bytes.byteLength)
    expect(scanTopLevelFields(reordered).fields[0]?.field).toBe(7)
    expect(onnxReader.match(reordered)).toBe(true)
    expect(onnxReader.open(reordered, { siblingSize: () => null }).nodeCount).toBe(1)
  })

  it('rejects empty and one-byte input', () => {
    expect(onnxReader.match(new Uint8Array())).toBe(false)
    expect(onnxReader.match(new Uint8Array([0x08]))).toBe(false)
  })

  it('rejects a PNG, a JPEG, a ZIP, a gzip, a HAR (tar), JSON and text', () => {
    const cases: Record<string, Uint8Array> = {
      png: new Uint8Array([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
      ]),
      jpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]),
      zip: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0]),
      gzip: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
      har: tarHeader('yolov8n.hn'),
      harStartingWithR: tarHeader('resnet_v1_18.hn'),
      json: ascii('{"name": "yolov8n", "layers": {}}'),
      text: ascii('#!/bin/sh\necho not a model\n'),
      quoted: ascii('"producer" is not enough to be a model file at all'),
    }
    for (const [what, bytes] of Object.entries(cases)) expect(onnxReader.match(bytes), what).toBe(false)
  })

  it('rejects the real Hailo HEF', () => {
    expect(onnxReader.match(readBytes(sharedFixture('hailo', 'yolov8n.hef')))).toBe(false)
  })

  it('rejects seeded random bytes', () => {
    for (let seed = 1; seed <= 200; seed++)
      expect(onnxReader.match(seededBytes(seed, 4096)), `seed ${seed}`).toBe(false)
  })
})

describe('scanTopLevelFields', () => {
  it('walks yolox_nano: ir_version, producer name/version, graph, opset_import', () => {
    const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
    const scan = scanTopLevelFields(bytes)
    expect(scan.stop).toBe('end')
    expect(scan.fields.map((f) => f.field)).toEqual([1, 2, 3, 7, 8])
    expect(scan.fields[0]?.value).toBe(6)
    expect(scan.fields.at(-1)?.end).toBe(bytes.byteLength)
  })
})
