/**
 * The runs table's rows: a run summary plus the words the table shows and filters on (model file name,
 * dataset file name, precision modes as text, short protocol hash). Pure.
 */
import type { RunSummary } from '../../../src-main/shared/api'

export interface RunRow extends RunSummary {
  model: string
  dataset: string
  precisionText: string
  protocol: string
  tagsText: string
}

/** `{ head: 'a16_w16', '*': 'a8_w8' }` → `*=a8_w8 head=a16_w16` (keys sorted; empty when none). */
export function precisionModesText(modes: Record<string, string> | null): string {
  if (!modes) return ''
  return Object.keys(modes)
    .sort()
    .map((k) => `${k}=${modes[k]}`)
    .join(' ')
}

export function toRunRow(
  run: RunSummary,
  modelName: (id: number) => string | undefined,
  datasetName: (id: number) => string | undefined,
): RunRow {
  return {
    ...run,
    model: run.modelId === null ? '' : (modelName(run.modelId) ?? `model #${run.modelId}`),
    dataset: run.datasetId === null ? '' : (datasetName(run.datasetId) ?? `dataset #${run.datasetId}`),
    precisionText: precisionModesText(run.precisionModes),
    protocol: run.protocolHash.slice(0, 10),
    tagsText: run.tags.join(', '),
  }
}

/** What a tags cell's edit means: comma or space separated, trimmed, without duplicates. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ]
}

/** Columns a user may group by: field and its heading. */
export const GROUPABLE: readonly { field: keyof RunRow; label: string }[] = [
  { field: 'model', label: 'Model' },
  { field: 'stage', label: 'Stage' },
  { field: 'backend', label: 'Backend' },
  { field: 'label', label: 'Label' },
  { field: 'optimizationLevel', label: 'Level' },
  { field: 'calibrationSetId', label: 'Calibration set' },
  { field: 'precisionText', label: 'Precision' },
  { field: 'dataset', label: 'Dataset' },
  { field: 'protocol', label: 'Protocol' },
  { field: 'status', label: 'Status' },
]

/** The text a group is known by (null and empty read `(none)`). */
export function groupValue(row: RunRow, field: keyof RunRow): string {
  const v = row[field]
  if (v === null || v === undefined || v === '') return '(none)'
  return String(v)
}
