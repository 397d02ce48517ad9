/**
 * How numbers read in Quantscope. Grouping is fixed to en-US (`904,481`) whatever the OS locale, so a
 * screenshot, a bug report and a test all show the same digits.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** `904481` → `904,481`. */
export function formatInteger(n: number): string {
  return integer.format(n)
}

/** Three significant digits of `n / 10^9`: `522553408` → `0.523`. */
export function formatGiga(n: number): string {
  if (n === 0) return '0'
  return toSignificant(n / 1e9)
}

/** Three significant digits of `n / 10^6`: `904481` → `0.904`. */
export function formatMega(n: number): string {
  if (n === 0) return '0'
  return toSignificant(n / 1e6)
}

function toSignificant(x: number): string {
  if (Math.abs(x) >= 1000) return integer.format(Math.round(x))
  return x.toPrecision(3)
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const

/** Binary units, three significant digits: `3678356` → `3.51 MiB`. */
export function formatBytes(n: number): string {
  let value = n
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  if (unit === 0) return `${value} B`
  return `${value >= 100 ? Math.round(value) : value.toPrecision(3)} ${BYTE_UNITS[unit]}`
}

/** `0.4137` → `41.4%`; values under 0.1 % keep one significant digit (`0.03%`) instead of reading as 0. */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100
  if (pct === 0) return '0%'
  if (pct < 0.1) return `${pct.toPrecision(1)}%`
  return `${pct.toFixed(1)}%`
}
