/**
 * The stage ladder: a metric (mAP50-95, mAP50, P or R) against the deployment stage, one line per model +
 * recipe label, each point labelled with its delta against the line's first stage. Pure: run summaries
 * in, ECharts option out.
 */
import type { RunSummary } from '../../../src-main/shared/api'
import { formatDeltaPoints, formatMetric } from '../compare/metric-rows'
import { CHART_AXIS, CHART_FONT, CHART_MUTED_TEXT, CHART_SPLIT, CHART_TEXT } from './chart-style'
import { seriesColor, type LineChartOption } from './chart-types'

/** Ladder order of the known stages; `emulator` before `hardware` (the emulator stands in for the device). */
export const LADDER_STAGE_ORDER: readonly string[] = [
  'original',
  'parsed',
  'fp_optimized',
  'quantized',
  'emulator',
  'hardware',
]

export type LadderMetric = 'map50_95' | 'map50' | 'precision' | 'recall'
export const LADDER_METRICS: readonly { key: LadderMetric; label: string }[] = [
  { key: 'map50_95', label: 'mAP50-95' },
  { key: 'map50', label: 'mAP50' },
  { key: 'precision', label: 'P' },
  { key: 'recall', label: 'R' },
]

export type LadderRun = Pick<
  RunSummary,
  'id' | 'stage' | 'label' | 'modelId' | 'protocolHash' | 'createdAt' | LadderMetric
>

/** The stages present, in ladder order; stages the app does not know (user labels) follow, by name. */
export function ladderStages(runs: readonly Pick<RunSummary, 'stage'>[]): string[] {
  const present = new Set(runs.map((r) => r.stage))
  const known = LADDER_STAGE_ORDER.filter((s) => present.has(s))
  const custom = [...present].filter((s) => !LADDER_STAGE_ORDER.includes(s)).sort()
  return [...known, ...custom]
}

export interface LadderGroup {
  key: string
  name: string
  /** Stage → the run shown there (the newest of the group's runs at that stage). */
  byStage: Map<string, LadderRun>
}

/** The group a run belongs to: its model and its recipe label. */
export function ladderGroupKey(run: Pick<RunSummary, 'modelId' | 'label'>): string {
  return `${run.modelId ?? '-'}\u0000${run.label}`
}

/**
 * One group per model + label, in order of first appearance; at each stage the newest run (by createdAt,
 * then id) is the one shown. `modelName` names a model id (a file name); unnamed models read `model #id`.
 */
export function ladderGroups(
  runs: readonly LadderRun[],
  modelName: (id: number) => string | undefined = () => undefined,
): LadderGroup[] {
  const groups = new Map<string, LadderGroup>()
  for (const run of runs) {
    const key = ladderGroupKey(run)
    let group = groups.get(key)
    if (!group) {
      const model = run.modelId === null ? null : (modelName(run.modelId) ?? `model #${run.modelId}`)
      const label = run.label === '' ? '(no label)' : run.label
      group = { key, name: model === null ? label : `${model} · ${label}`, byStage: new Map() }
      groups.set(key, group)
    }
    const current = group.byStage.get(run.stage)
    if (
      !current ||
      run.createdAt > current.createdAt ||
      (run.createdAt === current.createdAt && run.id > current.id)
    ) {
      group.byStage.set(run.stage, run)
    }
  }
  return [...groups.values()]
}

export interface LadderPoint {
  stage: string
  runId: number
  value: number | null
  /** Against the group's first stage with a value; null at that stage. */
  delta: number | null
}

export function ladderPoints(
  group: LadderGroup,
  stages: readonly string[],
  metric: LadderMetric,
): LadderPoint[] {
  let base: number | null = null
  const points: LadderPoint[] = []
  for (const stage of stages) {
    const run = group.byStage.get(stage)
    if (!run) continue
    const value = run[metric]
    let delta: number | null = null
    if (value !== null) {
      if (base === null) base = value
      else delta = value - base
    }
    points.push({ stage, runId: run.id, value, delta })
  }
  return points
}

