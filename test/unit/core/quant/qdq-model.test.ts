import { describe, expect, it } from 'vitest'
import { decodeOnnxModel, findAttribute } from '../../../../src-main/core/onnx/onnx-model'
import { DataType } from '../../../../src-main/core/onnx/onnx-tensor'
import { float32Values } from '../../../../src-main/core/onnx/tensor-data'
import { buildQuantizedStage, activationTensorsToCalibrate } from '../../../../src-main/core/quant/qdq-model'
import type { Range } from '../../../../src-main/core/quant/observers'
import { encodeModel, valueInfo } from '../../../helpers/onnx-builder'
import { maxAbsDiff, runOnnx, uniform } from '../../../helpers/onnx-run'

function floatInit(name: string, dims: number[], values: Float32Array): Record<string, unknown> {
  return { name, dims, dataType: 1, rawData: new Uint8Array(values.buffer.slice(0)) }
}

/** x [1,3,6,6] → Conv c1 (3×3, pad 1) → Relu → Conv c2 (1×1) → Sigmoid → y [1,3,6,6]. */
function twoConvModel(opset: number): Uint8Array {
  return encodeModel({
    irVersion: opset >= 21 ? 10 : 7,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: [
        {
          name: 'c1',
          opType: 'Conv',
          input: ['x', 'w1', 'b1'],
          output: ['h'],
          attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }],
        },
        { name: 'r', opType: 'Relu', input: ['h'], output: ['hr'] },
        { name: 'c2', opType: 'Conv', input: ['hr', 'w2'], output: ['z'] },
        { name: 's', opType: 'Sigmoid', input: ['z'], output: ['y'] },
      ],
      initializer: [
        floatInit('w1', [4, 3, 3, 3], uniform(108, -1, 1, 3)),
        floatInit('b1', [4], uniform(4, -0.1, 0.1, 4)),
        floatInit('w2', [3, 4, 1, 1], uniform(12, -0.5, 0.5, 5)),
      ],
      input: [valueInfo('x', [1, 3, 6, 6])],
      output: [valueInfo('y', [1, 3, 6, 6])],
    },
  })
}

const x = { name: 'x', dims: [1, 3, 6, 6], data: uniform(108, -1, 1, 9) }

async function rangesOf(bytes: Uint8Array): Promise<Map<string, Range>> {
  const out = await runOnnx(bytes, x, ['hr'])
  const hr = out.get('hr')!.data
  return new Map([
    ['x', { min: -1, max: 1 }],
    ['hr', { min: Math.min(...hr), max: Math.max(...hr) }],
  ])
}

