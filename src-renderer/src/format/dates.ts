/** Timestamps as an engineer's log would show them: local time, `YYYY-MM-DD HH:mm`, no locale guessing. */

const pad = (n: number): string => String(n).padStart(2, '0')

/** An ISO 8601 instant in local time; the input itself when it does not parse. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`
}
