import { describe, expect, it } from 'vitest'
import { computeMacs, MACS_FORMULA } from '../../../../src-main/core/onnx/macs'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { inferShapes } from '../../../../src-main/core/onnx/shape-inference'
import { defaultOpset } from '../../../../src-main/core/onnx/onnx-summary'
import type { MacsSummary } from '../../../../src-main/shared/model-summary'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { encodeModel, reluModel, valueInfo } from '../../../helpers/onnx-builder'

function macsOf(file: string, useDeclaredShapes = true): MacsSummary {
  const model = decodeOnnxModel(readBytes(file))
  return computeMacs(model.graph, inferShapes(model.graph, defaultOpset(model), { useDeclaredShapes }).shapes)
}

describe('MACs of the real exports (416×416)', () => {
  it('yolox_nano: 522,553,408 Conv MACs over 113 convolutions', () => {
    for (const declared of [true, false]) {
      const macs = macsOf(sharedFixture('models', 'yolox_nano.onnx'), declared)
      expect(macs.total).toBe(522_553_408)
      expect(macs.byOpType).toEqual({ Conv: 522_553_408 })
      expect(macs.perNode).toHaveLength(113)
      expect(macs.unresolved).toEqual([])
    }
  })

  it('nanodet_m: 578,357,208 Conv MACs over 73 convolutions', () => {
    for (const declared of [true, false]) {
      const macs = macsOf(sharedFixture('models', 'nanodet_m.onnx'), declared)
      expect(macs.total).toBe(578_357_208)
      expect(macs.byOpType).toEqual({ Conv: 578_357_208 })
      expect(macs.perNode).toHaveLength(73)
      expect(macs.unresolved).toEqual([])
    }
  })

  it('the first yolox conv (Focus stem: [1,12,208,208] -> [1,16,208,208], 3×3) by hand', () => {
    const macs = macsOf(sharedFixture('models', 'yolox_nano.onnx'))
    // N·Cout·Hout·Wout·(Cin/group)·Kh·Kw = 1·16·208·208·12·3·3
    expect(macs.perNode[0]?.macs).toBe(16 * 208 * 208 * 12 * 3 * 3)
  })
})

describe('MACs of every op kind, hand-computed (activations.onnx, shapes inferred: no value_info)', () => {
  const macs = macsOf(repoFixture('models', 'activations.onnx'))
  const byName = Object.fromEntries(macs.perNode.map((n) => [n.name, n.macs]))

  it('Conv stride 2: 1·8·16·16·3·3·3', () => {
    expect(byName['/conv1/Conv']).toBe(1 * 8 * 16 * 16 * 3 * 3 * 3) // 55,296
  })
  it('depthwise Conv (group 8): 1·8·16·16·(8/8)·3·3', () => {
    expect(byName['/dw/Conv']).toBe(1 * 8 * 16 * 16 * 1 * 3 * 3) // 18,432
  })
  it('pointwise Conv: 1·16·16·16·8·1·1', () => {
    expect(byName['/pw/Conv']).toBe(16 * 16 * 16 * 8) // 32,768
  })
  it('ConvTranspose 2×2 stride 2: N·Cin·Hin·Win·(Cout/group)·Kh·Kw = 1·16·16·16·8·2·2', () => {
    expect(byName['/up/ConvTranspose']).toBe(16 * 16 * 16 * 8 * 2 * 2) // 131,072
  })
  it('Gemm (Linear 8->10 on [1,8]): M·K·N = 1·8·10', () => {
    expect(byName['/fc/Gemm']).toBe(80)
  })
  it('MatMul (Linear 8->4 on [1,1024,8]): batch·M·K·N = 1·1024·8·4', () => {
    expect(byName['/proj/MatMul']).toBe(1024 * 8 * 4) // 32,768
  })
  it('totals by op type', () => {
    expect(macs.byOpType).toEqual({ Conv: 106_496, ConvTranspose: 131_072, Gemm: 80, MatMul: 32_768 })
    expect(macs.total).toBe(270_416)
    expect(macs.formula).toBe(MACS_FORMULA)
    expect(macs.formula).toContain('Conv: N·Cout·Hout·Wout·(Cin/group)·Kh·Kw')
  })
})

describe('quantized graphs', () => {
  it('QDQ: the Conv behind DequantizeLinear, symbolic batch counted as 1', () => {
    const macs = macsOf(repoFixture('models', 'qdq.onnx'))
    expect(macs.perNode).toEqual([{ name: 'conv', opType: 'Conv', macs: 4 * 8 * 8 * 3 * 3 * 3 }])
  })

  it('QOperator: QLinearConv like Conv, QLinearMatMul like MatMul', () => {
    const macs = macsOf(repoFixture('models', 'qoperator.onnx'))
    expect(macs.byOpType).toEqual({ QLinearConv: 4 * 8 * 8 * 3 * 3 * 3, QLinearMatMul: 4 * 8 * 8 * 5 })
  })
})

describe('unresolved nodes', () => {
  it('lists a Conv whose spatial dims are symbolic instead of guessing', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    graph['node'] = [
      {
        name: 'conv',
        opType: 'Conv',
        input: ['x', 'w'],
        output: ['y'],
        attribute: [{ name: 'kernel_shape', type: 7, ints: [3, 3] }],
      },
    ]
    graph['input'] = [valueInfo('x', ['N', 3, 'H', 'W']), valueInfo('w', [8, 3, 3, 3])]
    graph['output'] = [valueInfo('y', null)]
    const decoded = decodeOnnxModel(encodeModel(model))
    const macs = computeMacs(decoded.graph, inferShapes(decoded.graph, 13).shapes)
    expect(macs.total).toBe(0)
    expect(macs.unresolved).toEqual(['conv'])
  })
})