describe('buildQdqModel', () => {
  for (const opset of [13, 11]) {
    it(`opset ${opset}: Q/DQ on Conv inputs and weights, runs in onnxruntime close to float`, async () => {
      const bytes = twoConvModel(opset)
      const model = decodeOnnxModel(bytes)
      expect(activationTensorsToCalibrate(model, { weights: 'per-channel', precision: 'a8_w8' })).toEqual([
        'x',
        'hr',
      ])
      const ranges = await rangesOf(bytes)
      const variant = buildQuantizedStage(bytes, model, ranges, {
        weights: 'per-channel',
        precision: 'a8_w8',
      })
      const q = decodeOnnxModel(variant.bytes)
      const domain = opset >= 13 ? '' : 'com.microsoft'
      expect(variant.recipe.qdqDomain).toBe(domain)
      expect(variant.recipe.quantizedNodes).toEqual(['c1', 'c2'])
      expect(q.graph.nodes.map((n) => n.opType)).toEqual([
        'QuantizeLinear',
        'DequantizeLinear',
        'DequantizeLinear',
        'DequantizeLinear',
        'Conv',
        'Relu',
        'QuantizeLinear',
        'DequantizeLinear',
        'DequantizeLinear',
        'Conv',
        'Sigmoid',
      ])
      for (const n of q.graph.nodes.filter((n) => n.opType.endsWith('Linear'))) expect(n.domain).toBe(domain)
      const weightDq = q.graph.nodes.find((n) => n.inputs[0] === 'w1_quantized')!
      expect(findAttribute(weightDq, 'axis')?.i).toBe(0)
      const w1 = q.graph.initializers.find((t) => t.name === 'w1_quantized')!
      expect(w1.dataType).toBe(DataType.INT8)
      expect(q.graph.initializers.find((t) => t.name === 'w1_scale')!.dims).toEqual([4])
      // The float weights and bias are gone; the bias is int32 at scale_x · scale_w per channel.
      expect(q.graph.initializers.map((t) => t.name)).not.toContain('w1')
      expect(q.graph.initializers.map((t) => t.name)).not.toContain('b1')
      expect(q.graph.nodes.find((n) => n.name === 'c1')!.inputs[2]).toBe('b1_dequantized')
      const bias = q.graph.initializers.find((t) => t.name === 'b1_quantized')!
      expect(bias.dataType).toBe(DataType.INT32)
      const xScale = float32Values(q.graph.initializers.find((t) => t.name === 'x_scale')!)[0]!
      const wScale = float32Values(q.graph.initializers.find((t) => t.name === 'w1_scale')!)
      const bScale = float32Values(q.graph.initializers.find((t) => t.name === 'b1_scale')!)
      expect(Array.from(bScale)).toEqual(Array.from(wScale, (s) => Math.fround(s * xScale)))
      expect(variant.recipe.warnings.join()).toMatch(/Relu×1, Sigmoid×1/)
      const f = (await runOnnx(bytes, x)).get('y')
      const o = (await runOnnx(variant.bytes, x)).get('y')
      expect(maxAbsDiff(f, o)).toBeGreaterThan(0)
      expect(maxAbsDiff(f, o)).toBeLessThan(0.02)
    })
  }

  it('per-tensor a8_w4: one scale, weights on the 4-bit grid stored as int8', async () => {
    const bytes = twoConvModel(13)
    const variant = buildQuantizedStage(bytes, decodeOnnxModel(bytes), await rangesOf(bytes), {
      weights: 'per-tensor',
      precision: 'a8_w4',
    })
    expect(variant.recipe.weightBits).toBe(4)
    const q = decodeOnnxModel(variant.bytes)
    const w = q.graph.initializers.find((t) => t.name === 'w1_quantized')!
    const levels = new Int8Array(w.rawData!.buffer, w.rawData!.byteOffset, w.rawData!.byteLength)
    expect(Math.max(...levels)).toBeLessThanOrEqual(7)
    expect(Math.min(...levels)).toBeGreaterThanOrEqual(-7)
    expect(new Set(levels).size).toBeGreaterThan(8)
    expect(q.graph.initializers.find((t) => t.name === 'w1_scale')!.dims).toEqual([])
    expect(
      findAttribute(
        q.graph.nodes.find((n) => n.inputs[0] === 'w1_quantized')!,
        'axis',
      ),
    ).toBeUndefined()
    const f = (await runOnnx(bytes, x)).get('y')
    const o = (await runOnnx(variant.bytes, x)).get('y')
    expect(maxAbsDiff(f, o)).toBeLessThan(0.1)
  })

  for (const opset of [13, 21]) {
    it(`opset ${opset} a16_w8: int16 activations (ONNX domain from opset 21), closer to float than a8`, async () => {
      const bytes = twoConvModel(opset)
      const model = decodeOnnxModel(bytes)
      const ranges = await rangesOf(bytes)
      const a16 = buildQuantizedStage(bytes, model, ranges, { weights: 'per-channel', precision: 'a16_w8' })
      const a8 = buildQuantizedStage(bytes, model, ranges, { weights: 'per-channel', precision: 'a8_w8' })
      expect(a16.recipe.activationBits).toBe(16)
      expect(a16.recipe.qdqDomain).toBe(opset >= 21 ? '' : 'com.microsoft')
      const q = decodeOnnxModel(a16.bytes)
      expect(q.graph.initializers.find((t) => t.name === 'hr_zero_point')!.dataType).toBe(DataType.INT16)
      const f = (await runOnnx(bytes, x)).get('y')
      const e16 = maxAbsDiff(f, (await runOnnx(a16.bytes, x)).get('y'))
      const e8 = maxAbsDiff(f, (await runOnnx(a8.bytes, x)).get('y'))
      expect(e16).toBeLessThan(e8)
    })
  }

  it('excluded nodes, the head after the end nodes and missing ranges stay float', async () => {
    const bytes = twoConvModel(13)
    const model = decodeOnnxModel(bytes)
    const ranges = await rangesOf(bytes)
    const recipe = { weights: 'per-channel', precision: 'a8_w8' } as const
    expect(
      buildQuantizedStage(bytes, model, ranges, { ...recipe, excluded: ['c2'] }).recipe.quantizedNodes,
    ).toEqual(['c1'])
    const head = buildQuantizedStage(bytes, model, ranges, { ...recipe, excludeHead: true, endNodes: ['c1'] })
    expect(head.recipe.quantizedNodes).toEqual(['c1'])
    expect(head.recipe.endNodes).toEqual(['c1'])
    const partial = buildQuantizedStage(bytes, model, new Map([['x', ranges.get('x')!]]), recipe)
    expect(partial.recipe.quantizedNodes).toEqual(['c1'])
    expect(partial.recipe.warnings[0]).toMatch(/no calibrated range.*hr/)
    expect(() => buildQuantizedStage(bytes, model, ranges, { ...recipe, excluded: ['nope'] })).toThrow(
      /"nope"/,
    )
    expect(() =>
      buildQuantizedStage(bytes, model, ranges, { weights: 'per-channel', precision: 'a16_w16' as 'a8_w8' }),
    ).toThrow(/a16_w16/)
  })
})
