import { describe, expect, it } from 'vitest'
import type { RunMetrics } from '../../../../src-main/shared/api'
import { formatDeltaPoints, formatMetric, metricRows } from '../../../../src-renderer/src/compare/metric-rows'

const stats = (ap: number): RunMetrics['coco']['stats'] => [
  ap,
  0.5,
  0.4,
  -1,
  0.3,
  0.2,
  0.1,
  0.2,
  0.3,
  -1,
  0.4,
  0.5,
]

describe('metricRows', () => {
  const base: RunMetrics = {
    coco: { stats: stats(0.4) },
    ultralytics: {
      precision: 0.6,
      recall: 0.5,
      f1: 0.55,
      map50: 0.6,
      map75: 0.4,
      map50_95: 0.42,
      confidence: 0.3,
    },
  }
  const other: RunMetrics = { coco: { stats: stats(0.35) } }

  it('gives the 12 COCO stats and the Ultralytics P/R/mAP, with deltas against the first run', () => {
    const rows = metricRows([base, other])
    expect(rows).toHaveLength(16)
    expect(rows[0]).toMatchObject({ key: 'coco.0', label: 'AP', values: [0.4, 0.35] })
    expect(rows[0]!.deltas[0]).toBeNull()
    expect(rows[0]!.deltas[1]).toBeCloseTo(-0.05, 12)
  })

  it('reads pycocotools -1 and missing Ultralytics numbers as null, without a delta', () => {
    const rows = metricRows([base, other, null])
    expect(rows.find((r) => r.key === 'coco.3')!.values).toEqual([null, null, null])
    const p = rows.find((r) => r.key === 'ultralytics.precision')!
    expect(p.values).toEqual([0.6, null, null])
    expect(p.deltas).toEqual([null, null, null])
  })
})

describe('formatting', () => {
  it('speaks of deltas in points of percent with a real minus sign', () => {
    expect(formatDeltaPoints(-0.0336)).toBe('−3.36')
    expect(formatDeltaPoints(0.012)).toBe('+1.20')
    expect(formatDeltaPoints(0.00001)).toBe('±0.00')
    expect(formatMetric(0.18037)).toBe('18.04')
    expect(formatMetric(null)).toBe('—')
  })
})
