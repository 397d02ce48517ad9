/**
 * Hailo HAR (Hailo ARchive) reader. A HAR is a tar (docs/hailo-formats.md section 5) whose members are
 * told apart by suffix: `<base>.metadata.json` (state, hn, sdk_version), `<base>.hn` (also `.native.hn`,
 * `.fp.hn`), weights `<base>.npz` (native), `.fpo.npz` (fp-optimized), `.q.npz` (quantized), and
 * possibly a `.hef` in a compiled HAR. Members are matched by file name wherever they sit in the tar.
 *
 * The tar is read in memory and safely (tar.ts). The metadata and HN are summarized, keys nobody
 * documented are reported as not understood, and each .npz is indexed (names, dtypes, shapes, sizes)
 * without inflating its data.
 */
import { HarParseError, QuantscopeError } from '../errors'
import type { HarSummary, NotUnderstood, NpzIndex } from '../../shared/model-summary'
import type { ModelFormatReader } from '../formats/model-format'
import { UnknownCollector, isObject, parseJsonBytes, summarizeHnJson } from './hn'
import { indexNpz } from './npz'
import { DEFAULT_TAR_LIMITS, looksLikeTar, readTar, type TarLimits, type TarMember } from './tar'

/** metadata.json keys Quantscope reads; any other key is reported as not understood. */
const METADATA_KEYS = new Set(['state', 'hn', 'sdk_version'])
/** metadata.json is small; refuse anything absurd before parsing it. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024

export interface HarOptions {
  limits?: TarLimits
}

/** A member name for a message: as is, or JSON-quoted when it holds control characters (newlines). */
function shownName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name
}

function baseName(path: string): string {
  const i = path.lastIndexOf('/')
  return i === -1 ? path : path.slice(i + 1)
}

function memberKind(name: string): string {
  const lower = baseName(name).toLowerCase()
  if (lower.endsWith('.metadata.json')) return 'metadata'
  if (lower.endsWith('.native.hn')) return 'hn (native)'
  if (lower.endsWith('.fp.hn')) return 'hn (fp)'
  if (lower.endsWith('.hn')) return 'hn'
  if (lower.endsWith('.fpo.npz')) return 'weights (fp-optimized)'
  if (lower.endsWith('.q.npz')) return 'weights (quantized)'
  if (lower.endsWith('.npz')) return 'weights (native)'
  if (lower.endsWith('.hef')) return 'hef'
  return 'other'
}

/** The stage a metadata `state` names (Netron's reading; other words are reported as not understood). */
export function harStage(state: string): HarSummary['stage'] {
  const s = state.toLowerCase()
  if (s.includes('compiled')) return 'compiled'
  if (s.includes('quantized')) return 'quantized'
  if (s.includes('fp_optimized')) return 'fp_optimized'
  if (s.includes('native') || s.includes('parsed') || s === 'hailo_model') return 'native'
  return 'unknown'
}

/** The weights file Netron picks for a state: `.fpo.npz`, `.q.npz`, else the native `.npz`. */
function paramsSuffixFor(stage: HarSummary['stage']): string {
  if (stage === 'fp_optimized') return '.fpo.npz'
  if (stage === 'quantized' || stage === 'compiled') return '.q.npz'
  return '.npz'
}

function isNativeNpz(name: string): boolean {
  const lower = name.toLowerCase()
  return lower.endsWith('.npz') && !lower.endsWith('.fpo.npz') && !lower.endsWith('.q.npz')
}

function pickHn(members: TarMember[], named: string): TarMember | undefined {
  if (named) {
    const hit =
      members.find((m) => m.name === named) ?? members.find((m) => baseName(m.name) === baseName(named))
    if (hit) return hit
  }
  const hns = members.filter((m) => m.name.toLowerCase().endsWith('.hn'))
  return (
    hns.find((m) => !/\.(native|fp)\.hn$/i.test(m.name)) ??
    hns.find((m) => /\.native\.hn$/i.test(m.name)) ??
    hns[0]
  )
}

