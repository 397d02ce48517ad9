/**
 * Per-class AP deltas between a baseline run and another: one horizontal bar per class, the worst loss on
 * top, red for a loss and green for a gain. Classes without ground truth (AP -1) are left out. Pure.
 */
import type { RunClassMetrics } from '../../../src-main/shared/api'
import { formatDeltaPoints } from '../compare/metric-rows'
import { CHART_FONT, CHART_MUTED_TEXT, CHART_SPLIT, CHART_TEXT, categoryYAxis } from './chart-style'
import type { BarChartOption } from './op-histogram'

export type ClassApField = 'ap' | 'ap50' | 'ap75'

export interface ClassApDelta {
  categoryId: number
  name: string
  base: number
  other: number
  delta: number
}

/** Classes both runs score (AP ≥ 0 in both), sorted by delta ascending (largest loss first), ties by name. */
export function classApDeltas(
  base: readonly RunClassMetrics[],
  other: readonly RunClassMetrics[],
  field: ClassApField = 'ap',
): ClassApDelta[] {
  const others = new Map(other.map((c) => [c.categoryId, c]))
  const out: ClassApDelta[] = []
  for (const b of base) {
    const o = others.get(b.categoryId)
    if (!o || b[field] < 0 || o[field] < 0) continue
    out.push({
      categoryId: b.categoryId,
      name: b.name,
      base: b[field],
      other: o[field],
      delta: o[field] - b[field],
    })
  }
  return out.sort((a, b) => a.delta - b.delta || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export const COLOR_LOSS = '#c8463d'
export const COLOR_GAIN = '#1c8a55'

export function buildClassApDeltaOption(deltas: readonly ClassApDelta[]): BarChartOption {
  return {
    animation: false,
    textStyle: { fontFamily: CHART_FONT, fontSize: 11, color: CHART_TEXT },
    grid: { left: 4, right: 56, top: 4, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      trigger: 'item',
      textStyle: { fontSize: 12 },
      formatter: (params: unknown) => {
        const d = deltas[(params as { dataIndex?: number }).dataIndex ?? -1]
        return d
          ? `${d.name}: ${(d.base * 100).toFixed(2)} → ${(d.other * 100).toFixed(2)} (${formatDeltaPoints(d.delta)})`
          : ''
      },
    },
    xAxis: {
      type: 'value',
      axisLabel: { color: CHART_MUTED_TEXT, fontSize: 10, formatter: (v: number) => (v * 100).toFixed(0) },
      splitLine: { lineStyle: { color: CHART_SPLIT } },
    },
    yAxis: categoryYAxis(deltas.map((d) => d.name)),
    series: [
      {
        type: 'bar',
        name: 'Δ AP',
        barMaxWidth: 12,
        data: deltas.map((d) => ({
          value: d.delta,
          itemStyle: { color: d.delta < 0 ? COLOR_LOSS : COLOR_GAIN },
          label: { formatter: formatDeltaPoints(d.delta), position: d.delta < 0 ? 'left' : 'right' },
        })),
        label: { show: true, color: CHART_MUTED_TEXT, fontSize: 10 },
      },
    ],
  }
}
