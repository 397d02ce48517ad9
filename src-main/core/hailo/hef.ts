/**
 * Hailo HEF (compiled network) reader: container header, checksum, and the protobuf fields that say what
 * the device computes — hardware architecture, SDK version, network groups, host-visible streams with
 * their quantization (qp_zp, qp_scale, limvals) and source names, and the net-flow NMS op that HailoRT
 * runs on the host (thresholds, classes, image size, decoders and the streams they read).
 *
 * A checksum mismatch is reported in the summary, never fatal: a damaged HEF is still worth showing.
 * Anything that keeps the file from being read at all (magic, version, sizes, protobuf) throws
 * HefParseError with one line saying what was wrong.
 */
import protobuf from 'protobufjs'
import { HefParseError, reasonOf } from '../errors'
import type {
  HefBboxDecoder,
  HefChecksumStatus,
  HefNetworkGroup,
  HefNmsOp,
  HefPad,
  HefQuantization,
  HefStream,
  HefSummary,
  HwcShape,
  NotUnderstood,
} from '../../shared/model-summary'
import type { ModelFormatReader } from '../formats/model-format'
import { crc32, hex32, hex64, md5Digest, toHex, xxh3_64 } from './checksum'
import { readHefHeader, HEF_MAGIC, type HefContainerHeader } from './hef-header'
import {
  EDGE_FORMAT_NAMES,
  EXTENSION_NAMES,
  FORMAT_ORDER_NAMES,
  FORMAT_TYPE_NAMES,
  HW_ARCH_NAMES,
  INCLUDED_FEATURE_KEYS,
  enumName,
  hefProtoType,
} from './hef-proto'

// ---------------------------------------------------------------------------------------------------
// Narrowing protobufjs messages: set fields are own properties, defaults sit on the prototype.

type Message = Record<string, unknown>
const EMPTY: Message = Object.freeze({}) as Message

function msg(v: unknown): Message {
  return typeof v === 'object' && v !== null ? (v as Message) : EMPTY
}

function present(m: Message, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key) && m[key] !== null && m[key] !== undefined
}

function str(m: Message, key: string): string {
  const v = m[key]
  return typeof v === 'string' ? v : ''
}

function bool(m: Message, key: string): boolean {
  return m[key] === true
}

/** uint32/uint64/double as a number (uint64 Longs exact up to 2^53). */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const { low, high } = v as { low: number; high: number }
    return (high >>> 0) * 4294967296 + (low >>> 0)
  }
  return 0
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const { low, high } = v as { low: number; high: number }
    return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)
  }
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.floor(v))
  return 0n
}

function num(m: Message, key: string): number {
  return toNumber(m[key])
}

function list(m: Message, key: string): unknown[] {
  const v = m[key]
  return Array.isArray(v) ? v : []
}

function messages(m: Message, key: string): Message[] {
  return list(m, key).map(msg)
}

function strings(m: Message, key: string): string[] {
  return list(m, key).filter((s): s is string => typeof s === 'string')
}

function numbers(m: Message, key: string): number[] {
  return list(m, key).map(toNumber)
}

function child(m: Message, key: string): Message | null {
  return present(m, key) ? msg(m[key]) : null
}

// ---------------------------------------------------------------------------------------------------

export interface HefFile {
  header: HefContainerHeader
  checksum: HefChecksumStatus
  /** The decoded `ProtoHEFHef`, as protobufjs returns it (narrowed by `summarizeHef`). */
  proto: Message
  /** Bytes after the header the external resources point into (v3), for their hash checks. */
  bytes: Uint8Array
}

/** True for bytes that start with the HEF magic `01 48 45 46`. */
export function looksLikeHef(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    ((bytes[0] as number) << 24) +
      ((bytes[1] as number) << 16) +
      ((bytes[2] as number) << 8) +
      (bytes[3] as number) ===
      HEF_MAGIC
  )
}

