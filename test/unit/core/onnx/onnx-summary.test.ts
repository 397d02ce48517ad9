import { describe, expect, it } from 'vitest'
import { openOnnx } from '../../../../src-main/core/onnx/onnx-reader'
import type { OnnxSummary, OpTypeCount } from '../../../../src-main/shared/model-summary'
import { readBytes, readJson, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { fsModelHost, noSiblingsHost } from '../../../helpers/fs-model-host'
import { encodeModel, reluModel, valueInfo } from '../../../helpers/onnx-builder'

function summarize(file: string): OnnxSummary {
  return openOnnx(readBytes(file), fsModelHost(file))
}

function countOf(list: OpTypeCount[], opType: string): number | undefined {
  return list.find((o) => o.opType === opType)?.count
}

describe('yolox_nano.onnx', () => {
  const s = summarize(sharedFixture('models', 'yolox_nano.onnx'))

  it('header: IR 6, opset 11, pytorch 1.11.0', () => {
    expect(s.format).toBe('onnx')
    expect(s.irVersion).toBe(6)
    expect(s.opsets).toEqual([{ domain: '', version: 11 }])
    expect(s.producerName).toBe('pytorch')
    expect(s.producerVersion).toBe('1.11.0')
    expect(s.graphName).toBe('torch-jit-export')
    expect(s.metadata).toEqual({})
  })

  it('inputs and outputs', () => {
    expect(s.inputs).toEqual([{ name: 'images', elemType: 'float32', shape: [1, 3, 416, 416] }])
    expect(s.outputs).toEqual([{ name: 'output', elemType: 'float32', shape: [1, 3549, 85] }])
  })

  it('904,481 parameters in 236 initializers, 522,553,408 MACs', () => {
    expect(s.parameters).toEqual({
      initializerElements: 904_481,
      initializerCount: 236,
      constantElements: 0,
      constantCount: 0,
      initializerBytes: 3_617_980, // 904,481 float32 elements + the int64 shape tensors
    })
    expect(s.macs.total).toBe(522_553_408)
    expect(s.macs.byOpType['Conv']).toBe(522_553_408)
  })

  it('op histogram, sorted by count', () => {
    expect(s.nodeCount).toBe(369)
    expect(s.opTypes.slice(0, 3)).toEqual([
      { opType: 'Conv', count: 113 },
      { opType: 'Sigmoid', count: 110 },
      { opType: 'Mul', count: 104 },
    ])
    expect(countOf(s.opTypes, 'Resize')).toBe(2)
    expect(countOf(s.opTypes, 'MaxPool')).toBe(3)
    expect(s.opTypes.reduce((n, o) => n + o.count, 0)).toBe(369)
  })

  it('SiLU everywhere; the 6 head Sigmoids (objectness/class scores) stay Sigmoid', () => {
    expect(s.activations).toEqual([
      { kind: 'SiLU', count: 104 },
      { kind: 'Sigmoid', count: 6 },
    ])
  })

  it('BN folded into the convolutions, no quantization, no external data, no warnings', () => {
    expect(s.batchNorm).toEqual({ count: 0, state: 'folded' })
    expect(s.quantization).toEqual({ present: false, ops: [] })
    expect(s.externalData).toEqual({ files: [], bytes: 0 })
    expect(s.warnings).toEqual([])
  })
})

describe('nanodet_m.onnx', () => {
  const s = summarize(sharedFixture('models', 'nanodet_m.onnx'))

  it('weights listed as graph inputs (IR 6 export) are not reported as inputs', () => {
    expect(s.inputs).toEqual([{ name: 'input.1', elemType: 'float32', shape: [1, 3, 416, 416] }])
  })

  it('six outputs: cls [1,N,80] and GFL reg [1,N,32] for strides 8/16/32', () => {
    expect(s.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['792', [1, 2704, 80]],
      ['814', [1, 676, 80]],
      ['836', [1, 169, 80]],
      ['795', [1, 2704, 32]],
      ['817', [1, 676, 32]],
      ['839', [1, 169, 32]],
    ])
  })

  it('941,863 parameters, 578,357,208 MACs, opset 11', () => {
    expect(s.parameters.initializerElements).toBe(941_863)
    expect(s.parameters.initializerCount).toBe(158)
    expect(s.macs.total).toBe(578_357_208)
    expect(s.opsets).toEqual([{ domain: '', version: 11 }])
    expect(s.producerVersion).toBe('1.7')
  })

  it('ShuffleNet blocks: LeakyRelu, Split, Transpose; 3 Sigmoids on the class outputs', () => {
    expect(s.nodeCount).toBe(225)
    expect(countOf(s.opTypes, 'Conv')).toBe(73)
    expect(countOf(s.opTypes, 'Split')).toBe(16)
    expect(countOf(s.opTypes, 'Transpose')).toBe(22)
    expect(s.activations).toEqual([
      { kind: 'LeakyRelu', count: 48 },
      { kind: 'Sigmoid', count: 3 },
    ])
    expect(s.batchNorm.state).toBe('folded')
    expect(s.warnings).toEqual([])
  })
})

