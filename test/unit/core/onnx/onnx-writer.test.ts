/** ONNX write path: decode → encode gives a model onnxruntime loads and runs to identical outputs. */
import { describe, expect, it } from 'vitest'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { encodeOnnxModel } from '../../../../src-main/core/onnx/onnx-writer'
import { onnxModelProtoType } from '../../../../src-main/core/onnx/onnx-schema'
import { float32Tensor, float32Values } from '../../../../src-main/core/onnx/tensor-data'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { maxAbsDiff, runOnnx, uniform } from '../../../helpers/onnx-run'

const FIXTURES = [
  { file: sharedFixture('models', 'yolox_nano.onnx'), input: 'images', size: 416 },
  { file: sharedFixture('models', 'nanodet_m.onnx'), input: 'input.1', size: 416 },
  { file: repoFixture('stages', 'yolov8_tiny.onnx'), input: 'images', size: 64 },
]

describe('encodeOnnxModel', () => {
  for (const f of FIXTURES) {
    const name = f.file.split('/').pop()!
    it(`round-trips ${name}: same graph, and onnxruntime gives bit-identical outputs`, async () => {
      const bytes = readBytes(f.file)
      const model = decodeOnnxModel(bytes)
      const written = encodeOnnxModel(model)
      const again = decodeOnnxModel(written)
      expect(again.graph.nodes).toEqual(model.graph.nodes)
      expect(again.graph.inputs).toEqual(model.graph.inputs)
      expect(again.graph.outputs).toEqual(model.graph.outputs)
      expect(again.graph.valueInfo).toEqual(model.graph.valueInfo)
      expect(again.opsetImports).toEqual(model.opsetImports)
      expect(again.irVersion).toBe(model.irVersion)
      expect(again.graph.initializers.map((t) => t.name)).toEqual(model.graph.initializers.map((t) => t.name))
      for (let i = 0; i < model.graph.initializers.length; i++) {
        const a = model.graph.initializers[i]!
        const b = again.graph.initializers[i]!
        expect(b.dims).toEqual(a.dims)
        expect(b.rawData ? Buffer.from(b.rawData).equals(Buffer.from(a.rawData!)) : b.rawData).toBe(
          a.rawData ? true : null,
        )
      }
      // Size within a few bytes per node: only doc strings are not carried over.
      expect(Math.abs(written.byteLength - bytes.byteLength)).toBeLessThan(bytes.byteLength * 0.05)

      const input = {
        name: f.input,
        dims: [1, 3, f.size, f.size],
        data: uniform(3 * f.size * f.size, 0, 255),
      }
      const [before, after] = await Promise.all([runOnnx(bytes, input), runOnnx(written, input)])
      expect([...after.keys()]).toEqual([...before.keys()])
      for (const [k, t] of before) expect(maxAbsDiff(t, after.get(k))).toBe(0)
    })
  }

  it('keeps raw_data as views into the source bytes (no copy on read, none before the encode)', () => {
    const bytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
    const model = decodeOnnxModel(bytes)
    const withRaw = model.graph.initializers.filter((t) => t.rawData)
    expect(withRaw.length).toBeGreaterThan(100)
    for (const t of withRaw) expect(t.rawData!.buffer).toBe(bytes.buffer)
    const values = new Float32Array([1, 2, 3])
    const t = float32Tensor('w', [3], values)
    expect(t.rawData!.buffer).toBe(values.buffer)
    expect(float32Values(t)).toEqual(values)
    // Unaligned raw_data (inside a Node Buffer pool, as readFileSync returns it) is copied, not misread.
    const pool = Buffer.alloc(64)
    Buffer.from(values.buffer).copy(pool, 5)
    const unaligned = { ...t, rawData: pool.subarray(5, 17) }
    expect(float32Values(unaligned)).toEqual(values)
  })

  it('writes a modified initializer that onnxruntime then uses', async () => {
    const bytes = readBytes(repoFixture('stages', 'no_image_input.onnx'))
    const model = decodeOnnxModel(bytes)
    const w = model.graph.initializers[0]!
    const doubled = float32Values(w).map((v) => v * 2)
    const edited = encodeOnnxModel({
      ...model,
      graph: { ...model.graph, initializers: [float32Tensor(w.name, w.dims, doubled)] },
    })
    const input = { name: 'x', dims: [1, 16], data: uniform(16, -1, 1) }
    const [a, b] = await Promise.all([runOnnx(bytes, input), runOnnx(edited, input)])
    const ya = a.get('y')!.data
    const yb = b.get('y')!.data
    for (let i = 0; i < ya.length; i++) expect(yb[i]).toBeCloseTo(2 * ya[i]!, 5)
  })

  it('carries model-local functions over from the source bytes (the typed model does not hold them)', () => {
    const type = onnxModelProtoType()
    const base = type.decode(readBytes(repoFixture('stages', 'no_image_input.onnx'))) as unknown as Record<
      string,
      unknown
    >
    const fn = {
      name: 'Twice',
      domain: 'local',
      input: ['a'],
      output: ['b'],
      node: [{ input: ['a', 'a'], output: ['b'], opType: 'Add' }],
      opsetImport: [{ domain: '', version: 13 }],
    }
    const source = type.encode({ ...base, functions: [fn] }).finish()
    const model = decodeOnnxModel(source)
    expect(model.functions.map((f) => f.name)).toEqual(['Twice'])
    const raw = (bytes: Uint8Array) =>
      type.toObject(type.decode(bytes), { longs: Number }) as { functions?: unknown[] }
    expect(raw(encodeOnnxModel(model, { preserveFrom: source })).functions).toEqual(raw(source).functions)
    expect(raw(encodeOnnxModel(model)).functions ?? []).toEqual([])
  })
})