function computeChecksum(bytes: Uint8Array, header: HefContainerHeader): HefChecksumStatus {
  const { algorithm, scope, expected } = header.checksum
  const region =
    scope === 'proto'
      ? bytes.subarray(header.headerSize, header.headerSize + header.protoSize)
      : bytes.subarray(header.headerSize)
  const actual =
    algorithm === 'xxh3-64'
      ? hex64(xxh3_64(region))
      : algorithm === 'crc32'
        ? hex32(crc32(region))
        : toHex(md5Digest(region))
  return { algorithm, scope, expected, actual, ok: actual === expected }
}

/** Read the header, verify the checksum (reported, not thrown) and decode the protobuf. */
export function decodeHef(bytes: Uint8Array): HefFile {
  const header = readHefHeader(bytes)
  const checksum = computeChecksum(bytes, header)
  const protoBytes = bytes.subarray(header.headerSize, header.headerSize + header.protoSize)
  const reader = protobuf.Reader.create(protoBytes)
  let proto: Message
  try {
    proto = msg(hefProtoType().decode(reader))
  } catch (err) {
    const reason = reasonOf(err)
    const sum = checksum.ok ? '' : ` (its ${checksum.algorithm} checksum does not match either)`
    throw new HefParseError(
      `the HEF protobuf (${header.protoSize} bytes at offset ${header.headerSize}) cannot be decoded at byte ${reader.pos}: ${reason}${sum}; the file is damaged — copy the HEF again or recompile it`,
      { cause: err },
    )
  }
  return { header, checksum, proto, bytes }
}

// ---------------------------------------------------------------------------------------------------

function hwc(m: Message | null): HwcShape | null {
  if (!m) return null
  return { height: num(m, 'height'), width: num(m, 'width'), features: num(m, 'features') }
}

function paddedHwc(m: Message | null): HwcShape | null {
  if (!m) return null
  return { height: num(m, 'paddedHeight'), width: num(m, 'paddedWidth'), features: num(m, 'paddedFeatures') }
}

function narrowPad(p: Message): HefPad {
  const tensor = child(p, 'tensorShape')
  const nms = child(p, 'nmsShape')
  return {
    index: num(p, 'index'),
    name: str(p, 'name'),
    formatOrder: FORMAT_ORDER_NAMES[num(p, 'formatOrder')] ?? `unknown (${num(p, 'formatOrder')})`,
    formatType: FORMAT_TYPE_NAMES[num(p, 'formatType')] ?? `unknown (${num(p, 'formatType')})`,
    shape: hwc(tensor),
    paddedShape: paddedHwc(tensor),
    nmsShape: nms
      ? {
          classes: num(nms, 'numberOfClasses'),
          maxBboxesPerClass: num(nms, 'maxBboxesPerClass'),
          bboxSize: num(nms, 'bboxSize'),
          divisionFactor: num(nms, 'divisionFactor'),
        }
      : null,
  }
}

function narrowQuant(n: Message | null): HefQuantization | null {
  if (!n) return null
  const zp = num(n, 'qpZp')
  const scale = num(n, 'qpScale')
  const zps = numbers(n, 'qpZps')
  const scales = numbers(n, 'qpScales')
  return {
    zeroPoint: zp,
    scale,
    limvalsMin: num(n, 'limvalsMin'),
    limvalsMax: num(n, 'limvalsMax'),
    perFeatureZeroPoints: zps.length,
    perFeatureScales: scales.length,
    // -0 == 0: zero-points are stored as -0.0 where the scalar is 0.
    perFeatureUniform:
      zps.every((z) => z === zp) && scales.every((s) => Math.fround(s) === Math.fround(scale)),
  }
}

interface RawEdgeLayer {
  edge: Message
  info: Message
  kind: 'info' | 'mux' | 'planes'
}

function edgeBody(edge: Message): RawEdgeLayer | null {
  const info = child(edge, 'layerInfo')
  if (info) return { edge, info, kind: 'info' }
  const mux = child(edge, 'layerMux')
  if (mux) return { edge, info: mux, kind: 'mux' }
  const planes = child(edge, 'layerPlanes')
  if (planes) return { edge, info: planes, kind: 'planes' }
  return null
}

