/**
 * Hailo `.alls` model scripts: parse into structured statements and write them back.
 *
 * The grammar is known only from use (docs/hailo-formats.md section 6): one command per line,
 * `[target[, target…] =] command(positional…, key=value…)`, `#` comments, blank lines. Values are bare
 * words (`sigmoid`, `conv42`, `a8_w4`, `True`, `yolov8n/conv41`, `conv*`), numbers (their text is kept:
 * `1e-5`, `0.90`), quoted strings, `[…]` lists, `(…)` tuples and `{…}` layer patterns (kept verbatim).
 * A command may span lines while a bracket is open. A line that does not read as a command is kept
 * verbatim, so writing a script back never loses a line.
 *
 * Writing emits the canonical form `name(a, b, key=value)`, which is how the Model Zoo writes its
 * scripts: for those, `writeAlls(parseAlls(text)) === text`.
 */
import { AllsScriptError } from '../errors'
import type { AllsSummary, NotUnderstood } from '../../shared/model-summary'
import type { ModelFormatReader } from '../formats/model-format'

export type AllsValue =
  | { kind: 'word'; text: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'string'; value: string; quote: '"' | "'" }
  | { kind: 'list'; items: AllsValue[] }
  | { kind: 'tuple'; items: AllsValue[] }
  /** `{output_layer*}`, `{conv1, conv2}`: layer patterns, kept as written. */
  | { kind: 'pattern'; text: string }

export interface AllsKeywordArg {
  key: string
  value: AllsValue
}

export interface AllsCommand {
  kind: 'command'
  /** 1-based first line. */
  line: number
  /** `normalization1` in `normalization1 = normalization(...)`; empty when not assigned. */
  targets: string[]
  name: string
  positional: AllsValue[]
  keywords: AllsKeywordArg[]
  /** A trailing `# …` comment on the command's last line, with its `#`; null when none. */
  comment: string | null
  /** A command named in KNOWN_COMMANDS. Unknown commands are still parsed and written back. */
  known: boolean
}

export type AllsStatement =
  | AllsCommand
  | { kind: 'comment'; line: number; text: string }
  | { kind: 'blank'; line: number }
  /** A line (or lines) that does not read as a command; `reason` says why; written back unchanged. */
  | { kind: 'verbatim'; line: number; text: string; reason: string }

export interface AllsScript {
  statements: AllsStatement[]
  eol: '\n' | '\r\n'
  /** The text ended with a line break. */
  finalNewline: boolean
}

/** Commands seen in Model Zoo scripts and public third-party scripts (docs/hailo-formats.md section 6). */
export const KNOWN_COMMANDS: ReadonlySet<string> = new Set([
  'normalization',
  'change_output_activation',
  'nms_postprocess',
  'model_optimization_config',
  'model_optimization_flavor',
  'quantization_param',
  'pre_quantization_optimization',
  'post_quantization_optimization',
  'input_conversion',
  'allocator_param',
  'performance_param',
  'resources_param',
  'context_switch_param',
])

/** .alls scripts are a few KB; refuse anything that cannot be one. */
export const MAX_ALLS_BYTES = 8 * 1024 * 1024

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
/** Characters that end a bare word. */
const WORD_STOP = new Set([' ', '\t', ',', '(', ')', '[', ']', '{', '}', '=', '"', "'", '#'])

class ParseFail extends Error {}

/** A cursor over one logical statement's text (comments already removed). */
class Cursor {
  pos = 0
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++
  }
  peek(): string {
    this.skipSpace()
    return this.text[this.pos] ?? ''
  }
  expect(ch: string): void {
    if (this.peek() !== ch) {
      const rest = this.text.slice(this.pos)
      const found = /^[^\s,()[\]{}=]+/.exec(rest)?.[0] ?? rest[0] ?? 'end of line'
      throw new ParseFail(
        `expected ${JSON.stringify(ch)} at column ${this.pos + 1}, found ${JSON.stringify(found)}`,
      )
    }
    this.pos++
  }
  atEnd(): boolean {
    return this.peek() === ''
  }
  word(): string {
    this.skipSpace()
    const start = this.pos
    while (this.pos < this.text.length && !WORD_STOP.has(this.text[this.pos] as string)) this.pos++
    return this.text.slice(start, this.pos)
  }
}

