/**
 * An index of the arrays in a NumPy `.npz` (a zip of `.npy` files) without reading their data: the zip
 * central directory gives names and sizes, and each member's `.npy` header gives dtype and shape. Only
 * the first few hundred bytes of a deflated member are inflated (fflate, streaming), never the whole.
 *
 * Hailo weight names follow `<net>/<layer>/<param>:<n>` (docs/hailo-formats.md section 4), e.g.
 * `yolov8n/conv1/kernel:0`; kernels are [kh, kw, cin, cout].
 */
import { Inflate } from 'fflate'
import { HarParseError, reasonOf } from '../errors'
import type { NpzArrayInfo, NpzIndex } from '../../shared/model-summary'

const EOCD_SIG = 0x06054b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_EOCD_SIG = 0x06064b50
const CENTRAL_SIG = 0x02014b50
const LOCAL_SIG = 0x04034b50
const MAX_ENTRIES = 1_000_000
/** A .npy header is a short dict literal; numpy pads it to 64 bytes, rarely more than a few hundred. */
const MAX_NPY_HEADER = 1 << 20

const utf8 = new TextDecoder('utf-8')
const latin1 = new TextDecoder('latin1')

export interface ZipEntry {
  name: string
  method: number
  flags: number
  compressedSize: number
  uncompressedSize: number
  localHeaderOffset: number
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function fail(member: string, what: string): never {
  throw new HarParseError(`${member}: ${what}; the .npz is damaged or not a zip — copy the HAR again`)
}

function u64(view: DataView, at: number, member: string): number {
  const v = view.getBigUint64(at, true)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(member, `a zip64 size field reads ${v}`)
  return Number(v)
}

/** The zip central directory: every entry's name, method and sizes. Throws HarParseError when damaged. */
export function readZipDirectory(bytes: Uint8Array, member = 'npz'): ZipEntry[] {
  const view = viewOf(bytes)
  const len = bytes.byteLength
  if (len < 22) fail(member, `it is ${len} bytes, shorter than a zip end record`)
  let eocd = -1
  for (let at = len - 22; at >= Math.max(0, len - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD_SIG) {
      eocd = at
      break
    }
  }
  if (eocd < 0) fail(member, 'no zip end-of-central-directory record')
  let count = view.getUint16(eocd + 10, true)
  let cdSize = view.getUint32(eocd + 12, true)
  let cdOffset = view.getUint32(eocd + 16, true)
  const locator = eocd - 20
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIG) {
    const z64 = u64(view, locator + 8, member)
    if (z64 + 56 > len || view.getUint32(z64, true) !== ZIP64_EOCD_SIG) {
      fail(member, `the zip64 end record offset ${z64} is outside the file`)
    }
    count = u64(view, z64 + 32, member)
    cdSize = u64(view, z64 + 40, member)
    cdOffset = u64(view, z64 + 48, member)
  }
  if (count > MAX_ENTRIES) fail(member, `the zip directory claims ${count} entries`)
  if (cdOffset + cdSize > len) {
    fail(member, `the central directory (${cdSize} bytes at ${cdOffset}) runs past the end (${len} bytes)`)
  }
  const entries: ZipEntry[] = []
  let at = cdOffset
  for (let i = 0; i < count; i++) {
    if (at + 46 > len || view.getUint32(at, true) !== CENTRAL_SIG) {
      fail(member, `central directory entry ${i} at byte ${at} is not a zip entry`)
    }
    const flags = view.getUint16(at + 8, true)
    const method = view.getUint16(at + 10, true)
    let compressedSize = view.getUint32(at + 20, true)
    let uncompressedSize = view.getUint32(at + 24, true)
    const nameLen = view.getUint16(at + 28, true)
    const extraLen = view.getUint16(at + 30, true)
    const commentLen = view.getUint16(at + 32, true)
    let localHeaderOffset = view.getUint32(at + 42, true)
    const nameEnd = at + 46 + nameLen
    const extraEnd = nameEnd + extraLen
    if (extraEnd + commentLen > len) fail(member, `central directory entry ${i} runs past the end`)
    const name = (flags & 0x800 ? utf8 : latin1).decode(bytes.subarray(at + 46, nameEnd))
    // zip64 extra field (0x0001): the 0xFFFFFFFF fields, in order, as u64.
    let e = nameEnd
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true)
      const size = view.getUint16(e + 2, true)
      if (e + 4 + size > extraEnd) break
      if (id === 0x0001) {
        let p = e + 4
        const take = (): number => {
          if (p + 8 > e + 4 + size) fail(member, `the zip64 field of ${JSON.stringify(name)} is short`)
          const v = u64(view, p, member)
          p += 8
          return v
        }
        if (uncompressedSize === 0xffffffff) uncompressedSize = take()
        if (compressedSize === 0xffffffff) compressedSize = take()
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take()
      }
      e += 4 + size
    }
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset })
    at = extraEnd + commentLen
  }
  return entries
}

