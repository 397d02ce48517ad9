/**
 * Reading a tar archive held in memory, safely: nothing is written anywhere, member data are views into
 * the archive bytes, links are listed but never followed, and members whose path would leave the
 * archive (absolute, `..`), special files and members over the size limit are skipped with a reason.
 *
 * Written here rather than taken from a package because the readers are synchronous and must *report*
 * unsafe paths: nanotar silently rewrites `../` paths and ignores byteOffset of views, modern-tar and
 * tar-stream are asynchronous (streams). Formats read: v7, POSIX ustar (prefix field), pax extended
 * headers (`path`, `linkpath`, `size`; global headers apply to all later members) and GNU long names
 * (`L`, `K`) and base-256 sizes.
 */
import { HarParseError } from '../errors'

const BLOCK = 512

export interface TarLimits {
  /** More members than this is refused (a damaged or hostile archive). */
  maxEntries: number
  /** Members larger than this are skipped, not read. */
  maxMemberBytes: number
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxEntries: 100_000, maxMemberBytes: 2 ** 31 }

export interface TarMember {
  /** Normalized relative path: no leading `./`, `/`-separated, no `.` or `..` segments. */
  name: string
  size: number
  /** A view into the archive bytes (not a copy). */
  data: Uint8Array
}

export interface TarSkipped {
  name: string
  reason: string
}

export interface TarListing {
  members: TarMember[]
  skipped: TarSkipped[]
  /** Directory entries seen (informative only). */
  directories: string[]
  /** False when the archive stops without its end-of-archive zero block (possibly truncated). */
  complete: boolean
}

const latin1 = new TextDecoder('latin1')
const utf8 = new TextDecoder('utf-8')

function cString(bytes: Uint8Array, at: number, len: number): string {
  const field = bytes.subarray(at, at + len)
  const end = field.indexOf(0)
  return utf8.decode(end === -1 ? field : field.subarray(0, end))
}

/** Octal (NUL/space terminated) or GNU base-256 number; null when the field holds neither. */
function tarNumber(bytes: Uint8Array, at: number, len: number): number | null {
  const first = bytes[at] as number
  if (first & 0x80) {
    // base-256: big-endian two's complement in the remaining bits; negative sizes are nonsense.
    if (first & 0x40) return null
    let v = first & 0x3f
    for (let i = 1; i < len; i++) {
      v = v * 256 + (bytes[at + i] as number)
      if (v > Number.MAX_SAFE_INTEGER) return null
    }
    return v
  }
  const text = latin1
    .decode(bytes.subarray(at, at + len))
    .replace(/\0.*$/s, '')
    .trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) return null
  return parseInt(text, 8)
}

function headerChecksumOk(bytes: Uint8Array, at: number): boolean {
  const stored = tarNumber(bytes, at + 148, 8)
  if (stored === null) return false
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (bytes[at + i] as number)
  return sum === stored
}

function isZeroBlock(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < BLOCK; i++) if (bytes[at + i] !== 0) return false
  return true
}

/** True when the first block is a tar header: `ustar` magic at 257, or a valid v7 header checksum. */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false
  const magic = latin1.decode(bytes.subarray(257, 262))
  if (magic === 'ustar') return true
  return bytes[0] !== 0 && headerChecksumOk(bytes, 0)
}

/** pax records: `<len> <key>=<value>\n`. Malformed records end the parse (what was read is kept). */
function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {}
  let pos = 0
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos)
    if (space === -1) break
    const len = Number(latin1.decode(data.subarray(pos, space)))
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) break
    const record = utf8.decode(data.subarray(space + 1, pos + len)).replace(/\n$/, '')
    const eq = record.indexOf('=')
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1)
    pos += len
  }
  return out
}

/** Why a path may not be used, or null when it is a safe relative path. */
export function unsafePathReason(raw: string): string | null {
  if (raw === '') return 'has an empty name'
  if (raw.includes('\0')) return 'has a NUL byte in its name'
  if (raw.startsWith('/') || raw.startsWith('\\') || /^[A-Za-z]:/.test(raw)) {
    return 'has an absolute path, which would point outside the archive'
  }
  if (raw.split(/[/\\]/).includes('..')) return 'has a ".." path segment, which would leave the archive'
  return null
}

function normalizePath(raw: string): string {
  return raw
    .split(/[/\\]/)
    .filter((s) => s !== '' && s !== '.')
    .join('/')
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  S: 'a GNU sparse file',
  V: 'a volume label',
  M: 'a multi-volume continuation',
}

/**
 * List the members of a tar archive. Throws HarParseError when the archive itself is damaged: a header
 * with a bad checksum or size, a member that runs past the end (truncation), or too many members.
 * Unsafe or unreadable members are skipped and listed in `skipped`.
 */
