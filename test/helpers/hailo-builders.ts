/**
 * Build Hailo-layout test files in memory: HEF containers of every header version around a protobuf
 * (checksums computed by the app's checksum module, which its own tests check against reference
 * vectors), tar archives (with the unsafe entries a hostile HAR could hold), .npy/.npz files and a
 * small HAR following docs/hailo-formats.md sections 3–5.
 */
import { zipSync } from 'fflate'
import { crc32, md5Digest, xxh3_64 } from '../../src-main/core/hailo/checksum'
import { hefProtoType } from '../../src-main/core/hailo/hef-proto'

const enc = new TextEncoder()

// ---------------------------------------------------------------------------------------------------
// HEF

export interface HefBuild {
  version: 0 | 1 | 2 | 3
  proto: Uint8Array
  ccws?: Uint8Array
  /** v3 only. */
  padding?: number
  additionalInfo?: Uint8Array
  /** v3: store the proto-only XXH3 (else the body XXH3 with proto_xxh3 = 0). */
  protoHash?: boolean
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A HEF container of the given header version around `proto`, with a correct checksum. */
export function buildHef(b: HefBuild): Uint8Array {
  const ccws = b.ccws ?? new Uint8Array(0)
  const sizes: Record<number, number> = { 0: 32, 1: 28, 2: 44, 3: 56 }
  const headerSize = sizes[b.version] as number
  const padding = new Uint8Array(b.version === 3 ? (b.padding ?? 0) : 0)
  const info = b.version === 3 ? (b.additionalInfo ?? new Uint8Array(0)) : new Uint8Array(0)
  const body = b.version === 0 ? b.proto : concat([b.proto, padding, ccws, info])
  const header = new Uint8Array(headerSize)
  const v = new DataView(header.buffer)
  v.setUint32(0, 0x01484546, false)
  v.setUint32(4, b.version, false)
  v.setUint32(8, b.proto.length, false)
  switch (b.version) {
    case 0:
      header.set(md5Digest(body), 16)
      break
    case 1:
      v.setUint32(12, crc32(body), false)
      v.setBigUint64(16, BigInt(ccws.length), false)
      break
    case 2:
      v.setBigUint64(12, xxh3_64(body), false)
      v.setBigUint64(20, BigInt(ccws.length), false)
      break
    case 3:
      v.setBigUint64(12, b.protoHash ? 0n : xxh3_64(body), false)
      v.setBigUint64(20, BigInt(padding.length + ccws.length), false)
      v.setUint32(28, padding.length, false)
      v.setBigUint64(32, BigInt(info.length), false)
      v.setBigUint64(40, b.protoHash ? xxh3_64(b.proto) : 0n, false)
      break
  }
  return concat([header, body])
}

/** Encode a ProtoHEFHef from a plain object (protobufjs camelCase names). */
export function encodeHefProto(object: Record<string, unknown>): Uint8Array {
  const type = hefProtoType()
  return type.encode(type.fromObject(object)).finish()
}

/** A small YOLOv5-style HEF proto: one network group, one input, three outputs and a host NMS op. */
export function smallHefProto(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const edge = (name: string, direction: number, pad: number | null, hwc: [number, number, number]) => ({
    direction,
    layerInfo: {
      name,
      hnOutputLayerName: name,
      originalNames: [`/${name}/Conv`],
      edgeLayerBase: {
        height: hwc[0],
        paddedHeight: hwc[0],
        width: hwc[1],
        paddedWidth: hwc[1],
        features: hwc[2],
        paddedFeatures: hwc[2],
        format: 1,
        dataBytes: 1,
        sysIndex: pad ?? 9,
      },
      numericInfo: { qpZp: 3, qpScale: 0.5, limvalsMin: -1.5, limvalsMax: 126 },
    },
    contextSwitchInfo: { edgeConnectionType: 0 },
    ...(pad === null ? {} : { padIndex: pad }),
  })
  return {
    header: {
      hwArch: 3,
      timestamp: 1700000000000,
      sdkVersion: { major: 3, minor: 27, revision: 1 },
      version: 1,
    },
    extensions: [
      { typeIndex: 14, name: 'yolov5 nms' },
      { typeIndex: 99, name: 'from the future' },
    ],
    networkGroups: [
      {
        networkGroupMetadata: { networkGroupName: 'small', bottleneckFps: 120.5 },
        sortedOutputsOrder: ['small/nms'],
        ops: [
          {
            name: '',
            coreOp: {
              contexts: [
                {
                  metadata: {
                    edgeLayers: [
                      edge('small/input_layer1', 0, null, [64, 64, 3]),
                      edge('small/conv1', 1, 1, [8, 8, 255]),
                      edge('small/conv2', 1, 2, [4, 4, 255]),
                      {
                        direction: 1,
                        layerInfo: { name: 'small/internal' },
                        contextSwitchInfo: { edgeConnectionType: 1 },
                      },
                    ],
                  },
                },
              ],
            },
          },
          {
            name: 'small/nms',
            nmsOp: {
              nmsScoreTh: 0.25,
              nmsIouTh: 0.45,
              maxProposalsPerClass: 50,
              classes: 80,
              yoloNmsOp: {
                imageHeight: 64,
                imageWidth: 64,
                bboxDecoders: [
                  { stride: 8, w: [10, 16, 33], h: [13, 30, 23], padIndex: 1 },
                  { stride: 16, w: [30, 62, 59], h: [61, 45, 119], padIndex: 7 },
                ],
              },
            },
          },
        ],
        padEdges: [{ src: 1, dst: 3 }],
      },
    ],
    ...overrides,
  }
}

// ---------------------------------------------------------------------------------------------------
// tar

export interface TarEntrySpec {
  name: string
  data?: Uint8Array | string
  /** '0' file (default), '2' symlink, '1' hard link, '5' directory, 'x' pax header … */
  type?: string
  linkName?: string
  /** Written in the size field instead of the data length (to lie about sizes). */
  declaredSize?: number
  /** Pax records for an 'x' header written before this entry. */
  pax?: Record<string, string>
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

function tarHeader(name: string, size: number, type: string, linkName = ''): Uint8Array {
  const h = new Uint8Array(512)
  const put = (s: string, at: number, len: number): void => {
    h.set(enc.encode(s).subarray(0, len), at)
  }
  put(name, 0, 100)
  put(octal(0o644, 8), 100, 8)
  put(octal(0, 8), 108, 8)
  put(octal(0, 8), 116, 8)
  put(octal(size, 12), 124, 12)
  put(octal(0, 12), 136, 12)
  put('        ', 148, 8)
  put(type, 156, 1)
  put(linkName, 157, 100)
  put('ustar\0', 257, 6)
  put('00', 263, 2)
  let sum = 0
  for (const b of h) sum += b
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8)
  return h
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512)
  out.set(data)
  return out
}

