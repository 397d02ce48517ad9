/**
 * Differences between records (recipes, protocols, table rows): flatten nested objects to dotted keys,
 * then keep the keys whose values are not all equal. Pure: plain data in, plain rows out.
 */

/** `{ nms: { iou: 0.7 } }` → `{ 'nms.iou': 0.7 }`. Arrays are leaves (compared whole). */
export function flatten(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 0 && prefix !== '') out[prefix] = {}
    for (const [key, inner] of entries) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, out)
  } else if (prefix !== '') {
    out[prefix] = value
  }
  return out
}

/** A stable text for any JSON-safe value: equal values give equal text (object keys sorted). */
export function valueKey(value: unknown): string {
  if (value === undefined) return '∅'
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      )
    }
    return inner
  })
}

/** How a value reads in a diff table: `—` when a record does not have the key. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(+value.toPrecision(6))
  return valueKey(value)
}

export interface DiffRow {
  key: string
  /** One per record, in the records' order; undefined where a record lacks the key. */
  values: unknown[]
  differs: boolean
}

/** Every key of any record (flattened), sorted; with `differencesOnly`, only those whose values differ. */
export function diffRecords(
  records: readonly unknown[],
  options: { differencesOnly?: boolean } = {},
): DiffRow[] {
  const flat = records.map((r) => flatten(r ?? {}))
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort()
  const rows = keys.map((key) => {
    const values = flat.map((f) => f[key])
    const first = valueKey(values[0])
    return { key, values, differs: values.some((v) => valueKey(v) !== first) }
  })
  return options.differencesOnly ? rows.filter((r) => r.differs) : rows
}

/** The fields whose values are equal across all rows (what "differences only" hides). No rows: none. */
export function constantFields<T extends object>(rows: readonly T[], fields: readonly string[]): string[] {
  if (rows.length === 0) return []
  return fields.filter((field) => {
    const first = valueKey((rows[0] as Record<string, unknown>)[field])
    return rows.every((row) => valueKey((row as Record<string, unknown>)[field]) === first)
  })
}