function parseValue(c: Cursor, depth: number): AllsValue {
  if (depth > 32) throw new ParseFail('brackets nested more than 32 deep')
  const ch = c.peek()
  if (ch === '[' || ch === '(') {
    const close = ch === '[' ? ']' : ')'
    c.pos++
    const items: AllsValue[] = []
    while (c.peek() !== close) {
      if (c.atEnd()) throw new ParseFail(`unclosed ${JSON.stringify(ch)}`)
      items.push(parseValue(c, depth + 1))
      if (c.peek() === ',') c.pos++
      else if (c.peek() !== close)
        throw new ParseFail(`expected "," or ${JSON.stringify(close)} at column ${c.pos + 1}`)
    }
    c.pos++
    return { kind: ch === '[' ? 'list' : 'tuple', items }
  }
  if (ch === '{') {
    const start = c.pos
    let level = 0
    while (c.pos < c.text.length) {
      const x = c.text[c.pos]
      if (x === '{') level++
      if (x === '}') level--
      c.pos++
      if (level === 0) return { kind: 'pattern', text: c.text.slice(start, c.pos) }
    }
    throw new ParseFail('unclosed "{"')
  }
  if (ch === '"' || ch === "'") {
    c.pos++
    let value = ''
    while (c.pos < c.text.length && c.text[c.pos] !== ch) {
      const next = c.text[c.pos + 1]
      // Only \\ and \<quote> are escapes; any other backslash is kept (Windows paths).
      if (c.text[c.pos] === '\\' && (next === '\\' || next === ch)) {
        value += next
        c.pos += 2
      } else {
        value += c.text[c.pos]
        c.pos++
      }
    }
    if (c.pos >= c.text.length) throw new ParseFail('unclosed string')
    c.pos++
    return { kind: 'string', value, quote: ch }
  }
  const text = c.word()
  if (text === '')
    throw new ParseFail(
      `expected a value at column ${c.pos + 1}, found ${JSON.stringify(ch || 'end of line')}`,
    )
  if (NUMBER.test(text)) return { kind: 'number', value: Number(text), text }
  return { kind: 'word', text }
}

/** Parse one logical statement (comment removed). Throws ParseFail when it is not a command. */
function parseCommand(text: string, line: number, comment: string | null): AllsCommand {
  const c = new Cursor(text)
  const targets: string[] = []
  let name = c.word()
  // `a = cmd(...)` / `a, b = cmd(...)`
  while (c.peek() === ',' || c.peek() === '=') {
    if (!NAME.test(name)) throw new ParseFail(`${JSON.stringify(name)} is not a name`)
    targets.push(name)
    const sep = c.peek()
    c.pos++
    name = c.word()
    if (sep === '=') break
  }
  if (!NAME.test(name))
    throw new ParseFail(name ? `${JSON.stringify(name)} is not a command name` : 'no command name')
  c.expect('(')
  const positional: AllsValue[] = []
  const keywords: AllsKeywordArg[] = []
  while (c.peek() !== ')') {
    if (c.atEnd()) throw new ParseFail('unclosed "("')
    const save = c.pos
    const maybeKey = c.word()
    if (maybeKey !== '' && NAME.test(maybeKey) && c.peek() === '=') {
      c.pos++
      keywords.push({ key: maybeKey, value: parseValue(c, 0) })
    } else {
      c.pos = save
      if (keywords.length > 0)
        throw new ParseFail(`a positional argument follows keyword arguments at column ${c.pos + 1}`)
      positional.push(parseValue(c, 0))
    }
    if (c.peek() === ',') c.pos++
    else if (c.peek() !== ')') throw new ParseFail(`expected "," or ")" at column ${c.pos + 1}`)
  }
  c.pos++
  if (!c.atEnd())
    throw new ParseFail(`unexpected text after ")": ${JSON.stringify(text.slice(c.pos).trim())}`)
  return {
    kind: 'command',
    line,
    targets,
    name,
    positional,
    keywords,
    comment,
    known: KNOWN_COMMANDS.has(name),
  }
}

/** Split a physical line into code and trailing comment; tracks bracket depth outside strings. */
function scanLine(line: string, depth: number): { code: string; comment: string | null; depth: number } {
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote) quote = null
      continue
    }
    if (ch === '"' || ch === "'") quote = ch
    else if (ch === '#') return { code: line.slice(0, i), comment: line.slice(i), depth }
    else if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
  }
  return { code: line, comment: null, depth }
}

