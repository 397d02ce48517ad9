import { describe, expect, it } from 'vitest'
import type { RunClassMetrics } from '../../../../src-main/shared/api'
import {
  buildClassApDeltaOption,
  classApDeltas,
  COLOR_GAIN,
  COLOR_LOSS,
} from '../../../../src-renderer/src/charts/class-ap-delta'

const cls = (categoryId: number, name: string, ap: number, ap50 = ap): RunClassMetrics => ({
  categoryId,
  name,
  ap,
  ap50,
  ap75: ap,
  nGt: ap < 0 ? 0 : 10,
  nDt: 10,
})

describe('classApDeltas', () => {
  const base = [cls(1, 'person', 0.5), cls(2, 'car', 0.4), cls(3, 'dog', -1), cls(4, 'cat', 0.3)]
  const other = [cls(1, 'person', 0.45), cls(2, 'car', 0.1), cls(3, 'dog', 0.2), cls(4, 'cat', 0.35)]

  it('sorts classes by delta, worst loss first, and leaves out classes without ground truth', () => {
    const deltas = classApDeltas(base, other)
    expect(deltas.map((d) => d.name)).toEqual(['car', 'person', 'cat'])
    expect(deltas[0]!.delta).toBeCloseTo(-0.3, 12)
    expect(deltas[2]!.delta).toBeCloseTo(0.05, 12)
  })

  it('uses the field asked for and skips classes the other run lacks', () => {
    const deltas = classApDeltas([cls(1, 'a', 0.5, 0.9), cls(9, 'b', 0.5)], [cls(1, 'a', 0.5, 0.6)], 'ap50')
    expect(deltas).toHaveLength(1)
    expect(deltas[0]!.delta).toBeCloseTo(-0.3, 12)
  })
})

describe('buildClassApDeltaOption', () => {
  it('colours losses and gains and labels the bars in points', () => {
    const option = buildClassApDeltaOption(
      classApDeltas([cls(1, 'a', 0.5), cls(2, 'b', 0.2)], [cls(1, 'a', 0.4), cls(2, 'b', 0.3)]),
    )
    expect(option.yAxis).toMatchObject({ data: ['a', 'b'], inverse: true })
    const data = (
      option.series as Array<{ data: Array<{ itemStyle: { color: string }; label: { formatter: string } }> }>
    )[0]!.data
    expect(data.map((d) => d.itemStyle.color)).toEqual([COLOR_LOSS, COLOR_GAIN])
    expect(data.map((d) => d.label.formatter)).toEqual(['−10.00', '+10.00'])
  })
})
