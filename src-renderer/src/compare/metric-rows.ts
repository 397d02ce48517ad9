/**
 * The metric table of the Compare view: pycocotools' 12 stats and the Ultralytics P/R/mAP, one column per
 * run, with each run's delta against the first (the baseline). Pure.
 */
import type { RunMetrics } from '../../../src-main/shared/api'

export const COCO_STAT_NAMES = [
  'AP',
  'AP50',
  'AP75',
  'AP small',
  'AP medium',
  'AP large',
  'AR1',
  'AR10',
  'AR100',
  'AR small',
  'AR medium',
  'AR large',
] as const

export interface MetricRow {
  key: string
  label: string
  group: 'COCO' | 'Ultralytics'
  /** One per run; null where the run has no such number (or pycocotools' -1: undefined). */
  values: (number | null)[]
  /** values[i] - values[0]; null for the baseline or where either is missing. */
  deltas: (number | null)[]
}

const ULTRALYTICS = [
  ['precision', 'P'],
  ['recall', 'R'],
  ['map50', 'mAP50'],
  ['map50_95', 'mAP50-95'],
] as const

function row(key: string, label: string, group: MetricRow['group'], values: (number | null)[]): MetricRow {
  const base = values[0] ?? null
  const deltas = values.map((v, i) => (i === 0 || v === null || base === null ? null : v - base))
  return { key, label, group, values, deltas }
}

export function metricRows(metrics: readonly (RunMetrics | null)[]): MetricRow[] {
  const coco = COCO_STAT_NAMES.map((label, i) =>
    row(
      `coco.${i}`,
      label,
      'COCO',
      metrics.map((m) => {
        const v = m?.coco.stats[i]
        return v === undefined || v < 0 ? null : v
      }),
    ),
  )
  const ultra = ULTRALYTICS.map(([key, label]) =>
    row(
      `ultralytics.${key}`,
      label,
      'Ultralytics',
      metrics.map((m) => m?.ultralytics?.[key] ?? null),
    ),
  )
  return [...coco, ...ultra]
}

/** `0.0123` → `+1.23`, in points of percent (how mAP deltas are spoken of); `−` is a real minus sign. */
export function formatDeltaPoints(delta: number): string {
  const pts = delta * 100
  const text = Math.abs(pts).toFixed(2)
  if (text === '0.00') return '±0.00'
  return `${pts < 0 ? '−' : '+'}${text}`
}

/** `0.18037` → `18.04` (percent, two decimals). */
export function formatMetric(value: number | null): string {
  return value === null ? '—' : (value * 100).toFixed(2)
}