/** Parse .alls text. Never throws: lines that are not commands become `verbatim` statements. */
export function parseAlls(text: string): AllsScript {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const finalNewline = text.endsWith('\n')
  const lines = text.split(/\r?\n/)
  if (finalNewline) lines.pop()
  const statements: AllsStatement[] = []
  let i = 0
  while (i < lines.length) {
    const first = lines[i] as string
    const lineNo = i + 1
    const trimmed = first.trim()
    if (trimmed === '') {
      statements.push({ kind: 'blank', line: lineNo })
      i++
      continue
    }
    if (trimmed.startsWith('#')) {
      statements.push({ kind: 'comment', line: lineNo, text: first })
      i++
      continue
    }
    // Gather continuation lines while brackets are open (at most 200 lines for one statement).
    let scan = scanLine(first, 0)
    const codeParts = [scan.code]
    const rawLines = [first]
    let comment = scan.comment
    while (scan.depth > 0 && i + 1 < lines.length && rawLines.length < 200) {
      i++
      const next = lines[i] as string
      rawLines.push(next)
      scan = scanLine(next, scan.depth)
      codeParts.push(scan.code)
      comment = scan.comment
    }
    i++
    const raw = rawLines.join(eol)
    try {
      const code = codeParts.join(' ')
      const hasInnerComment =
        rawLines.length > 1 && rawLines.slice(0, -1).some((l) => scanLine(l, 1).comment !== null)
      if (hasInnerComment) throw new ParseFail('a comment inside a multi-line command')
      statements.push(parseCommand(code, lineNo, comment === null ? null : comment.trim()))
    } catch (err) {
      if (!(err instanceof ParseFail)) throw err
      statements.push({ kind: 'verbatim', line: lineNo, text: raw, reason: err.message })
    }
  }
  return { statements, eol, finalNewline }
}

// ---------------------------------------------------------------------------------------------------
// Writing

/** Inverse of the string parsing above: escape a backslash only where the parser would read an escape. */
function quoteString(value: string, quote: '"' | "'"): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string
    const next = value[i + 1]
    if (ch === quote) out += `\\${quote}`
    else if (ch === '\\' && (next === undefined || next === '\\' || next === quote)) out += '\\\\'
    else out += ch
  }
  return quote + out + quote
}

export function formatAllsValue(v: AllsValue): string {
  switch (v.kind) {
    case 'word':
    case 'pattern':
      return v.text
    case 'number':
      return v.text
    case 'string':
      return quoteString(v.value, v.quote)
    case 'list':
      return `[${v.items.map(formatAllsValue).join(', ')}]`
    case 'tuple':
      return `(${v.items.map(formatAllsValue).join(', ')}${v.items.length === 1 ? ',' : ''})`
  }
}

/** One command in canonical form: `[targets = ]name(pos, key=value)[  # comment]`. */
export function formatAllsCommand(cmd: Omit<AllsCommand, 'kind' | 'line' | 'known'>): string {
  const args = [
    ...cmd.positional.map(formatAllsValue),
    ...cmd.keywords.map((k) => `${k.key}=${formatAllsValue(k.value)}`),
  ]
  const head = cmd.targets.length > 0 ? `${cmd.targets.join(', ')} = ` : ''
  return `${head}${cmd.name}(${args.join(', ')})${cmd.comment ? `  ${cmd.comment}` : ''}`
}

/** Write statements back as .alls text; comments, blank lines and verbatim lines come back unchanged. */
export function writeAlls(script: AllsScript): string {
  const lines = script.statements.map((s) => {
    switch (s.kind) {
      case 'command':
        return formatAllsCommand(s)
      case 'comment':
        return s.text
      case 'blank':
        return ''
      case 'verbatim':
        return s.text
    }
  })
  const body = lines.join(script.eol)
  return script.finalNewline && lines.length > 0 ? body + script.eol : body
}

// ---------------------------------------------------------------------------------------------------
// Reading helpers and the model-script "format"

export function keywordValue(cmd: AllsCommand, key: string): AllsValue | undefined {
  return cmd.keywords.find((k) => k.key === key)?.value
}

/** A value as plain text: words and numbers as written, strings unquoted, lists flattened. */
export function valueText(v: AllsValue | undefined): string {
  if (!v) return ''
  if (v.kind === 'string') return v.value
  if (v.kind === 'list' || v.kind === 'tuple') return v.items.map(valueText).join(', ')
  return v.text
}