/** The first `want` bytes of an entry's uncompressed data (fewer when the entry is shorter). */
function entryHead(bytes: Uint8Array, entry: ZipEntry, want: number, member: string): Uint8Array {
  const view = viewOf(bytes)
  const at = entry.localHeaderOffset
  if (at + 30 > bytes.byteLength || view.getUint32(at, true) !== LOCAL_SIG) {
    fail(member, `the local header of ${JSON.stringify(entry.name)} at byte ${at} is missing`)
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true)
  const end = start + entry.compressedSize
  if (end > bytes.byteLength) {
    fail(
      member,
      `${JSON.stringify(entry.name)} (${entry.compressedSize} bytes at ${start}) runs past the end`,
    )
  }
  const raw = bytes.subarray(start, end)
  if (entry.method === 0) return raw.subarray(0, want)
  if (entry.method !== 8) {
    throw new HarParseError(
      `${member}: ${JSON.stringify(entry.name)} uses zip compression method ${entry.method}; only stored (0) and deflate (8) are read`,
    )
  }
  const chunks: Uint8Array[] = []
  let have = 0
  const inflater = new Inflate((chunk) => {
    chunks.push(chunk)
    have += chunk.length
  })
  const STEP = 4096
  try {
    for (let p = 0; p < raw.length && have < want; p += STEP) {
      inflater.push(raw.subarray(p, Math.min(raw.length, p + STEP)), p + STEP >= raw.length)
    }
  } catch (err) {
    throw new HarParseError(
      `${member}: ${JSON.stringify(entry.name)} does not inflate (${reasonOf(err)}); the .npz is damaged — copy the HAR again`,
      { cause: err },
    )
  }
  const out = new Uint8Array(Math.min(want, have))
  let o = 0
  for (const c of chunks) {
    if (o >= out.length) break
    const part = c.subarray(0, out.length - o)
    out.set(part, o)
    o += part.length
  }
  return out
}

export interface NpyHeader {
  descr: string
  fortranOrder: boolean
  shape: number[]
  /** Bytes of magic + version + length + dict. */
  headerBytes: number
}

/** Parse a .npy header (magic `\x93NUMPY`, version, length, Python dict literal). Null when incomplete. */
export function parseNpyHeader(head: Uint8Array, where: string): NpyHeader | null {
  if (head.length < 10) return null
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]
  if (!magic.every((b, i) => head[i] === b)) {
    throw new HarParseError(`${where} is not a .npy array (no \\x93NUMPY magic)`)
  }
  const major = head[6] as number
  const view = viewOf(head)
  let dictAt: number
  let dictLen: number
  if (major === 1) {
    dictAt = 10
    dictLen = view.getUint16(8, true)
  } else if (major === 2 || major === 3) {
    if (head.length < 12) return null
    dictAt = 12
    dictLen = view.getUint32(8, true)
  } else {
    throw new HarParseError(`${where} is a .npy of format version ${major}, which is not known`)
  }
  if (dictLen > MAX_NPY_HEADER) throw new HarParseError(`${where} has a .npy header of ${dictLen} bytes`)
  if (head.length < dictAt + dictLen) return null
  const dict = (major === 3 ? utf8 : latin1).decode(head.subarray(dictAt, dictAt + dictLen))
  const descr =
    /'descr'\s*:\s*'([^']*)'/.exec(dict)?.[1] ?? (/'descr'\s*:\s*\[/.test(dict) ? 'structured' : null)
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)?.[1]
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)?.[1]
  if (descr === null || fortran === undefined || shapeText === undefined) {
    throw new HarParseError(
      `${where} has a .npy header that is not a numpy dict: ${JSON.stringify(dict.slice(0, 80))}`,
    )
  }
  const parts = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const shape = parts.map((s) => (/^\d+L?$/.test(s) ? parseInt(s, 10) : NaN))
  if (shape.some((d) => !Number.isSafeInteger(d))) {
    throw new HarParseError(`${where} has a .npy shape that is not a tuple of sizes: (${shapeText})`)
  }
  return { descr, fortranOrder: fortran === 'True', shape, headerBytes: dictAt + dictLen }
}