/** A ustar archive of the entries, ending with the two zero blocks. */
export function buildTar(entries: TarEntrySpec[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const e of entries) {
    if (e.pax) {
      const body = enc.encode(
        Object.entries(e.pax)
          .map(([k, v]) => {
            const rest = ` ${k}=${v}\n`
            let len = rest.length + 1
            while (String(len).length + rest.length !== len) len = String(len).length + rest.length
            return `${len}${rest}`
          })
          .join(''),
      )
      parts.push(tarHeader('PaxHeaders/x', body.length, 'x'), padded(body))
    }
    const data = typeof e.data === 'string' ? enc.encode(e.data) : (e.data ?? new Uint8Array(0))
    parts.push(tarHeader(e.name, e.declaredSize ?? data.length, e.type ?? '0', e.linkName), padded(data))
  }
  parts.push(new Uint8Array(1024))
  return concat(parts)
}

// ---------------------------------------------------------------------------------------------------
// npy / npz

/** A .npy file (format 1.0) of zeros with the given descr and shape. */
export function npyBytes(descr: string, shape: number[], itemSize: number): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`
  const total = 10 + dict.length + 1
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n'
  const head = new Uint8Array(10 + dict.length)
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0)
  new DataView(head.buffer).setUint16(8, dict.length, true)
  head.set(enc.encode(dict), 10)
  const elements = shape.reduce((a, b) => a * b, 1)
  return concat([head, new Uint8Array(elements * itemSize)])
}

/** An .npz of float32 zero arrays named `<net>/<layer>/<param>:0`. */
export function buildNpz(arrays: Record<string, number[]>, compressed = false): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {}
  for (const [name, shape] of Object.entries(arrays)) {
    files[`${name}.npy`] = [npyBytes('<f4', shape, 4), { level: compressed ? 6 : 0 }]
  }
  return zipSync(files)
}

// ---------------------------------------------------------------------------------------------------
// HN and HAR

export function smallHn(extraTop: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'net',
    net_params: { version: '1.0', stage: 'HN', output_layers_order: ['net/conv2'], clusters: 8 },
    layers: {
      'net/input_layer1': {
        type: 'input_layer',
        input: [],
        output: ['net/conv1'],
        input_shapes: [[-1, 32, 32, 3]],
        output_shapes: [[-1, 32, 32, 3]],
        original_names: ['images'],
      },
      'net/conv1': {
        type: 'conv',
        input: ['net/input_layer1'],
        output: ['net/conv2'],
        input_shapes: [[-1, 32, 32, 3]],
        output_shapes: [[-1, 16, 16, 16]],
        original_names: ['/model.0/conv/Conv'],
        params: { kernel_shape: [3, 3, 3, 16], strides: [1, 2, 2, 1], activation: 'silu', fancy: 1 },
        precision_config: { precision_mode: 'a8_w8' },
      },
      'net/conv2': {
        type: 'conv',
        input: ['net/conv1'],
        output: ['net/output_layer1'],
        input_shapes: [[-1, 16, 16, 16]],
        output_shapes: [[-1, 16, 16, 85]],
        original_names: ['/model.1/conv/Conv'],
        params: { kernel_shape: [1, 1, 16, 85], activation: 'linear' },
        color: 'blue',
      },
      'net/output_layer1': {
        type: 'output_layer',
        input: ['net/conv2'],
        output: [],
        input_shapes: [[-1, 16, 16, 85]],
        output_shapes: [[-1, 16, 16, 85]],
        original_names: ['out'],
      },
    },
    ...extraTop,
  }
}

export interface HarBuild {
  state?: string
  metadataExtra?: Record<string, unknown>
  hn?: Record<string, unknown>
  extra?: TarEntrySpec[]
  folder?: string
}

/** A HAR with metadata, HN, native and quantized weights (folder prefix optional). */
export function buildHar(b: HarBuild = {}): Uint8Array {
  const dir = b.folder ? `${b.folder}/` : ''
  const metadata = {
    state: b.state ?? 'quantized_model',
    hn: 'net.hn',
    sdk_version: '3.31.0',
    ...b.metadataExtra,
  }
  return buildTar([
    { name: `${dir}net.metadata.json`, data: JSON.stringify(metadata) },
    { name: `${dir}net.hn`, data: JSON.stringify(b.hn ?? smallHn()) },
    {
      name: `${dir}net.npz`,
      data: buildNpz({ 'net/conv1/kernel:0': [3, 3, 3, 16], 'net/conv1/bias:0': [16] }),
    },
    {
      name: `${dir}net.q.npz`,
      data: buildNpz({ 'net/conv1/kernel:0': [3, 3, 3, 16], 'net/conv2/kernel:0': [1, 1, 16, 85] }, true),
    },
    ...(b.extra ?? []),
  ])
}

export const utf8 = (s: string): Uint8Array => enc.encode(s)
