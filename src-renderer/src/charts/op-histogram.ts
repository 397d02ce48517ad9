/**
 * The op-type histogram of a model summary: a horizontal bar per ONNX op type, the most frequent on top.
 * Pure: summary data in, ECharts option out.
 */
import type { BarSeriesOption } from 'echarts/charts'
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import type { OpTypeCount } from '../../../src-main/shared/api'
import {
  categoryYAxis,
  CHART_FONT,
  CHART_MUTED_TEXT,
  CHART_SPLIT,
  CHART_TEXT,
  COLOR_COUNT,
  COLOR_OTHER,
} from './chart-style'

export type BarChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>

export interface OpHistogramBar {
  opType: string
  count: number
  /** True for the bar that sums the op types beyond `maxBars`. */
  other: boolean
}

export const DEFAULT_MAX_BARS = 24

/**
 * Bars sorted by count (descending), then op type (ascending), so equal counts have a stable order
 * whatever order the summary listed them in. Beyond `maxBars`, the tail is summed into one last bar,
 * `other (N types)`. Op types with a zero count are dropped.
 */
export function opHistogramBars(
  opTypes: readonly OpTypeCount[],
  maxBars = DEFAULT_MAX_BARS,
): OpHistogramBar[] {
  if (maxBars < 2) throw new RangeError(`maxBars must be at least 2, got ${maxBars}`)
  const sorted = opTypes
    .filter((o) => o.count > 0)
    .map((o) => ({ opType: o.opType, count: o.count, other: false }))
    .sort((a, b) => b.count - a.count || (a.opType < b.opType ? -1 : a.opType > b.opType ? 1 : 0))
  if (sorted.length <= maxBars) return sorted
  const kept = sorted.slice(0, maxBars - 1)
  const rest = sorted.slice(maxBars - 1)
  const restCount = rest.reduce((sum, o) => sum + o.count, 0)
  return [...kept, { opType: `other (${rest.length} types)`, count: restCount, other: true }]
}

export function buildOpHistogramOption(
  opTypes: readonly OpTypeCount[],
  options: { maxBars?: number } = {},
): BarChartOption {
  const bars = opHistogramBars(opTypes, options.maxBars)
  return {
    animation: false,
    textStyle: { fontFamily: CHART_FONT, fontSize: 11, color: CHART_TEXT },
    grid: { left: 4, right: 44, top: 4, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { trigger: 'item', formatter: '{b}: {c} nodes', textStyle: { fontSize: 12 } },
    xAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { show: false },
      splitLine: { lineStyle: { color: CHART_SPLIT } },
    },
    yAxis: categoryYAxis(bars.map((b) => b.opType)),
    series: [
      {
        type: 'bar',
        name: 'nodes',
        barMaxWidth: 13,
        data: bars.map((b) => ({
          value: b.count,
          itemStyle: { color: b.other ? COLOR_OTHER : COLOR_COUNT, borderRadius: [0, 2, 2, 0] },
        })),
        label: { show: true, position: 'right', color: CHART_MUTED_TEXT, fontSize: 11 },
      },
    ],
  }
}