function narrowStream({ edge, info, kind }: RawEdgeLayer): HefStream {
  const base = kind === 'planes' ? info : msg(info['edgeLayerBase'])
  const nmsInfo = child(msg(base['additionalInfo']), 'nmsInfo')
  const format = num(base, 'format')
  return {
    name: str(info, 'name'),
    direction: num(edge, 'direction') === 0 ? 'input' : 'output',
    hnLayerName: str(info, 'hnOutputLayerName'),
    originalNames: strings(info, 'originalNames'),
    padIndex: present(edge, 'padIndex') ? num(edge, 'padIndex') : null,
    sysIndex: num(base, 'sysIndex'),
    shape: hwc(base) ?? { height: 0, width: 0, features: 0 },
    paddedShape:
      kind === 'planes'
        ? (hwc(base) ?? { height: 0, width: 0, features: 0 })
        : (paddedHwc(base) ?? { height: 0, width: 0, features: 0 }),
    format,
    formatName: EDGE_FORMAT_NAMES[format] ?? `unknown (${format})`,
    dataBytes: num(base, 'dataBytes'),
    bytesPerBuffer: num(base, 'coreBytesPerBuffer'),
    buffersPerFrame: num(base, 'coreBuffersPerFrame'),
    transposed: bool(info, 'transposed'),
    kind,
    quantization: narrowQuant(child(info, 'numericInfo')),
    nmsInfo: nmsInfo
      ? {
          classes: num(nmsInfo, 'numberOfClasses'),
          maxOutputSize: num(nmsInfo, 'maxOutputSize'),
          bboxSize: num(nmsInfo, 'bboxSize'),
          divisionFactor: num(nmsInfo, 'inputDivisionFactor'),
        }
      : null,
    feeds: [],
  }
}