export function readTar(bytes: Uint8Array, limits: TarLimits = DEFAULT_TAR_LIMITS): TarListing {
  const members: TarMember[] = []
  const skipped: TarSkipped[] = []
  const directories: string[] = []
  const seen = new Set<string>()
  let global: Record<string, string> = {}
  let local: Record<string, string> = {}
  let longName: string | null = null
  let longLink: string | null = null
  let entries = 0
  let ended = false
  let pos = 0
  if (bytes.length < BLOCK) {
    throw new HarParseError(
      `the tar archive is ${bytes.length} bytes, too short for one 512-byte header; it is truncated — copy the HAR again`,
    )
  }
  while (pos + BLOCK <= bytes.length) {
    if (isZeroBlock(bytes, pos)) {
      ended = true
      break
    }
    if (!headerChecksumOk(bytes, pos)) {
      throw new HarParseError(
        `the tar header at byte ${pos} has a wrong checksum; the archive is damaged or truncated — copy the HAR again`,
      )
    }
    entries += 1
    if (entries > limits.maxEntries) {
      throw new HarParseError(
        `the tar archive has more than ${limits.maxEntries} members; it is not a HAR Quantscope can read`,
      )
    }
    const typeFlag = String.fromCharCode(bytes[pos + 156] as number)
    const headerSize = tarNumber(bytes, pos + 124, 12)
    if (headerSize === null) {
      throw new HarParseError(
        `the tar header at byte ${pos} has an unreadable size field; the archive is damaged — copy the HAR again`,
      )
    }
    const size =
      (typeFlag === 'x' || typeFlag === 'g' || typeFlag === 'L' || typeFlag === 'K') &&
      local['size'] === undefined
        ? headerSize
        : Number(local['size'] ?? global['size'] ?? headerSize)
    const dataStart = pos + BLOCK
    if (!Number.isSafeInteger(size) || size < 0 || dataStart + size > bytes.length) {
      throw new HarParseError(
        `tar member at byte ${pos} declares ${size} bytes but the archive ends at byte ${bytes.length}; the HAR is truncated — copy it again`,
      )
    }
    const data = bytes.subarray(dataStart, dataStart + size)
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK

    if (typeFlag === 'x') {
      local = { ...local, ...parsePax(data) }
      continue
    }
    if (typeFlag === 'g') {
      global = { ...global, ...parsePax(data) }
      continue
    }
    if (typeFlag === 'L') {
      longName = cString(data, 0, data.length)
      continue
    }
    if (typeFlag === 'K') {
      longLink = cString(data, 0, data.length)
      continue
    }

    const headerAt = dataStart - BLOCK
    const isPosix = latin1.decode(bytes.subarray(headerAt + 257, headerAt + 263)) === 'ustar\0'
    const prefix = isPosix ? cString(bytes, headerAt + 345, 155) : ''
    const shortName = cString(bytes, headerAt, 100)
    const rawName =
      local['path'] ?? longName ?? global['path'] ?? (prefix ? `${prefix}/${shortName}` : shortName)
    const linkName = local['linkpath'] ?? longLink ?? cString(bytes, headerAt + 157, 100)
    local = {}
    longName = null
    longLink = null

    if (typeFlag === '5') {
      directories.push(normalizePath(rawName))
      continue
    }
    if (typeFlag === '1' || typeFlag === '2') {
      skipped.push({
        name: rawName,
        reason: `is ${TYPE_NAMES[typeFlag]} to ${JSON.stringify(linkName)}; links are not followed`,
      })
      continue
    }
    if (!(typeFlag === '0' || typeFlag === '\0' || typeFlag === '7')) {
      skipped.push({
        name: rawName,
        reason: `is ${TYPE_NAMES[typeFlag] ?? `a tar entry of type ${JSON.stringify(typeFlag)}`}, not a regular file`,
      })
      continue
    }
    const unsafe = unsafePathReason(rawName)
    if (unsafe) {
      skipped.push({ name: rawName, reason: unsafe })
      continue
    }
    const name = normalizePath(rawName)
    if (name === '') {
      skipped.push({ name: rawName, reason: 'has no file name' })
      continue
    }
    if (size > limits.maxMemberBytes) {
      skipped.push({
        name,
        reason: `is ${size} bytes, over the ${limits.maxMemberBytes}-byte limit for one member`,
      })
      continue
    }
    if (seen.has(name)) {
      skipped.push({ name, reason: 'appears twice in the archive; the first copy is used' })
      continue
    }
    seen.add(name)
    members.push({ name, size, data })
  }
  if (!ended && pos < bytes.length) {
    throw new HarParseError(
      `the tar archive ends inside a header at byte ${pos} of ${bytes.length}; the HAR is truncated — copy it again`,
    )
  }
  return { members, skipped, directories, complete: ended }
}
