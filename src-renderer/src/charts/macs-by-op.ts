/**
 * Where the multiply-accumulates go, by op type (Conv, Gemm, MatMul …): horizontal bars in millions of
 * MACs, labelled with their share of the total. Pure: `MacsSummary` in, ECharts option out.
 */
import type { MacsSummary } from '../../../src-main/shared/api'
import { formatMega, formatPercent } from '../format/numbers'
import {
  CHART_FONT,
  CHART_MUTED_TEXT,
  CHART_SPLIT,
  CHART_TEXT,
  COLOR_MACS,
  categoryYAxis,
} from './chart-style'
import type { BarChartOption } from './op-histogram'

export interface MacsBar {
  opType: string
  macs: number
  /** Of `MacsSummary.total`; 0 when the total is 0. */
  share: number
}

/** Op types with MACs, most first (ties by name). */
export function macsByOpBars(macs: Pick<MacsSummary, 'byOpType' | 'total'>): MacsBar[] {
  return Object.entries(macs.byOpType)
    .filter(([, value]) => value > 0)
    .map(([opType, value]) => ({ opType, macs: value, share: macs.total > 0 ? value / macs.total : 0 }))
    .sort((a, b) => b.macs - a.macs || (a.opType < b.opType ? -1 : a.opType > b.opType ? 1 : 0))
}

export function buildMacsByOpOption(macs: Pick<MacsSummary, 'byOpType' | 'total'>): BarChartOption {
  const bars = macsByOpBars(macs)
  return {
    animation: false,
    textStyle: { fontFamily: CHART_FONT, fontSize: 11, color: CHART_TEXT },
    grid: {
      left: 4,
      right: 110,
      top: 4,
      bottom: 4,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: {
      trigger: 'item',
      textStyle: { fontSize: 12 },
      formatter: (params: unknown) => {
        const index = (params as { dataIndex?: number }).dataIndex ?? -1
        const bar = bars[index]
        return bar ? `${bar.opType}: ${formatMega(bar.macs)} M MACs (${formatPercent(bar.share)})` : ''
      },
    },
    xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { lineStyle: { color: CHART_SPLIT } } },
    yAxis: categoryYAxis(bars.map((b) => b.opType)),
    series: [
      {
        type: 'bar',
        name: 'MACs',
        barMaxWidth: 13,
        data: bars.map((b) => ({
          value: b.macs,
          label: { formatter: `${formatMega(b.macs)} M · ${formatPercent(b.share)}` },
        })),
        itemStyle: { color: COLOR_MACS, borderRadius: [0, 2, 2, 0] },
        label: { show: true, position: 'right', color: CHART_MUTED_TEXT, fontSize: 11 },
      },
    ],
  }
}
