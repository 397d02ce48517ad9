/** The runs table as CSV (RFC 4180: comma, CRLF, quotes doubled), one row per run, for spreadsheets. */
import type { RunSummary } from '../../shared/run'

export const RUNS_CSV_COLUMNS = [
  'id',
  'uid',
  'status',
  'stage',
  'backend',
  'label',
  'modelId',
  'datasetId',
  'protocolHash',
  'optimizationLevel',
  'calibrationSetId',
  'clipping',
  'weightGranularity',
  'precisionModes',
  'map50_95',
  'map50',
  'precision',
  'recall',
  'imageCount',
  'errorCount',
  'createdAt',
  'finishedAt',
  'tags',
  'notes',
  'error',
] as const satisfies readonly (keyof RunSummary)[]

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = Array.isArray(value)
    ? value.join(';')
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value)
  // Quote when needed; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function runsToCsv(runs: readonly RunSummary[]): string {
  const lines = [RUNS_CSV_COLUMNS.join(',')]
  for (const run of runs) lines.push(RUNS_CSV_COLUMNS.map((c) => cell(run[c])).join(','))
  return `${lines.join('\r\n')}\r\n`
}
