/** The ECharts option type every chart component accepts: the union of the series and components registered in `echarts-setup.ts`. */
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components'
import type { ComposeOption } from 'echarts/core'

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TitleComponentOption
  | TooltipComponentOption
>

export type LineChartOption = ComposeOption<
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TitleComponentOption
  | TooltipComponentOption
>

/** Series colours, in order: distinguishable, colour-blind-friendly (Okabe–Ito based), readable on white. */
export const SERIES_COLORS = [
  '#2f62d0',
  '#d55e00',
  '#12877a',
  '#a23fa6',
  '#b8860b',
  '#56b4e9',
  '#cc3d6b',
  '#4d5d73',
] as const

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!
}
