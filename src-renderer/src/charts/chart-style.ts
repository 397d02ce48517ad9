/** The look every chart shares, kept equal to `styles/global.css` (ECharts draws on a canvas, not CSS). */

export const CHART_FONT =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif'
export const CHART_TEXT = '#26303d'
export const CHART_MUTED_TEXT = '#5b6676'
export const CHART_AXIS = '#c3cad5'
export const CHART_SPLIT = '#eceff4'
export const COLOR_COUNT = '#3a6fd8'
export const COLOR_MACS = '#12877a'
export const COLOR_OTHER = '#a3adbb'

/** Height in CSS pixels of a horizontal bar chart with `bars` rows: rows stay readable, never cramped. */
export function barChartHeight(bars: number, rowPx = 20, paddingPx = 16): number {
  return Math.max(3, bars) * rowPx + paddingPx
}

/** The category axis of a horizontal bar chart: labels top to bottom in the given order. */
export function categoryYAxis(labels: string[]) {
  return {
    type: 'category' as const,
    inverse: true,
    data: labels,
    axisTick: { show: false },
    axisLine: { lineStyle: { color: CHART_AXIS } },
    axisLabel: { color: CHART_TEXT, fontSize: 11, fontFamily: CHART_FONT },
  }
}
