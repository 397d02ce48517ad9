/**
 * Canonical JSON: object keys sorted at every level, no whitespace, so equal values give equal text
 * (and equal hashes) whatever order they were built in. Used to hash protocols and recipes.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  if (typeof value === 'number' && Object.is(value, -0)) return '0'
  return JSON.stringify(value) ?? 'null'
}
