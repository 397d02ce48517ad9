import { describe, expect, it } from 'vitest'
import type { OpTypeCount } from '../../../../src-main/shared/api'
import { buildOpHistogramOption, opHistogramBars } from '../../../../src-renderer/src/charts/op-histogram'

const yoloxLike: OpTypeCount[] = [
  { opType: 'Sigmoid', count: 3 },
  { opType: 'Conv', count: 82 },
  { opType: 'Mul', count: 61 },
  { opType: 'Concat', count: 13 },
  { opType: 'Add', count: 13 },
  { opType: 'Resize', count: 2 },
]

type Series = { type: string; data: Array<{ value: number; itemStyle: { color: string } }> }

function seriesOf(option: ReturnType<typeof buildOpHistogramOption>): Series {
  const series = option.series as Series[]
  expect(series).toHaveLength(1)
  return series[0]!
}

describe('opHistogramBars', () => {
  it('sorts by count descending, then by op type so equal counts keep a stable order', () => {
    expect(opHistogramBars(yoloxLike).map((b) => [b.opType, b.count])).toEqual([
      ['Conv', 82],
      ['Mul', 61],
      ['Add', 13],
      ['Concat', 13],
      ['Sigmoid', 3],
      ['Resize', 2],
    ])
  })

  it('does not depend on the order the summary listed op types in', () => {
    const reversed = [...yoloxLike].reverse()
    expect(opHistogramBars(reversed)).toEqual(opHistogramBars(yoloxLike))
  })

  it('does not modify its input', () => {
    const input = yoloxLike.map((o) => ({ ...o }))
    opHistogramBars(input)
    expect(input).toEqual(yoloxLike)
  })

  it('drops zero counts and returns no bars for an empty graph', () => {
    expect(opHistogramBars([{ opType: 'Conv', count: 0 }])).toEqual([])
    expect(opHistogramBars([])).toEqual([])
  })

  it('sums the tail beyond maxBars into one "other" bar, keeping the total', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      opType: `Op${String(i).padStart(2, '0')}`,
      count: 100 - i,
    }))
    const bars = opHistogramBars(many, 10)
    expect(bars).toHaveLength(10)
    expect(bars.slice(0, 9).every((b) => !b.other)).toBe(true)
    // Op09 … Op29: 21 types with counts 91 … 71.
    expect(bars[9]).toEqual({ opType: 'other (21 types)', count: 1701, other: true })
    const total = (list: { count: number }[]) => list.reduce((s, b) => s + b.count, 0)
    expect(total(bars)).toBe(total(many))
  })

  it('keeps exactly maxBars types without an "other" bar', () => {
    const exact = Array.from({ length: 5 }, (_, i) => ({ opType: `Op${i}`, count: i + 1 }))
    expect(opHistogramBars(exact, 5).some((b) => b.other)).toBe(false)
  })

  it('refuses a maxBars that leaves no room for the "other" bar', () => {
    expect(() => opHistogramBars(yoloxLike, 1)).toThrow(/maxBars must be at least 2, got 1/)
  })
})

describe('buildOpHistogramOption', () => {
  it('is a horizontal bar chart: op types on an inverted category y axis (most frequent on top), counts on x', () => {
    const option = buildOpHistogramOption(yoloxLike)
    expect(option.yAxis).toMatchObject({
      type: 'category',
      inverse: true,
      data: ['Conv', 'Mul', 'Add', 'Concat', 'Sigmoid', 'Resize'],
    })
    expect(option.xAxis).toMatchObject({ type: 'value', minInterval: 1 })
    const series = seriesOf(option)
    expect(series.type).toBe('bar')
    expect(series.data.map((d) => d.value)).toEqual([82, 61, 13, 13, 3, 2])
  })

  it('colours the "other" bar apart from real op types', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ opType: `Op${i}`, count: 10 - i }))
    const data = seriesOf(buildOpHistogramOption(many, { maxBars: 4 })).data
    expect(new Set(data.slice(0, 3).map((d) => d.itemStyle.color)).size).toBe(1)
    expect(data[3]!.itemStyle.color).not.toBe(data[0]!.itemStyle.color)
  })

  it('labels every bar with its count and has no animation (screenshots and tests see the final chart)', () => {
    const option = buildOpHistogramOption(yoloxLike)
    expect(option.animation).toBe(false)
    expect((option.series as Array<{ label: { show: boolean } }>)[0]!.label.show).toBe(true)
  })

  it('is plain JSON-safe data for the same input (no shared mutable state between calls)', () => {
    const a = buildOpHistogramOption(yoloxLike)
    const b = buildOpHistogramOption(yoloxLike)
    expect(a).toEqual(b)
    expect(a).not.toBe(b)
    expect(JSON.parse(JSON.stringify(a))).toEqual(a)
  })
})