/** Read a HAR from its bytes. Throws HarParseError when the tar is damaged or holds no HAR members. */
export function openHar(bytes: Uint8Array, options: HarOptions = {}): HarSummary {
  const listing = readTar(bytes, options.limits ?? DEFAULT_TAR_LIMITS)
  const { members } = listing
  const warnings: string[] = []
  const unknown = new UnknownCollector()
  const extraUnknown: NotUnderstood[] = []
  const skipped = listing.skipped.map((s) => ({ name: s.name, reason: s.reason }))
  for (const s of skipped) warnings.push(`skipped tar member ${JSON.stringify(s.name)}: it ${s.reason}`)
  if (!listing.complete) warnings.push('the tar archive has no end-of-archive marker; it may be truncated')

  const metadataMembers = members.filter((m) => memberKind(m.name) === 'metadata')
  const hnMembers = members.filter((m) => m.name.toLowerCase().endsWith('.hn'))
  if (metadataMembers.length === 0 && hnMembers.length === 0) {
    const names = members.slice(0, 6).map((m) => JSON.stringify(m.name))
    throw new HarParseError(
      `the tar archive holds no <name>.metadata.json and no .hn member (members: ${names.join(', ') || 'none'}${members.length > 6 ? ', …' : ''}); it is not a Hailo HAR — save the HAR again with the Hailo SDK`,
    )
  }
  if (metadataMembers.length > 1) {
    warnings.push(
      `${metadataMembers.length} metadata.json members; ${JSON.stringify(metadataMembers[0]?.name)} is used`,
    )
  }

  let state = ''
  let sdkVersion = ''
  let hnNamed = ''
  const metadata: Array<[string, string]> = []
  const metaMember = metadataMembers[0]
  if (metaMember) {
    const json = parseJsonBytes(metaMember.data, shownName(metaMember.name), MAX_METADATA_BYTES)
    if (!isObject(json)) {
      throw new HarParseError(
        `${shownName(metaMember.name)} is not a JSON object; the HAR metadata is damaged`,
      )
    }
    for (const [key, value] of Object.entries(json)) {
      const text =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value).slice(0, 200)
      metadata.push([key, text])
      if (!METADATA_KEYS.has(key)) unknown.add(baseName(metaMember.name), key)
    }
    state = typeof json['state'] === 'string' ? json['state'] : ''
    sdkVersion = typeof json['sdk_version'] === 'string' ? json['sdk_version'] : scalar(json['sdk_version'])
    hnNamed = typeof json['hn'] === 'string' ? json['hn'] : ''
    if (!state) warnings.push(`${shownName(metaMember.name)} has no "state"`)
  } else {
    warnings.push('the HAR has no metadata.json; its state and SDK version are unknown')
  }
  const stage = harStage(state)
  if (state && stage === 'unknown') extraUnknown.push({ where: 'metadata state', keys: [state] })

  const hnMember = pickHn(members, hnNamed)
  if (hnNamed && (!hnMember || baseName(hnMember.name) !== baseName(hnNamed))) {
    warnings.push(`metadata names HN ${JSON.stringify(hnNamed)}, which is not in the archive`)
  }
  let network: HarSummary['network'] = null
  if (hnMember) {
    const hn = summarizeHnJson(
      parseJsonBytes(hnMember.data, shownName(hnMember.name)),
      shownName(hnMember.name),
      unknown,
    )
    network = hn.network
    warnings.push(...hn.warnings)
  } else {
    warnings.push('the HAR holds no .hn network description')
  }

  const params: NpzIndex[] = []
  for (const m of members.filter((x) => x.name.toLowerCase().endsWith('.npz'))) {
    try {
      const index = indexNpz(m.data, shownName(m.name))
      params.push(index)
      for (const p of index.problems) warnings.push(`${m.name}: ${p}`)
    } catch (err) {
      if (!(err instanceof QuantscopeError)) throw err
      warnings.push(err.message)
    }
  }
  const suffix = paramsSuffixFor(stage)
  const chosen =
    suffix === '.npz'
      ? params.find((p) => isNativeNpz(p.member))
      : params.find((p) => p.member.toLowerCase().endsWith(suffix))
  if (params.length > 0 && !chosen) {
    warnings.push(
      `state ${JSON.stringify(state || '(none)')} selects the ${suffix} weights, which the HAR does not hold`,
    )
  }
  const hef = members.find((m) => memberKind(m.name) === 'hef')

  return {
    format: 'har',
    members: members.map((m) => ({ name: m.name, size: m.size, kind: memberKind(m.name) })),
    skipped,
    state,
    stage,
    sdkVersion,
    metadata: Object.fromEntries(metadata),
    hnMember: hnMember?.name ?? null,
    network,
    paramsMember: chosen?.member ?? null,
    params,
    embeddedHef: hef ? { member: hef.name, size: hef.size } : null,
    unknownKeys: [...unknown.list(), ...extraUnknown],
    warnings,
  }
}

function scalar(v: unknown): string {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''
}

export const harReader = {
  format: 'har',
  extensions: ['.har'],
  match: looksLikeTar,
  open: (bytes: Uint8Array) => openHar(bytes),
} as const satisfies ModelFormatReader