describe('activations.onnx (torch 1.13, opset 13, BN kept, no value_info)', () => {
  const s = summarize(repoFixture('models', 'activations.onnx'))
  const expected = readJson<{
    nodeCount: number
    initializerElements: number
    initializerCount: number
    constantCount: number
    opTypes: Record<string, number>
  }>(repoFixture('models', 'activations.expected.json'))

  it('recognizes SiLU, ReLU6 (Relu -> Clip(Cast(0), Cast(6))), LeakyRelu and HardSwish (HardSigmoid·x)', () => {
    expect(s.activations).toEqual([
      { kind: 'HardSwish', count: 1 },
      { kind: 'LeakyRelu', count: 1 },
      { kind: 'ReLU6', count: 1 },
      { kind: 'SiLU', count: 1 },
    ])
  })

  it('BatchNormalization still present', () => {
    expect(s.batchNorm).toEqual({ count: 1, state: 'present' })
  })

  it('counts agree with onnx (make-fixtures.py)', () => {
    expect(s.nodeCount).toBe(expected.nodeCount)
    expect(s.parameters.initializerElements).toBe(expected.initializerElements)
    expect(s.parameters.initializerCount).toBe(expected.initializerCount)
    expect(s.parameters.constantCount).toBe(expected.constantCount)
    expect(Object.fromEntries(s.opTypes.map((o) => [o.opType, o.count]))).toEqual(expected.opTypes)
  })

  it('Constant-node elements apart from initializers; bytes = float32 elements × 4', () => {
    expect(s.parameters.constantElements).toBeGreaterThan(0)
    expect(s.parameters.initializerBytes).toBe(expected.initializerElements * 4)
  })

  it('MACs from inferred shapes, every op kind', () => {
    expect(s.macs.total).toBe(270_416)
    expect(s.macs.unresolved).toEqual([])
    expect(s.outputs.map((o) => o.name)).toEqual(['logits', 'tokens'])
  })
})

describe('quantized models', () => {
  it('QDQ: QuantizeLinear/DequantizeLinear counted, symbolic batch kept in inputs and outputs', () => {
    const s = summarize(repoFixture('models', 'qdq.onnx'))
    expect(s.quantization).toEqual({
      present: true,
      ops: [
        { opType: 'DequantizeLinear', count: 3 },
        { opType: 'QuantizeLinear', count: 2 },
      ],
    })
    expect(s.inputs).toEqual([{ name: 'images', elemType: 'float32', shape: ['batch', 3, 8, 8] }])
    expect(s.outputs).toEqual([{ name: 'out', elemType: 'float32', shape: ['batch', 4, 8, 8] }])
    expect(s.activations).toEqual([{ kind: 'Relu', count: 1 }])
    expect(s.macs.total).toBe(6912)
    // int8 weights: 108 bytes; the uint8/int8 zero points 1 + 1 + 4; float scales and bias 4 + 16 + 16 + 4.
    expect(s.parameters.initializerBytes).toBe(108 + 1 + 1 + 4 + 4 + 16 + 16 + 4)
  })

  it('QOperator: QLinearConv/QLinearMatMul; an output declared without shape reports shape null', () => {
    const s = summarize(repoFixture('models', 'qoperator.onnx'))
    expect(s.quantization.ops.map((o) => o.opType).sort()).toEqual([
      'DequantizeLinear',
      'QLinearConv',
      'QLinearMatMul',
      'QuantizeLinear',
    ])
    expect(s.outputs).toEqual([{ name: 'out', elemType: 'float32', shape: null }])
    expect(s.macs.total).toBe(6912 + 1280)
    expect(s.batchNorm.state).toBe('none')
  })
})

