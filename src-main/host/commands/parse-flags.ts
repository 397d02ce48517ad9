/** Parsers for CLI flag values: each throws an InvalidArgumentError quoting the value. */
import { InvalidArgumentError } from '../../core/errors'

export function positiveInt(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new InvalidArgumentError(`${flag} ${JSON.stringify(value)} is not a positive whole number`)
    }
    return Number(value)
  }
}

/** `key=value,key=value` → object (the `--where` filter). */
export function keyValues(flag: string, allowed: readonly string[]) {
  return (value: string): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const part of value.split(',').filter(Boolean)) {
      const eq = part.indexOf('=')
      const key = part.slice(0, eq).trim()
      if (eq < 1 || !allowed.includes(key)) {
        throw new InvalidArgumentError(
          `${flag} ${JSON.stringify(part)} is not key=value with a key among ${allowed.join(', ')}`,
        )
      }
      out[key] = part.slice(eq + 1).trim()
    }
    return out
  }
}
