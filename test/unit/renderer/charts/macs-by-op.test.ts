import { describe, expect, it } from 'vitest'
import { buildMacsByOpOption, macsByOpBars } from '../../../../src-renderer/src/charts/macs-by-op'
import { barChartHeight } from '../../../../src-renderer/src/charts/chart-style'

describe('macsByOpBars', () => {
  it('sorts op types by MACs, gives each its share of the total, and drops zeros', () => {
    const bars = macsByOpBars({ total: 1000, byOpType: { Gemm: 100, Conv: 900, MatMul: 0 } })
    expect(bars).toEqual([
      { opType: 'Conv', macs: 900, share: 0.9 },
      { opType: 'Gemm', macs: 100, share: 0.1 },
    ])
  })

  it('gives a zero share, not NaN, when the total is zero', () => {
    expect(macsByOpBars({ total: 0, byOpType: { Conv: 0 } })).toEqual([])
    expect(macsByOpBars({ total: 0, byOpType: { Conv: 5 } })[0]!.share).toBe(0)
  })
})

describe('buildMacsByOpOption', () => {
  it('labels each bar with millions of MACs and its share', () => {
    const option = buildMacsByOpOption({ total: 522_553_408, byOpType: { Conv: 522_553_408 } })
    expect(option.yAxis).toMatchObject({ type: 'category', inverse: true, data: ['Conv'] })
    const series = option.series as Array<{ data: Array<{ value: number; label: { formatter: string } }> }>
    expect(series[0]!.data).toEqual([{ value: 522_553_408, label: { formatter: '523 M · 100.0%' } }])
  })
})

describe('barChartHeight', () => {
  it('grows with the bar count and keeps a floor for charts with one or two bars', () => {
    expect(barChartHeight(10)).toBe(10 * 20 + 16)
    expect(barChartHeight(1)).toBe(barChartHeight(3))
  })
})
