/**
 * Precision–recall curves of several runs overlaid: COCO's 101 recall points on x, precision on y, one
 * line per run, for the mean over classes (categoryId -1) or one class, at one IoU. Pure.
 */
import type { PrCurveData } from '../../../src-main/shared/api'
import { CHART_AXIS, CHART_FONT, CHART_MUTED_TEXT, CHART_SPLIT, CHART_TEXT } from './chart-style'
import { seriesColor, type LineChartOption } from './chart-types'

export interface PrCurveRun {
  name: string
  curves: readonly PrCurveData[]
}

/** COCO's recall thresholds: 0, 0.01 … 1. */
export const RECALL_POINTS: readonly number[] = Array.from({ length: 101 }, (_, i) => i / 100)

/** The curve of a class at an IoU (within 1e-6), or undefined. */
export function findCurve(
  curves: readonly PrCurveData[],
  categoryId: number,
  iou: number,
): PrCurveData | undefined {
  return curves.find((c) => c.categoryId === categoryId && Math.abs(c.iou - iou) < 1e-6)
}

/** [recall, precision] pairs; COCO's -1 (undefined precision) become gaps (null). */
export function curvePoints(curve: PrCurveData): [number, number | null][] {
  return curve.precision.map((p, i) => [RECALL_POINTS[i] ?? i / 100, p < 0 ? null : p])
}

export function buildPrCurvesOption(
  runs: readonly PrCurveRun[],
  categoryId = -1,
  iou = 0.5,
): LineChartOption {
  return {
    animation: false,
    textStyle: { fontFamily: CHART_FONT, fontSize: 11, color: CHART_TEXT },
    legend: { top: 0, left: 4, type: 'scroll', textStyle: { fontSize: 11, color: CHART_MUTED_TEXT } },
    grid: {
      left: 8,
      right: 16,
      top: 30,
      bottom: 24,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: {
      trigger: 'axis',
      textStyle: { fontSize: 12 },
      valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(3) : '—'),
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: 'recall',
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: { color: CHART_MUTED_TEXT },
      axisLine: { lineStyle: { color: CHART_AXIS } },
      axisLabel: { color: CHART_MUTED_TEXT, fontSize: 10 },
      splitLine: { lineStyle: { color: CHART_SPLIT } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      axisLabel: { color: CHART_MUTED_TEXT, fontSize: 10 },
      splitLine: { lineStyle: { color: CHART_SPLIT } },
    },
    series: runs.map((run, i) => {
      const curve = findCurve(run.curves, categoryId, iou)
      return {
        type: 'line' as const,
        name: run.name,
        color: seriesColor(i),
        showSymbol: false,
        lineStyle: { width: 2 },
        data: curve ? curvePoints(curve) : [],
      }
    }),
  }
}