/** Layer names a layer argument names: a word, a list of words, or a `{pattern}` as written. */
export function layerNames(v: AllsValue | undefined): string[] {
  if (!v) return []
  if (v.kind === 'list' || v.kind === 'tuple') return v.items.flatMap(layerNames)
  if (v.kind === 'string') return [v.value]
  return [v.text]
}

export function commandsOf(script: AllsScript): AllsCommand[] {
  return script.statements.filter((s): s is AllsCommand => s.kind === 'command')
}

export function summarizeAlls(script: AllsScript, lineCount: number): AllsSummary {
  const commands = commandsOf(script)
  const counts = new Map<string, number>()
  for (const c of commands) counts.set(c.name, (counts.get(c.name) ?? 0) + 1)
  const modes = new Map<string, string[]>()
  for (const c of commands.filter((x) => x.name === 'quantization_param')) {
    const mode = keywordValue(c, 'precision_mode')
    if (!mode) continue
    const key = valueText(mode)
    modes.set(key, [...(modes.get(key) ?? []), ...layerNames(c.positional[0])])
  }
  const nms = commands
    .filter((c) => c.name === 'nms_postprocess')
    .map((c) => {
      const pathArg = c.positional.find((v) => v.kind === 'string') ?? keywordValue(c, 'config_path')
      const arch = keywordValue(c, 'meta_arch') ?? c.positional.find((v) => v.kind === 'word')
      return {
        configPath: valueText(pathArg),
        metaArch: valueText(arch),
        engine: valueText(keywordValue(c, 'engine')),
      }
    })
  const unknownNames = [...new Set(commands.filter((c) => !c.known).map((c) => c.name))]
  const unknownKeys: NotUnderstood[] =
    unknownNames.length > 0 ? [{ where: 'commands', keys: unknownNames.sort() }] : []
  const unparsed = script.statements
    .filter((s): s is Extract<AllsStatement, { kind: 'verbatim' }> => s.kind === 'verbatim')
    .map((s) => ({ line: s.line, text: s.text }))
  const warnings = script.statements
    .filter((s): s is Extract<AllsStatement, { kind: 'verbatim' }> => s.kind === 'verbatim')
    .map((s) => `line ${s.line} is not a command Quantscope can read (${s.reason}); it is kept as written`)
  return {
    format: 'alls',
    commands: commands.map((c) => ({
      line: c.line,
      name: c.name,
      targets: c.targets,
      text: formatAllsCommand({ ...c, comment: null }),
      known: c.known,
    })),
    commandCounts: [...counts].map(([name, count]) => ({ name, count })),
    commentCount:
      script.statements.filter((s) => s.kind === 'comment').length + commands.filter((c) => c.comment).length,
    lineCount,
    precisionModes: [...modes].map(([mode, layers]) => ({ mode, layers })),
    nmsPostprocess: nms,
    unparsed,
    unknownKeys,
    warnings,
  }
}

/** Decode .alls bytes as UTF-8 text; AllsScriptError when they cannot be a script. */
export function allsText(bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_ALLS_BYTES) {
    throw new AllsScriptError(
      `the model script is ${bytes.byteLength} bytes, over the ${MAX_ALLS_BYTES}-byte limit; an .alls script is a few lines of text`,
    )
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch (err) {
    throw new AllsScriptError('the model script is not UTF-8 text; an .alls file is plain text', {
      cause: err,
    })
  }
}

export function openAlls(bytes: Uint8Array): AllsSummary {
  const text = allsText(bytes)
  const script = parseAlls(text)
  if (commandsOf(script).length === 0) {
    throw new AllsScriptError(
      `the model script holds no command (${script.statements.length} lines, none of the form name(...)); an .alls line looks like quantization_param(conv42, precision_mode=a8_w4)`,
    )
  }
  return summarizeAlls(script, text === '' ? 0 : text.split(/\r?\n/).length - (script.finalNewline ? 1 : 0))
}

/** Printable text whose first statement (after comments and blank lines) reads `[name =] command(`. */
export function looksLikeAlls(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096)
  if (!head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x20)) return false
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '')
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim()
    if (t === '' || t.startsWith('#')) continue
    return /^([A-Za-z_]\w*\s*(,\s*[A-Za-z_]\w*\s*)*=\s*)?[A-Za-z_]\w*\s*\(/.test(t)
  }
  return false
}

export const allsReader = {
  format: 'alls',
  extensions: ['.alls'],
  match: looksLikeAlls,
  open: (bytes: Uint8Array) => openAlls(bytes),
} as const satisfies ModelFormatReader
