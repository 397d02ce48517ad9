import { describe, expect, it } from 'vitest'
import type { Dim } from '../../../../src-main/shared/model-summary'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import type { OnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { inferShapes, mergeDeclared, topologicalOrder } from '../../../../src-main/core/onnx/shape-inference'
import { defaultOpset } from '../../../../src-main/core/onnx/onnx-summary'
import { matmulShape, reshapeShape } from '../../../../src-main/core/onnx/shape-rules'
import { broadcastShapes, sliceDim, windowOutputDim } from '../../../../src-main/core/onnx/dims'
import { readBytes, readJson, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { encodeModel, reluModel, valueInfo } from '../../../helpers/onnx-builder'

/** INT64_MAX (9223372036854775807) as a JS number reads it: exporters use it for "slice to the end". */
const INT64_MAX = 2 ** 63

function load(file: string): OnnxModel {
  return decodeOnnxModel(readBytes(file))
}

function inferWithout(model: OnnxModel) {
  return inferShapes(model.graph, defaultOpset(model), { useDeclaredShapes: false })
}

describe("inference from inputs alone reproduces the exporter's value_info", () => {
  it.each(['yolox_nano.onnx', 'nanodet_m.onnx'])('%s: every value_info and output shape', (name) => {
    const model = load(sharedFixture('models', name))
    const declared = [...model.graph.valueInfo, ...model.graph.outputs]
    expect(declared.length).toBeGreaterThan(200)
    const result = inferWithout(model)
    for (const v of declared) expect(result.shapes.get(v.name), v.name).toEqual(v.shape)
    expect(result.unsupportedOps).toEqual([])
    expect(result.failedNodes).toEqual([])
  })
})

/**
 * onnx.shape_inference (1.12, data_prop=True) as stored by make-fixtures.py. It names dims it cannot
 * relate `unk__N`; where it knows a number or a real symbol we must agree exactly.
 */
function expectAgreesWithOnnx(
  shapes: ReadonlyMap<string, Dim[]>,
  expected: Record<string, Dim[] | null>,
): void {
  let compared = 0
  for (const [name, want] of Object.entries(expected)) {
    if (want === null) continue // onnx could not infer it
    const got = shapes.get(name)
    expect(got, name).toBeDefined()
    expect(got?.length, `${name} rank`).toBe(want.length)
    want.forEach((d, i) => {
      if (typeof d === 'string' && d.startsWith('unk__'))
        expect(typeof got?.[i] === 'number', `${name}[${i}]`).toBe(false)
      else expect(got?.[i], `${name}[${i}]`).toBe(d)
    })
    compared++
  }
  expect(compared).toBeGreaterThan(10)
}

describe('models without value_info (compared with onnx.shape_inference)', () => {
  it('shapes-opset13: input forms of Squeeze/Unsqueeze/Split/Slice/Pad, Resize by scales and sizes, dynamic batch', () => {
    const model = load(repoFixture('models', 'shapes-opset13.onnx'))
    expect(model.graph.valueInfo).toEqual([])
    const result = inferShapes(model.graph, defaultOpset(model))
    expectAgreesWithOnnx(
      result.shapes,
      readJson(repoFixture('models', 'shapes-opset13.expected-shapes.json')),
    )
    // Where onnx gives up or invents a name, we keep the symbol: Resize with scale 1 on the batch,
    // and Reshape(x, Concat(Shape(x)[0], -1)).
    expect(result.shapes.get('up')).toEqual(['batch', 16, 32, 32])
    expect(result.shapes.get('cat')).toEqual(['batch', 32, 32, 32])
    expect(result.shapes.get('flat')).toEqual(['batch', 32 * 32 * 32])
    expect(result.shapes.get('tiled')).toEqual(['batch', 16, 32, 16])
    expect(result.valueOf('flat_shape')?.data).toEqual(['batch', -1])
    expect(result.valueOf('cat_shape_f')?.data).toEqual(['batch', 32, 32, 32])
    expect(result.unsupportedOps).toEqual([])
  })

  it('shapes-opset9: attribute forms, Upsample, BatchNormalization, auto_pad SAME_UPPER/VALID', () => {
    const model = load(repoFixture('models', 'shapes-opset9.onnx'))
    expect(model.opsetImports).toEqual([{ domain: '', version: 9 }])
    const result = inferShapes(model.graph, defaultOpset(model))
    expectAgreesWithOnnx(result.shapes, readJson(repoFixture('models', 'shapes-opset9.expected-shapes.json')))
    expect(result.shapes.get('fc')).toEqual([1, 3])
  })

  it('qoperator: QLinearConv and QLinearMatMul', () => {
    const model = load(repoFixture('models', 'qoperator.onnx'))
    const result = inferShapes(model.graph, defaultOpset(model))
    expectAgreesWithOnnxLoose(
      result.shapes,
      readJson(repoFixture('models', 'qoperator.expected-shapes.json')),
    )
    expect(result.shapes.get('out')).toEqual([1, 4, 8, 5])
  })

  it('activations.onnx (torch export, no value_info): Shape -> Slice -> Concat -> Reshape and Clip bounds via Cast', () => {
    const model = load(repoFixture('models', 'activations.onnx'))
    expect(model.graph.valueInfo).toEqual([])
    const result = inferShapes(model.graph, defaultOpset(model))
    expect(result.shapes.get('/up/ConvTranspose_output_0')).toEqual([1, 8, 32, 32])
    expect(result.shapes.get('/Reshape_output_0')).toEqual([1, 8, 1024])
    expect(result.shapes.get('tokens')).toEqual([1, 1024, 4])
    expect(result.shapes.get('logits')).toEqual([1, 10])
    expect(result.valueOf('/Cast_output_0')?.data).toEqual([0])
    expect(result.valueOf('/Cast_1_output_0')?.data).toEqual([6])
  })
})

function expectAgreesWithOnnxLoose(
  shapes: ReadonlyMap<string, Dim[]>,
  expected: Record<string, Dim[] | null>,
): void {
  for (const [name, want] of Object.entries(expected)) expect(shapes.get(name), name).toEqual(want)
}

describe('declared shapes', () => {
  it('a complete declaration wins; a partial one gets its unknown dims filled', () => {
    expect(mergeDeclared([1, 'batch', 3], [1, 2, 3])).toEqual([1, 'batch', 3])
    expect(mergeDeclared([1, null, 3], [1, 2, 3])).toEqual([1, 2, 3])
    expect(mergeDeclared(null, [4])).toEqual([4])
    expect(mergeDeclared([null], undefined)).toEqual([null])
  })
})

describe('shape rules', () => {
  it('Reshape: 0 copies, -1 takes the rest, symbols cancel', () => {
    expect(reshapeShape([1, 85, 52, 52], [1, 85, -1], false)).toEqual([1, 85, 2704])
    expect(reshapeShape(['N', 256, 20, 20], [0, -1], false)).toEqual(['N', 102400])
    expect(reshapeShape(['N', 256, 20, 20], ['N', -1], false)).toEqual(['N', 102400])
    expect(reshapeShape(['N', 4, 6], [-1, 6], false)).toEqual([null, 6])
    expect(reshapeShape([2, 3], [0, 6], true)).toEqual([0, 6])
    expect(reshapeShape(undefined, [1, 3, 4], false)).toEqual([1, 3, 4])
  })

  it('Slice clamps like numpy, including negative steps and INT64_MAX ends', () => {
    expect(sliceDim(640, 0, INT64_MAX, 2)).toBe(320)
    expect(sliceDim(640, 1, INT64_MAX, 2)).toBe(320)
    expect(sliceDim(33, -1, -INT64_MAX, -2)).toBe(17)
    expect(sliceDim(10, 3, 2, 1)).toBe(0)
    expect(sliceDim('H', 0, INT64_MAX, 1)).toBe('H')
    expect(sliceDim('H', 1, INT64_MAX, 1)).toBeNull()
  })

  it('broadcasting follows numpy and keeps matching symbols', () => {
    expect(
      broadcastShapes([
        [1, 3, 1],
        [4, 1, 5],
      ]),
    ).toEqual([4, 3, 5])
    expect(broadcastShapes([['N', 3], [3]])).toEqual(['N', 3])
    expect(
      broadcastShapes([
        ['N', 3],
        [2, 1],
      ]),
    ).toEqual([2, 3])
    expect(broadcastShapes([['N'], ['M']])).toEqual([null])
  })

  it('MatMul handles 1-D operands and batch broadcasting', () => {
    expect(matmulShape([2, 1, 4, 5], [3, 5, 6])).toEqual([2, 3, 4, 6])
    expect(matmulShape([5], [5, 6])).toEqual([6])
    expect(matmulShape([4, 5], [5])).toEqual([4])
  })

  it('window output sizes for SAME, VALID, explicit pads and ceil mode', () => {
    const base = {
      kernel: 3,
      stride: 2,
      dilation: 1,
      padBegin: 1,
      padEnd: 1,
      autoPad: 'NOTSET',
      ceilMode: false,
    }
    expect(windowOutputDim(416, base)).toBe(208)
    expect(windowOutputDim(33, { ...base, autoPad: 'SAME_UPPER' })).toBe(17)
    expect(windowOutputDim(34, { ...base, kernel: 2, autoPad: 'VALID' })).toBe(17)
    expect(windowOutputDim(32, { ...base, padBegin: 0, padEnd: 0, ceilMode: true })).toBe(16)
    expect(windowOutputDim('H', { ...base, stride: 1 })).toBe('H')
    expect(windowOutputDim('H', base)).toBeNull()
  })
})

describe('topologicalOrder', () => {
  it('sorts a graph whose nodes are stored out of order', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    graph['node'] = [
      { name: 'second', opType: 'Sigmoid', input: ['h'], output: ['y'] },
      { name: 'first', opType: 'Relu', input: ['x'], output: ['h'] },
    ]
    graph['output'] = [valueInfo('y', null)]
    const decoded = decodeOnnxModel(encodeModel(model))
    expect(topologicalOrder(decoded.graph).map((n) => n.name)).toEqual(['first', 'second'])
    expect(inferShapes(decoded.graph, 13).shapes.get('y')).toEqual([1, 3])
  })
})
