import { describe, expect, it } from 'vitest'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { onnxReader } from '../../../../src-main/core/onnx/onnx-reader'
import { scanTopLevelFields } from '../../../../src-main/core/onnx/onnx-sniff'
import { EmptyFileError, OnnxParseError } from '../../../../src-main/core/errors'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'
import { noSiblingsHost } from '../../../helpers/fs-model-host'
import { encodeModel, reluModel, seededBytes, valueInfo } from '../../../helpers/onnx-builder'

const REAL_MODELS = ['yolox_nano.onnx', 'nanodet_m.onnx'] as const

function parseErrorOf(bytes: Uint8Array): OnnxParseError {
  try {
    onnxReader.open(bytes, noSiblingsHost)
  } catch (err) {
    expect(err).toBeInstanceOf(OnnxParseError)
    return err as OnnxParseError
  }
  throw new Error(`open() accepted ${bytes.byteLength} bytes that should have been rejected`)
}

describe('decodeOnnxModel on real exports', () => {
  it('reads yolox_nano: IR 6, opset 11, 369 nodes, 236 initializers', () => {
    const model = decodeOnnxModel(readBytes(sharedFixture('models', 'yolox_nano.onnx')))
    expect(model.irVersion).toBe(6)
    expect(model.opsetImports).toEqual([{ domain: '', version: 11 }])
    expect(model.producerName).toBe('pytorch')
    expect(model.producerVersion).toBe('1.11.0')
    expect(model.graph.nodes).toHaveLength(369)
    expect(model.graph.initializers).toHaveLength(236)
    expect(model.graph.inputs.map((v) => [v.name, v.shape])).toEqual([['images', [1, 3, 416, 416]]])
  })

  it('keeps raw_data as a view into the input bytes, not a copy', () => {
    const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
    const model = decodeOnnxModel(bytes)
    const withRaw = model.graph.initializers.filter((t) => t.rawData)
    expect(withRaw.length).toBeGreaterThan(200)
    for (const t of withRaw) expect(t.rawData?.buffer).toBe(bytes.buffer)
  })

  it('turns int64 dims into plain numbers', () => {
    const model = decodeOnnxModel(readBytes(sharedFixture('models', 'nanodet_m.onnx')))
    const first = model.graph.initializers[0]
    expect(first?.dims.every((d) => typeof d === 'number')).toBe(true)
  })
})

describe('decodeOnnxModel rejects what is not a complete model', () => {
  it('empty input -> EmptyFileError', () => {
    expect(() => decodeOnnxModel(new Uint8Array())).toThrow(EmptyFileError)
    expect(() => decodeOnnxModel(new Uint8Array())).toThrow(/empty \(0 bytes\)/)
  })

  it.each([1, 7, 42, 1234, 99991])('random bytes (seed %i) -> OnnxParseError', (seed) => {
    for (const length of [1, 2, 17, 512, 65536]) {
      const err = parseErrorOf(seededBytes(seed, length))
      expect(err.message).toMatch(/^not a valid ONNX file/)
      expect(err.message).toMatch(/re-export/)
    }
  })

  it('a PNG renamed .onnx -> OnnxParseError naming the byte offset', () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ])
    expect(parseErrorOf(png).message).toMatch(
      /protobuf decoding failed at byte offset \d+ of 16 \(.+\); the file may be truncated or not ONNX — re-export it/,
    )
  })

  it('decodes as protobuf but has no graph -> OnnxParseError', () => {
    const bytes = encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }] })
    expect(parseErrorOf(bytes).message).toMatch(/has no graph/)
  })

  it('ir_version 0 -> OnnxParseError', () => {
    const bytes = encodeModel(reluModel({ irVersion: 0 }))
    expect(parseErrorOf(bytes).message).toMatch(/no ir_version \(read 0\)/)
  })

  it('no opset_import at IR >= 3 (a cut right after the graph) -> OnnxParseError mentioning truncation', () => {
    const bytes = encodeModel(reluModel({ opsetImport: [] }))
    expect(parseErrorOf(bytes).message).toMatch(/no opset_import.*truncated/)
  })

  it('a node reading a tensor nobody produces -> OnnxParseError', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    graph['node'] = [{ name: 'add', opType: 'Add', input: ['x', 'ghost'], output: ['y'] }]
    expect(parseErrorOf(encodeModel(model)).message).toMatch(
      /node "add" \(Add\) reads tensor "ghost".*truncated or corrupt/,
    )
  })

  it('a graph output produced by nothing -> OnnxParseError', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    graph['output'] = [valueInfo('y', [1, 3]), valueInfo('missing', [1])]
    expect(parseErrorOf(encodeModel(model)).message).toMatch(/graph output "missing" is produced by no node/)
  })
})

describe('truncated real models never pass as valid', () => {
  it.each(REAL_MODELS)('%s cut at 10%%, 50%% and 99%% -> OnnxParseError', (name) => {
    const bytes = readBytes(sharedFixture('models', name))
    for (const fraction of [0.1, 0.5, 0.99]) {
      const cut = Math.floor(bytes.byteLength * fraction)
      const err = parseErrorOf(bytes.subarray(0, cut))
      expect(err.message).toMatch(/truncated/)
    }
  })

  it.each(REAL_MODELS)(
    '%s cut at 200 evenly spread offsets and every top-level field boundary -> OnnxParseError',
    (name) => {
      const bytes = readBytes(sharedFixture('models', name))
      const cuts = new Set<number>()
      for (let i = 1; i <= 200; i++) cuts.add(Math.floor((bytes.byteLength * i) / 201))
      // A cut exactly between two top-level fields decodes as protobuf: the semantic checks must catch it.
      const { fields, stop } = scanTopLevelFields(bytes)
      expect(stop).toBe('end')
      for (const f of fields) if (f.end < bytes.byteLength) cuts.add(f.end)
      for (const f of fields) cuts.add(f.start + 1)
      cuts.add(1)
      cuts.add(bytes.byteLength - 1)
      for (const cut of cuts) {
        const err = parseErrorOf(bytes.subarray(0, cut))
        expect(err.message, `cut at ${cut}`).toMatch(/truncated/)
      }
    },
    60_000,
  )
})

describe('newer ONNX files', () => {
  it('decodes IR 10 fields (node metadata_props, overload, FLOAT8/INT4 types) and skips unknown fields', () => {
    const model = reluModel({ irVersion: 10 })
    const graph = model['graph'] as Record<string, unknown>
    graph['node'] = [
      {
        name: 'relu',
        opType: 'Relu',
        input: ['x'],
        output: ['y'],
        overload: 'v2',
        metadataProps: [{ key: 'source', value: 'layer1' }],
      },
    ]
    graph['metadataProps'] = [{ key: 'graph-level', value: 'yes' }]
    graph['input'] = [valueInfo('x', [1, 3], 17)]
    graph['output'] = [valueInfo('y', [1, 3], 22)]
    const encoded = encodeModel(model)
    // Append an unknown top-level field (number 99, varint 5) as a future ONNX might write.
    const withUnknown = new Uint8Array([...encoded, 0x98, 0x06, 0x05])
    const decoded = decodeOnnxModel(withUnknown)
    expect(decoded.irVersion).toBe(10)
    expect(decoded.graph.inputs[0]?.elemType).toBe(17)
    expect(decoded.graph.outputs[0]?.elemType).toBe(22)
  })

  it('keeps symbolic dims as strings and unknown dims as null', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    graph['input'] = [
      { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, {}] } } } },
    ]
    const decoded = decodeOnnxModel(encodeModel(model))
    expect(decoded.graph.inputs[0]?.shape).toEqual(['batch', null])
  })
})