/** Boundary edge layers of all contexts, first occurrence of each (direction, name). */
function boundaryStreams(contexts: Message[]): HefStream[] {
  const out: HefStream[] = []
  const seen = new Set<string>()
  for (const ctx of contexts) {
    for (const edge of messages(msg(ctx['metadata']), 'edgeLayers')) {
      const connection = num(msg(edge['contextSwitchInfo']), 'edgeConnectionType')
      if (connection !== 0) continue
      const body = edgeBody(edge)
      if (!body) continue
      const stream = narrowStream(body)
      const key = `${stream.direction}\u0000${stream.name}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(stream)
    }
  }
  return out
}

const NMS_ARCHS: ReadonlyArray<[string, HefNmsOp['metaArch']]> = [
  ['yolov8NmsOp', 'yolov8'],
  ['yoloNmsOp', 'yolov5'],
  ['yoloxNmsOp', 'yolox'],
  ['ssdNmsOp', 'ssd'],
  ['iouOp', 'iou'],
  ['yoloSegOp', 'yolov5_seg'],
]

function narrowNmsOp(op: Message, nms: Message, streams: HefStream[]): HefNmsOp {
  const found = NMS_ARCHS.find(([key]) => present(nms, key))
  const metaArch = found ? found[1] : 'none'
  const arch = found ? msg(nms[found[0]]) : EMPTY
  const byPad = new Map<number, string>()
  for (const s of streams) if (s.padIndex !== null && s.direction === 'output') byPad.set(s.padIndex, s.name)
  const resolve = (pad: number | null): string | null => (pad === null ? null : (byPad.get(pad) ?? null))
  const decoders: HefBboxDecoder[] = messages(arch, 'bboxDecoders').map((d) => {
    const pick = (key: string, when: boolean): number | null => (when ? num(d, key) : null)
    const v8 = metaArch === 'yolov8'
    const yx = metaArch === 'yolox'
    const ssd = metaArch === 'ssd'
    const v5 = metaArch === 'yolov5' || metaArch === 'yolov5_seg'
    const regPadIndex = pick('regPadIndex', v8 || yx || ssd)
    const clsPadIndex = pick('clsPadIndex', v8 || yx || ssd)
    const objPadIndex = pick('objPadIndex', yx)
    const padIndex = pick('padIndex', v5)
    return {
      stride: ssd ? 0 : num(d, 'stride'),
      regPadIndex,
      clsPadIndex,
      objPadIndex,
      padIndex,
      regStream: resolve(regPadIndex),
      clsStream: resolve(clsPadIndex),
      objStream: resolve(objPadIndex),
      stream: resolve(padIndex),
      anchorsW: numbers(d, 'w'),
      anchorsH: numbers(d, 'h'),
    }
  })
  const hasImage = metaArch !== 'none' && metaArch !== 'iou'
  const hasDivision = metaArch === 'yolov8' || metaArch === 'yolov5'
  return {
    name: str(op, 'name'),
    metaArch,
    scoreThreshold: num(nms, 'nmsScoreTh'),
    iouThreshold: num(nms, 'nmsIouTh'),
    maxProposalsPerClass: num(nms, 'maxProposalsPerClass'),
    classes: num(nms, 'classes'),
    backgroundRemoval: bool(nms, 'backgroundRemoval'),
    backgroundRemovalIndex: num(nms, 'backgroundRemovalIndex'),
    bboxDecodingOnly: bool(nms, 'bboxDecodingOnly'),
    imageHeight: hasImage ? num(arch, 'imageHeight') : null,
    imageWidth: hasImage ? num(arch, 'imageWidth') : null,
    inputDivisionFactor: hasDivision ? num(arch, 'inputDivisionFactor') : null,
    regressionLength: metaArch === 'yolov8' ? num(arch, 'regressionLength') : null,
    maskThreshold: metaArch === 'yolov5_seg' ? num(arch, 'maskThreshold') : null,
    decoders,
    inputPads: messages(op, 'inputPads').map(narrowPad),
    outputPads: messages(op, 'outputPads').map(narrowPad),
  }
}

/** Mark each stream with the post-process decoder roles that read it. */
function markFeeds(streams: HefStream[], ops: HefNmsOp[]): void {
  const byName = new Map(streams.map((s) => [s.name, s]))
  for (const op of ops) {
    for (const d of op.decoders) {
      const tag = (name: string | null, role: string): void => {
        if (name === null) return
        byName.get(name)?.feeds.push(`${op.metaArch} stride ${d.stride} ${role}`.replace(' stride 0', ''))
      }
      tag(d.regStream, 'reg')
      tag(d.clsStream, 'cls')
      tag(d.objStream, 'obj')
      tag(d.stream, 'head')
    }
  }
}

/** Where the network group's metadata lives: its own field 1, else its first core op's. */
function narrowNetworkGroup(ng: Message, position: number, warnings: string[]): HefNetworkGroup {
  const ops = messages(ng, 'ops')
  const coreOpEntry = ops.find((o) => present(o, 'coreOp'))
  let coreOp = coreOpEntry ? msg(coreOpEntry['coreOp']) : null
  // Partial core ops: HailoRT picks one by device layout; the first is as good as any for a summary.
  const partial = coreOp ? messages(coreOp, 'partialCoreOps')[0] : undefined
  if (coreOp && partial && present(partial, 'coreOp') && messages(coreOp, 'contexts').length === 0) {
    coreOp = msg(partial['coreOp'])
  }
  const partialGroups = messages(ng, 'partialNetworkGroups')
  const firstPartial = partialGroups[0] ? child(partialGroups[0], 'networkGroup') : null
  const metadata =
    child(firstPartial ?? EMPTY, 'networkGroupMetadata') ??
    child(ng, 'networkGroupMetadata') ??
    (coreOp ? child(coreOp, 'networkGroupMetadata') : null) ??
    EMPTY
  const name = str(metadata, 'networkGroupName') || str(ng, 'networkGroupName')
  if (!name) warnings.push(`network group #${position} has no name`)

  const contexts = [
    ...messages(ng, 'contexts'),
    ...(firstPartial ? messages(firstPartial, 'contexts') : []),
    ...(coreOp ? messages(coreOp, 'contexts') : []),
  ]
  const streams = boundaryStreams(contexts)
  const nmsOps = ops.filter((o) => present(o, 'nmsOp')).map((o) => narrowNmsOp(o, msg(o['nmsOp']), streams))
  markFeeds(streams, nmsOps)
  for (const op of nmsOps) {
    for (const d of op.decoders) {
      for (const pad of [d.regPadIndex, d.clsPadIndex, d.objPadIndex, d.padIndex]) {
        if (pad !== null && !streams.some((s) => s.padIndex === pad)) {
          warnings.push(
            `post-process ${JSON.stringify(op.name)} reads core pad ${pad}, which no output stream carries`,
          )
        }
      }
    }
  }
  const fused =
    child(ng, 'fusedLayersMetadata') ?? (coreOp ? child(coreOp, 'fusedLayersMetadata') : null) ?? EMPTY
  const pick = (key: string): string[] => {
    const own = strings(ng, key)
    return own.length > 0 || !coreOp ? own : strings(coreOp, key)
  }
  return {
    name,
    index: present(metadata, 'networkGroupIndex')
      ? num(metadata, 'networkGroupIndex')
      : num(ng, 'networkGroupIndex'),
    networkNames: pick('networksNames'),
    bottleneckFps: present(metadata, 'bottleneckFps') ? num(metadata, 'bottleneckFps') : null,
    latency: present(metadata, 'latency') ? num(metadata, 'latency') : null,
    cfgChannelsCount: num(metadata, 'cfgChannelsCount'),
    computationalOps: num(metadata, 'computationalOps'),
    transposed: bool(metadata, 'transposedNet'),
    contextCount: contexts.length,
    sortedOutputsOrder: pick('sortedOutputsOrder'),
    rawOutputOrder: strings(fused, 'updatedSortedOutputNames'),
    padEdges: messages(ng, 'padEdges').map((e) => ({ src: num(e, 'src'), dst: num(e, 'dst') })),
    inputs: streams.filter((s) => s.direction === 'input'),
    outputs: streams.filter((s) => s.direction === 'output'),
    corePads: {
      inputs: coreOpEntry ? messages(coreOpEntry, 'inputPads').map(narrowPad) : [],
      outputs: coreOpEntry ? messages(coreOpEntry, 'outputPads').map(narrowPad) : [],
    },
    nmsOps,
    logitsOps: ops
      .filter((o) => present(o, 'logitsOp'))
      .map((o) => {
        const t = num(msg(o['logitsOp']), 'logitsType')
        return { name: str(o, 'name'), type: t === 0 ? 'argmax' : t === 1 ? 'softmax' : `unknown (${t})` }
      }),
  }
}

function narrowExtensions(m: Message, key: string): Array<{ index: number; id: string; name: string }> {
  return messages(m, key).map((e) => {
    const index = num(e, 'typeIndex')
    return { index, id: EXTENSION_NAMES[index] ?? `unknown (${index})`, name: str(e, 'name') }
  })
}

/** A readable summary of a decoded HEF. */
export function summarizeHef(file: HefFile): HefSummary {
  const { header, checksum, proto } = file
  const warnings: string[] = []
  const unknownKeys: NotUnderstood[] = []
  if (!checksum.ok) {
    warnings.push(
      `checksum mismatch: the header stores ${checksum.algorithm} ${checksum.expected} but the ${checksum.scope === 'proto' ? 'protobuf' : 'bytes after the header'} hash to ${checksum.actual}; the file was changed or damaged after compilation — copy the HEF again or recompile it`,
    )
  }
  const hdr = child(proto, 'header')
  if (!hdr) warnings.push('the HEF protobuf has no header message (architecture and SDK version unknown)')
  const h = hdr ?? EMPTY
  const hwValue = num(h, 'hwArch')
  const hwName = enumName(HW_ARCH_NAMES, hwValue)
  if (!(hwValue in HW_ARCH_NAMES)) {
    unknownKeys.push({ where: 'header.hw_arch', keys: [String(hwValue)] })
  }
  const sdk = child(h, 'sdkVersion')
  const sdkVersion =
    str(h, 'sdkVersionStr') ||
    (sdk ? `${num(sdk, 'major')}.${num(sdk, 'minor')}.${num(sdk, 'revision')}` : '')
  const timestamp = present(h, 'timestamp') ? num(h, 'timestamp') : null
  const compiledAt =
    timestamp !== null && timestamp > 0 && timestamp < 8.64e15 ? new Date(timestamp).toISOString() : null

  const features = child(proto, 'includedFeatures') ?? EMPTY
  const includedFeatures = INCLUDED_FEATURE_KEYS.filter((k) => bool(features, k)).map((k) =>
    k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
  )
  const extensions = narrowExtensions(proto, 'extensions')
  const optionalExtensions = narrowExtensions(proto, 'optionalExtensions')
  const unknownExt = [...extensions, ...optionalExtensions].filter((e) => e.id.startsWith('unknown'))
  if (unknownExt.length > 0) {
    unknownKeys.push({
      where: 'extensions',
      keys: unknownExt.map((e) => `${e.index}${e.name ? ` (${e.name})` : ''}`),
    })
  }

  const externalResources = messages(proto, 'externalResources').map((r) => {
    const offset = num(r, 'offset')
    const size = num(r, 'size')
    const expected = toBigInt(r['xxhash'])
    let status: 'ok' | 'mismatch' | 'none' = 'none'
    if (expected !== 0n && header.ccwsOffset !== null) {
      const start = header.ccwsOffset + offset
      if (start + size <= file.bytes.byteLength) {
        status = xxh3_64(file.bytes.subarray(start, start + size)) === expected ? 'ok' : 'mismatch'
      } else {
        status = 'mismatch'
      }
      if (status === 'mismatch') {
        warnings.push(
          `external resource ${JSON.stringify(str(r, 'name'))} (${size} bytes at offset ${offset}) does not match its xxh3 hash or lies outside the file`,
        )
      }
    }
    return { name: str(r, 'name'), offset, size, checksum: status }
  })

  const groups = messages(proto, 'networkGroups')
  if (groups.length === 0) warnings.push('the HEF holds no network group')
  const networkGroups = groups.map((ng, i) => narrowNetworkGroup(ng, i, warnings))
  for (const g of networkGroups) {
    const input = g.inputs[0]
    for (const op of g.nmsOps) {
      if (
        input &&
        op.imageHeight !== null &&
        (op.imageHeight !== input.shape.height || op.imageWidth !== input.shape.width)
      ) {
        warnings.push(
          `post-process ${JSON.stringify(op.name)} assumes a ${op.imageHeight}×${op.imageWidth} image but input ${JSON.stringify(input.name)} is ${input.shape.height}×${input.shape.width}; check the scale of the boxes it returns`,
        )
      }
    }
  }
  const mapping = proto['mapping']

  return {
    format: 'hef',
    container: {
      version: header.version,
      headerSize: header.headerSize,
      protoSize: header.protoSize,
      ccwsOffset: header.ccwsOffset,
      ccwsSize: header.ccwsSize,
      paddingSize: header.paddingSize,
      additionalInfoSize: header.additionalInfoSize,
      fileSize: header.fileSize,
      checksum,
    },
    hwArch: { value: hwValue, name: hwName },
    sdkVersion,
    timestamp,
    compiledAt,
    protoVersion: num(h, 'version'),
    includedFeatures,
    extensions,
    optionalExtensions,
    externalResources,
    mappingBytes: mapping instanceof Uint8Array ? mapping.byteLength : 0,
    networkGroups,
    unknownKeys,
    warnings,
  }
}

/** Decode and summarize HEF bytes; throws HefParseError when they cannot be read. */
export function openHef(bytes: Uint8Array): HefSummary {
  return summarizeHef(decodeHef(bytes))
}

export const hefReader = {
  format: 'hef',
  extensions: ['.hef'],
  match: looksLikeHef,
  open: (bytes: Uint8Array) => openHef(bytes),
} as const satisfies ModelFormatReader
