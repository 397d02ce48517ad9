import { describe, expect, it } from 'vitest'
import {
  batchNormFact,
  defaultOpset,
  formatActivations,
  formatOpsets,
  quantizationFact,
} from '../../../../src-renderer/src/summary/graph-facts'
import { heaviestNodes } from '../../../../src-renderer/src/summary/heaviest-nodes'

describe('heaviestNodes', () => {
  const perNode = [
    { name: 'a', opType: 'Conv', macs: 10 },
    { name: 'b', opType: 'Conv', macs: 50 },
    { name: 'c', opType: 'Gemm', macs: 50 },
    { name: 'd', opType: 'Conv', macs: 40 },
  ]

  it('lists the heaviest first, ties in graph order, with share and graph index', () => {
    expect(heaviestNodes({ perNode, total: 150 }, 3)).toEqual([
      { name: 'b', opType: 'Conv', macs: 50, graphIndex: 1, share: 50 / 150 },
      { name: 'c', opType: 'Gemm', macs: 50, graphIndex: 2, share: 50 / 150 },
      { name: 'd', opType: 'Conv', macs: 40, graphIndex: 3, share: 40 / 150 },
    ])
  })

  it('handles an empty graph and a zero total', () => {
    expect(heaviestNodes({ perNode: [], total: 0 })).toEqual([])
    expect(heaviestNodes({ perNode: [{ name: 'x', opType: 'Conv', macs: 0 }], total: 0 })[0]!.share).toBe(0)
  })
})

describe('graph facts', () => {
  it('names the default domain ai.onnx and lists it first', () => {
    const opsets = [
      { domain: 'com.microsoft', version: 1 },
      { domain: '', version: 11 },
    ]
    expect(formatOpsets(opsets)).toBe('ai.onnx 11, com.microsoft 1')
    expect(defaultOpset(opsets)).toBe(11)
    expect(defaultOpset([])).toBeNull()
    expect(formatOpsets([])).toBe('none declared')
  })

  it('warns about unfolded BatchNorm and says when it was folded', () => {
    expect(batchNormFact({ state: 'present', count: 57 })).toMatchObject({
      text: '57 unfolded',
      tone: 'warn',
    })
    expect(batchNormFact({ state: 'folded', count: 0 })).toMatchObject({ text: 'folded', tone: 'ok' })
    expect(batchNormFact({ state: 'none', count: 0 }).text).toBe('none')
  })

  it('describes quantization by its ops', () => {
    expect(quantizationFact({ present: false, ops: [] }).text).toBe('float')
    expect(
      quantizationFact({
        present: true,
        ops: [
          { opType: 'QuantizeLinear', count: 120 },
          { opType: 'DequantizeLinear', count: 1200 },
        ],
      }),
    ).toMatchObject({
      text: 'quantized',
      short: 'QDQ nodes',
      detail: 'QuantizeLinear ×120, DequantizeLinear ×1,200',
    })
    expect(quantizationFact({ present: true, ops: [{ opType: 'QLinearConv', count: 40 }] }).short).toBe(
      'integer ops',
    )
  })

  it('lists activations most frequent first', () => {
    expect(
      formatActivations([
        { kind: 'Sigmoid', count: 3 },
        { kind: 'SiLU', count: 51 },
      ]),
    ).toBe('SiLU ×51, Sigmoid ×3')
    expect(formatActivations([])).toBe('none')
  })
})