/** Item size of a numpy descr like `<f4`, `|u1`, `<c8`, `|S10`, `<U4`; null when not a simple type. */
export function dtypeItemSize(descr: string): number | null {
  const m = /^[<>|=]?([biufcSUV?])(\d*)$/.exec(descr)
  if (!m) return null
  const kind = m[1] as string
  if (kind === '?') return 1
  const n = m[2] === '' ? NaN : parseInt(m[2] as string, 10)
  if (!Number.isFinite(n)) return null
  return kind === 'U' ? 4 * n : n
}

/** `<net>/<layer>/<param>:<n>` → layer and param; '' when the name is not of that form. */
export function splitParamName(name: string): { layer: string; param: string } {
  const base = name.replace(/:\d+$/, '')
  const parts = base.split('/')
  if (parts.length < 3 || base === name) return { layer: '', param: '' }
  return { layer: parts.slice(1, -1).join('/'), param: parts[parts.length - 1] as string }
}

export function npzRole(member: string): NpzIndex['role'] {
  const lower = member.toLowerCase()
  if (lower.endsWith('.fpo.npz')) return 'fp_optimized'
  if (lower.endsWith('.q.npz')) return 'quantized'
  if (lower.endsWith('.npz')) return 'native'
  return 'other'
}

/**
 * Index every `.npy` in an `.npz`. A zip that cannot be read throws HarParseError; a single entry that
 * cannot be indexed is listed in `problems` and the rest are kept.
 */
export function indexNpz(bytes: Uint8Array, member: string): NpzIndex {
  const entries = readZipDirectory(bytes, member)
  const arrays: NpzArrayInfo[] = []
  const problems: string[] = []
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue
    const where = `${member}: ${JSON.stringify(entry.name)}`
    if (!entry.name.endsWith('.npy')) {
      problems.push(`${JSON.stringify(entry.name)} is not a .npy array; not indexed`)
      continue
    }
    if (entry.flags & 1) {
      problems.push(`${JSON.stringify(entry.name)} is encrypted; not indexed`)
      continue
    }
    let header: NpyHeader | null
    try {
      let want = 128
      for (;;) {
        const head = entryHead(bytes, entry, want, member)
        header = parseNpyHeader(head, where)
        if (header || head.length < want || want >= MAX_NPY_HEADER + 16) break
        want *= 8
      }
    } catch (err) {
      if (!(err instanceof HarParseError)) throw err
      problems.push(err.message)
      continue
    }
    if (!header) {
      problems.push(`${where} ends inside its .npy header`)
      continue
    }
    const name = entry.name.slice(0, -'.npy'.length)
    const elements = header.shape.reduce((a, b) => a * b, 1)
    const itemSize = dtypeItemSize(header.descr)
    const dataBytes = entry.uncompressedSize - header.headerBytes
    if (itemSize !== null && elements * itemSize !== dataBytes) {
      problems.push(
        `${where}: shape (${header.shape.join(', ')}) of ${header.descr} needs ${elements * itemSize} bytes but the member holds ${dataBytes}`,
      )
    }
    arrays.push({
      name,
      ...splitParamName(name),
      dtype: header.descr,
      shape: header.shape,
      elements,
      dataBytes: Math.max(0, dataBytes),
      compressed: entry.method !== 0,
    })
  }
  return {
    member,
    role: npzRole(member),
    arrays,
    totalElements: arrays.reduce((a, x) => a + x.elements, 0),
    totalBytes: arrays.reduce((a, x) => a + x.dataBytes, 0),
    problems,
  }
}
