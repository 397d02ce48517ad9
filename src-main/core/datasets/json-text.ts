/**
 * JSON text → value for the dataset readers, with messages a user can act on: the file, the line and
 * column of a syntax error, and Python's non-standard `NaN`/`Infinity` literals (json.dump writes them for
 * float('nan')) reported as such instead of as an unexpected token.
 */
import { DatasetError, quote } from '../errors'

/** Stands in for Python's bare NaN / Infinity / -Infinity after `parseJsonText(…, { nonFinite: true })`. */
export const NON_FINITE_MARK = '\u0000non-finite:'

export interface JsonTextOptions {
  /** Accept Python's NaN/Infinity literals, turning them into strings `NON_FINITE_MARK + literal`. */
  nonFinite?: boolean
}

function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: position - lineStart + 1 }
}

/** Replace bare NaN / Infinity / -Infinity outside strings by marked strings; null when there are none. */
function markNonFinite(text: string): string | null {
  const out: string[] = []
  let last = 0
  let inString = false
  let found = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') {
      inString = true
      continue
    }
    for (const literal of ['NaN', 'Infinity', '-Infinity']) {
      if (text.startsWith(literal, i)) {
        out.push(text.slice(last, i), JSON.stringify(NON_FINITE_MARK + literal))
        i += literal.length - 1
        last = i + 1
        found = true
        break
      }
    }
  }
  if (!found) return null
  out.push(text.slice(last))
  return out.join('')
}

/**
 * Where JSON text first breaks the grammar, and why. Run only after JSON.parse failed (V8 names a
 * position for some errors but not for an unexpected token), so speed does not matter.
 */
class JsonSyntaxAt extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(reason)
  }
}

export function findJsonError(text: string): { position: number; reason: string } | null {
  let i = 0
  const fail = (reason: string): never => {
    throw new JsonSyntaxAt(i, reason)
  }
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++
  }
  const unexpected = (): never =>
    fail(i >= text.length ? 'unexpected end of the file' : `unexpected ${JSON.stringify(text[i])}`)
  const literal = (word: string): void => {
    if (!text.startsWith(word, i)) unexpected()
    i += word.length
  }
  const string = (): void => {
    i++
    for (;;) {
      if (i >= text.length) fail('unterminated string')
      const c = text.charCodeAt(i)
      if (c === 34) break
      if (c < 32) fail('control character in a string (write it as \\n, \\t …)')
      if (c === 92) {
        const e = text[i + 1] ?? ''
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6
        else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2
        else fail(`bad escape \\${e}`)
      } else i++
    }
    i++
  }
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m === null) unexpected()
    else i += m[0].length
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') return void i++
      for (;;) {
        ws()
        if (text[i] !== '"')
          fail(
            i >= text.length
              ? 'unexpected end of the file'
              : `expected a quoted key, found ${JSON.stringify(text[i])}`,
          )
        string()
        ws()
        if (text[i] !== ':') fail(`expected ':' after the key`)
        i++
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') return void i++
        else
          fail(
            i >= text.length
              ? 'unexpected end of the file'
              : `expected ',' or '}', found ${JSON.stringify(text[i])}`,
          )
      }
    } else if (c === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') return void i++
        else
          fail(
            i >= text.length
              ? 'unexpected end of the file'
              : `expected ',' or ']', found ${JSON.stringify(text[i])}`,
          )
      }
    } else if (c === '"') string()
    else if (c === 't') literal('true')
    else if (c === 'f') literal('false')
    else if (c === 'n') literal('null')
    else number()
  }
  try {
    value()
    ws()
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`)
    return null
  } catch (error) {
    if (error instanceof JsonSyntaxAt) return { position: error.position, reason: error.reason }
    throw error
  }
}

/** Parse JSON text read from `source` (a path or a name, for messages). Throws DatasetError. */
export function parseJsonText(text: string, source: string, options: JsonTextOptions = {}): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (body.trim() === '') {
    throw new DatasetError(
      `${quote(source)} is empty; expected JSON. Check that the file was written completely`,
    )
  }
  try {
    return JSON.parse(body) as unknown
  } catch (error) {
    if (options.nonFinite) {
      const marked = markNonFinite(body)
      if (marked !== null) {
        try {
          return JSON.parse(marked) as unknown
        } catch {
          // fall through: the error is elsewhere, and is reported against the original text
        }
      }
    }
    const found = findJsonError(body)
    let detail = (error as Error).message
    if (found !== null) {
      const { line, column } = lineColumn(body, found.position)
      const near = body.slice(Math.max(0, found.position - 20), found.position + 20).replace(/\s+/g, ' ')
      detail = `${found.reason} at line ${line} column ${column} (character ${found.position}), near ${quote(near)}`
    }
    throw new DatasetError(
      `${quote(source)} is not valid JSON: ${detail}. Fix the file there or export it again`,
      {
        cause: error,
      },
    )
  }
}

/** Describe a JSON value's type for messages: "a string", "null", "an array" … */
export function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string' && value.startsWith(NON_FINITE_MARK))
    return value.slice(NON_FINITE_MARK.length)
  const t = typeof value
  return t === 'object' ? 'an object' : `a ${t}`
}

/** A value as it appeared in the file, for messages. */
export function showValue(value: unknown): string {
  if (typeof value === 'string' && value.startsWith(NON_FINITE_MARK))
    return value.slice(NON_FINITE_MARK.length)
  if (value === undefined) return 'missing'
  if (typeof value === 'string') return quote(value, 60)
  const text = (JSON.stringify(value) ?? String(value)).replace(/"\\u0000non-finite:(-?\w+)"/g, '$1')
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

/** "it is missing", "got a string \"640\"", "got NaN (Python's json writes a NaN float so)". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'it is missing'
  if (typeof value === 'string' && value.startsWith(NON_FINITE_MARK)) {
    return `got ${value.slice(NON_FINITE_MARK.length)} (Python's json writes non-finite floats so)`
  }
  return `got ${jsonType(value)} ${showValue(value)}`
}