describe('summary details', () => {
  it('dynamic quantization: DynamicQuantizeLinear + MatMulInteger listed, MatMulInteger MACs counted', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    graph['node'] = [
      { name: 'dq', opType: 'DynamicQuantizeLinear', input: ['x'], output: ['xq', 'xs', 'xz'] },
      { name: 'mm', opType: 'MatMulInteger', input: ['xq', 'w', 'xz'], output: ['y'] },
    ]
    graph['initializer'] = [{ name: 'w', dims: [3, 5], dataType: 2, rawData: new Uint8Array(15) }]
    graph['output'] = [valueInfo('y', [1, 5], 6)]
    const s = openOnnx(encodeModel(model), noSiblingsHost)
    expect(s.quantization).toEqual({
      present: true,
      ops: [
        { opType: 'DynamicQuantizeLinear', count: 1 },
        { opType: 'MatMulInteger', count: 1 },
      ],
    })
    expect(s.macs.byOpType).toEqual({ MatMulInteger: 1 * 3 * 5 })
    expect(s.parameters.initializerBytes).toBe(15)
  })

  it('metadata_props, non-default domains as domain:Op, element type names', () => {
    const model = reluModel({
      metadataProps: [
        { key: 'stride', value: '32' },
        { key: 'names', value: "{0: 'person'}" },
      ],
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
    })
    const graph = model['graph'] as Record<string, unknown>
    graph['node'] = [
      { name: 'relu', opType: 'Relu', input: ['x'], output: ['h'] },
      { name: 'gelu', opType: 'Gelu', domain: 'com.microsoft', input: ['h'], output: ['y'] },
    ]
    graph['input'] = [valueInfo('x', [1, 3], 10)]
    graph['output'] = [valueInfo('y', [1, 3], 16)]
    const s = openOnnx(encodeModel(model), noSiblingsHost)
    expect(s.metadata).toEqual({ stride: '32', names: "{0: 'person'}" })
    expect(s.opTypes).toEqual([
      { opType: 'Relu', count: 1 },
      { opType: 'com.microsoft:Gelu', count: 1 },
    ])
    expect(s.inputs[0]?.elemType).toBe('float16')
    expect(s.outputs[0]?.elemType).toBe('bfloat16')
    expect(s.activations).toEqual([
      { kind: 'Gelu', count: 1 },
      { kind: 'Relu', count: 1 },
    ])
    expect(s.warnings.some((w) => /no shape rule for op type\(s\) com\.microsoft:Gelu/.test(w))).toBe(true)
  })

  it('If subgraph nodes: counted in opTypes, not in nodeCount, with a warning', () => {
    const model = reluModel()
    const graph = model['graph'] as Record<string, unknown>
    const branch = (op: string) => ({
      name: `${op}-branch`,
      node: [{ name: op, opType: op, input: ['x'], output: [`${op}_out`] }],
      output: [valueInfo(`${op}_out`, [1, 3])],
    })
    graph['node'] = [
      { name: 'relu', opType: 'Relu', input: ['x'], output: ['h'] },
      {
        name: 'cond',
        opType: 'Constant',
        output: ['c'],
        attribute: [{ name: 'value', type: 4, t: { dims: [], dataType: 9, int32Data: [1] } }],
      },
      {
        name: 'if',
        opType: 'If',
        input: ['c'],
        output: ['y'],
        attribute: [
          { name: 'then_branch', type: 5, g: branch('Sigmoid') },
          { name: 'else_branch', type: 5, g: branch('Tanh') },
        ],
      },
    ]
    const s = openOnnx(encodeModel(model), noSiblingsHost)
    expect(s.nodeCount).toBe(3)
    expect(s.opTypes.reduce((n, o) => n + o.count, 0)).toBe(5)
    expect(s.parameters.constantCount).toBe(1)
    expect(s.parameters.constantElements).toBe(1)
    expect(s.warnings.some((w) => /2 node\(s\) sit inside If\/Loop\/Scan subgraphs/.test(w))).toBe(true)
  })

  it('summarizes each real fixture quickly (cold < 2 s, warm < 200 ms)', () => {
    for (const name of ['yolox_nano.onnx', 'nanodet_m.onnx']) {
      const bytes = readBytes(sharedFixture('models', name))
      const t0 = performance.now()
      openOnnx(bytes, noSiblingsHost)
      const cold = performance.now() - t0
      const t1 = performance.now()
      openOnnx(bytes, noSiblingsHost)
      const warm = performance.now() - t1
      expect(cold, name).toBeLessThan(2000)
      expect(warm, name).toBeLessThan(200)
    }
  })
})