/** The protocol hashes of the runs shown, most used first: more than one means the runs are not comparable. */
export function protocolHashes(runs: readonly Pick<RunSummary, 'protocolHash'>[]): string[] {
  const counts = new Map<string, number>()
  for (const r of runs) counts.set(r.protocolHash, (counts.get(r.protocolHash) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([h]) => h)
}

export type LabelPlace = 'top' | 'bottom' | 'right' | 'hidden'

/**
 * Where each point's label goes, keyed `groupIndex\0stage`, so lines that meet stay readable: at each
 * stage the highest point is labelled above, the lowest below, the others to the right; a point equal to
 * one already labelled there (to 1e-9) is not labelled twice.
 */
export function labelPlaces(
  groups: readonly LadderGroup[],
  stages: readonly string[],
  metric: LadderMetric,
): Map<string, LabelPlace> {
  const places = new Map<string, LabelPlace>()
  for (const stage of stages) {
    const here = groups
      .map((g, i) => ({ i, value: g.byStage.get(stage)?.[metric] ?? null }))
      .filter((p): p is { i: number; value: number } => p.value !== null)
      .sort((a, b) => b.value - a.value || a.i - b.i)
    here.forEach((p, rank) => {
      const prev = here[rank - 1]
      const place: LabelPlace =
        prev && Math.abs(prev.value - p.value) < 1e-9
          ? 'hidden'
          : rank === 0
            ? 'top'
            : rank === here.length - 1
              ? 'bottom'
              : 'right'
      places.set(`${p.i}\u0000${stage}`, place)
    })
  }
  return places
}

export function buildLadderOption(
  groups: readonly LadderGroup[],
  stages: readonly string[],
  metric: LadderMetric,
): LineChartOption {
  const places = labelPlaces(groups, stages, metric)
  const label = LADDER_METRICS.find((m) => m.key === metric)?.label ?? metric
  return {
    animation: false,
    textStyle: { fontFamily: CHART_FONT, fontSize: 11, color: CHART_TEXT },
    title: {
      text: label,
      left: 4,
      top: 0,
      textStyle: { fontSize: 13, fontWeight: 600, color: CHART_TEXT, fontFamily: CHART_FONT },
    },
    legend: {
      show: groups.length > 1,
      top: 0,
      right: 4,
      type: 'scroll',
      itemWidth: 14,
      itemHeight: 8,
      textStyle: { fontSize: 11, color: CHART_MUTED_TEXT },
    },
    grid: {
      left: 8,
      right: 24,
      top: 34,
      bottom: 4,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    tooltip: {
      trigger: 'axis',
      textStyle: { fontSize: 12 },
      valueFormatter: (v) => formatMetric(v as number),
    },
    xAxis: {
      type: 'category',
      data: [...stages],
      boundaryGap: true,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: CHART_AXIS } },
      axisLabel: { color: CHART_TEXT, fontSize: 11, interval: 0 },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { color: CHART_MUTED_TEXT, fontSize: 10, formatter: (v: number) => (v * 100).toFixed(1) },
      splitLine: { lineStyle: { color: CHART_SPLIT } },
    },
    series: groups.map((group, i) => {
      const points = new Map(ladderPoints(group, stages, metric).map((p) => [p.stage, p]))
      const placeOf = (stage: string): LabelPlace => places.get(`${i}\u0000${stage}`) ?? 'top'
      return {
        type: 'line' as const,
        name: group.name,
        color: seriesColor(i),
        symbolSize: 7,
        connectNulls: true,
        labelLayout: { hideOverlap: true },
        lineStyle: { width: 2 },
        data: stages.map((stage) => {
          const p = points.get(stage)
          if (!p || p.value === null) return null
          return {
            value: p.value,
            label: {
              show: placeOf(stage) !== 'hidden',
              position:
                placeOf(stage) === 'hidden'
                  ? ('top' as const)
                  : (placeOf(stage) as Exclude<LabelPlace, 'hidden'>),
              fontSize: 10,
              color: p.delta !== null && p.delta < 0 ? '#b7322a' : CHART_MUTED_TEXT,
              formatter:
                p.delta === null
                  ? formatMetric(p.value)
                  : `${formatMetric(p.value)} (${formatDeltaPoints(p.delta)})`,
            },
          }
        }),
      }
    }),
  }
}
