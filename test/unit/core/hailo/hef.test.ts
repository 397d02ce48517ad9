/**
 * The HEF reader against the real Hailo-8 HEF: every value of yolov8n.hef.expected.json (decoded with
 * protoc and libxxhash, docs/hailo-formats.md section 2), checksum mismatch on one changed byte,
 * truncations, and synthetic containers of header versions 0–3.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { HefParseError } from '../../../../src-main/core/errors'
import { xxh3_64 } from '../../../../src-main/core/hailo/checksum'
import { decodeHef, hefReader, looksLikeHef, openHef } from '../../../../src-main/core/hailo/hef'
import { readHefHeader } from '../../../../src-main/core/hailo/hef-header'
import type { HefSummary } from '../../../../src-main/shared/model-summary'
import { readBytes, readJson, sharedFixture } from '../../../helpers/fixtures'
import { buildHef, encodeHefProto, smallHefProto } from '../../../helpers/hailo-builders'

interface ExpectedEdge {
  direction: 'H2D' | 'D2H'
  name: string
  hn_output_layer_name: string
  original_names: string[]
  pad_index: number | null
  sys_index: number
  shape_hwc: [number, number, number]
  padded_hwc: [number, number, number]
  format: number
  data_bytes: number
  core_bytes_per_buffer: number
  core_buffers_per_frame: number
  qp_zp: number
  qp_scale: number
  limvals_min: number
  limvals_max: number
  qp_zps_len: number
  qp_scales_len: number
}

interface Expected {
  container: {
    magic_hex: string
    version: number
    hef_proto_size: number
    xxh3_64bits_hex: string
    ccws_size: number
    header_size: number
    ccws_offset: number
    file_size: number
  }
  header: {
    hw_arch: number
    hw_arch_name: string
    timestamp: number
    sdk_version_str: string
    version: number
    sdk_version_present: boolean
  }
  extensions: Array<[number, string]>
  optional_extensions: Array<[number, string]>
  network_group_name: string
  networks_names: string[]
  sorted_outputs_order: string[]
  updated_sorted_output_names: string[]
  pad_edges: Array<[number, number]>
  edge_layers: ExpectedEdge[]
  nms_op: {
    op_name: string
    nms_score_th: number
    nms_iou_th: number
    max_proposals_per_class: number
    classes: number
    background_removal: boolean
    background_removal_index: number
    bbox_decoding_only: boolean
    kind: string
    image_height: number
    image_width: number
    input_division_factor: number
    regression_length: number
    bbox_decoders: Array<{ stride: number; reg_pad_index: number; cls_pad_index: number }>
    input_pads: Array<[number, string]>
    output_pad: { index: number; name: string; nms_shape: [number, number, number, number] }
  }
  metadata: { bottleneck_fps: number; latency: number; cfg_channels_count: number; computational_ops: number }
  mapping_bytes_len: number
  core_op_pads: {
    inputs: Array<[number, string, number[], number[]]>
    outputs: Array<[number, string, number[], number[]]>
  }
}

const hefPath = sharedFixture('hailo', 'yolov8n.hef')

function errorOf(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a throw')
}

describe('yolov8n.hef: every decoded value of yolov8n.hef.expected.json', () => {
  const expected = readJson<Expected>(`${hefPath}.expected.json`)
  let bytes: Uint8Array
  let s: HefSummary
  beforeAll(() => {
    bytes = readBytes(hefPath)
    s = openHef(bytes)
  })

  it('container header (v2) and its XXH3-64 checksum', () => {
    const e = expected.container
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')
    expect(magic).toBe(e.magic_hex)
    expect(readHefHeader(bytes).magic.toString(16).padStart(8, '0')).toBe(e.magic_hex)
    expect(s.container).toMatchObject({
      version: e.version,
      protoSize: e.hef_proto_size,
      ccwsSize: e.ccws_size,
      headerSize: e.header_size,
      ccwsOffset: e.ccws_offset,
      fileSize: e.file_size,
      paddingSize: 0,
      additionalInfoSize: 0,
    })
    expect(s.container.checksum).toEqual({
      algorithm: 'xxh3-64',
      scope: 'body',
      expected: e.xxh3_64bits_hex,
      actual: e.xxh3_64bits_hex,
      ok: true,
    })
  })

  it('proto header', () => {
    const e = expected.header
    expect(s.hwArch).toEqual({ value: e.hw_arch, name: e.hw_arch_name.replace('PROTO__HW_ARCH__', '') })
    expect(s.timestamp).toBe(e.timestamp)
    expect(s.compiledAt).toBe('2025-06-05T05:13:40.179Z')
    expect(s.sdkVersion).toBe(e.sdk_version_str)
    expect(s.protoVersion).toBe(e.version)
    const proto = decodeHef(bytes).proto as { header: Record<string, unknown> }
    expect(Object.prototype.hasOwnProperty.call(proto.header, 'sdkVersion')).toBe(e.sdk_version_present)
  })

  it('extensions, optional extensions, included features, mapping, no external resources', () => {
    expect(s.extensions.map((x) => [x.index, x.name])).toEqual(expected.extensions)
    expect(s.optionalExtensions.map((x) => [x.index, x.name])).toEqual(expected.optional_extensions)
    expect(s.extensions.map((x) => x.id)).toEqual([
      'ABBALE',
      'PADDED_DDR_BUFFERS',
      'PERIPH_CALCULATION_IN_HAILORT',
      'KO_RUN_ASAP',
      'HAILO_NET_FLOW_YOLOV8_NMS',
      'HAILO_NET_FLOW',
      'ALIGNED_FORMAT_TYPE',
    ])
    expect(s.includedFeatures).toEqual(['abbale', 'padded_ddr_buffers', 'sequencer'])
    expect(s.mappingBytes).toBe(expected.mapping_bytes_len)
    expect(s.externalResources).toEqual([])
    expect(s.unknownKeys).toEqual([])
  })

  it('network group: name, networks, output orders, pad edges, metadata', () => {
    expect(s.networkGroups).toHaveLength(1)
    const g = s.networkGroups[0] as HefSummary['networkGroups'][number]
    expect(g.name).toBe(expected.network_group_name)
    expect(g.index).toBe(0)
    expect(g.networkNames).toEqual(expected.networks_names)
    expect(g.sortedOutputsOrder).toEqual(expected.sorted_outputs_order)
    expect(g.rawOutputOrder).toEqual(expected.updated_sorted_output_names)
    expect(g.padEdges.map((p) => [p.src, p.dst])).toEqual(expected.pad_edges)
    expect(g.bottleneckFps).toBe(expected.metadata.bottleneck_fps)
    expect(g.latency).toBe(expected.metadata.latency)
    expect(g.cfgChannelsCount).toBe(expected.metadata.cfg_channels_count)
    expect(g.computationalOps).toBe(expected.metadata.computational_ops)
    expect(g.transposed).toBe(false)
    expect(g.contextCount).toBe(1)
    expect(g.logitsOps).toEqual([])
  })

  it('edge layers: direction, names, original_names, pads, shapes, buffers and quantization, in file order', () => {
    const g = s.networkGroups[0] as HefSummary['networkGroups'][number]
    const streams = [...g.inputs, ...g.outputs]
    expect(streams.map((t) => t.name)).toEqual(expected.edge_layers.map((e) => e.name))
    for (const e of expected.edge_layers) {
      const t = streams.find((x) => x.name === e.name)
      expect(t, e.name).toBeDefined()
      if (!t) continue
      expect(t.direction).toBe(e.direction === 'H2D' ? 'input' : 'output')
      expect(t.hnLayerName).toBe(e.hn_output_layer_name)
      expect(t.originalNames).toEqual(e.original_names)
      expect(t.padIndex).toBe(e.pad_index)
      expect(t.sysIndex).toBe(e.sys_index)
      expect([t.shape.height, t.shape.width, t.shape.features]).toEqual(e.shape_hwc)
      expect([t.paddedShape.height, t.paddedShape.width, t.paddedShape.features]).toEqual(e.padded_hwc)
      expect(t.format).toBe(e.format)
      expect(t.formatName).toBe('FRAMES')
      expect(t.dataBytes).toBe(e.data_bytes)
      expect(t.bytesPerBuffer).toBe(e.core_bytes_per_buffer)
      expect(t.buffersPerFrame).toBe(e.core_buffers_per_frame)
      expect(t.kind).toBe('info')
      expect(t.transposed).toBe(false)
      expect(t.nmsInfo).toBeNull()
      expect(t.quantization).toEqual({
        zeroPoint: e.qp_zp,
        scale: e.qp_scale,
        limvalsMin: e.limvals_min,
        limvalsMax: e.limvals_max,
        perFeatureZeroPoints: e.qp_zps_len,
        perFeatureScales: e.qp_scales_len,
        perFeatureUniform: true,
      })
      // Dequantization rule (docs 1.2): (0 − zp)·scale = limvals_min, (255 − zp)·scale = limvals_max.
      expect(Math.fround((0 - e.qp_zp) * e.qp_scale)).toBeCloseTo(e.limvals_min, 4)
      expect(Math.fround((255 - e.qp_zp) * e.qp_scale)).toBeCloseTo(e.limvals_max, 4)
    }
  })

  it('core-op pads: indices, names, shapes, NHCW / UINT8', () => {
    const g = s.networkGroups[0] as HefSummary['networkGroups'][number]
    const asRow = (p: (typeof g.corePads.inputs)[number]) => [
      p.index,
      p.name,
      [p.shape?.height, p.shape?.width, p.shape?.features],
      [p.paddedShape?.height, p.paddedShape?.width, p.paddedShape?.features],
    ]
    expect(g.corePads.inputs.map(asRow)).toEqual(expected.core_op_pads.inputs)
    expect(g.corePads.outputs.map(asRow)).toEqual(expected.core_op_pads.outputs)
    for (const p of [...g.corePads.inputs, ...g.corePads.outputs]) {
      expect(p.formatOrder).toBe('NHCW')
      expect(p.formatType).toBe('UINT8')
    }
  })

  it('the net-flow NMS op: thresholds, classes, image size, regression length, decoders and pads', () => {
    const e = expected.nms_op
    const op = s.networkGroups[0]?.nmsOps[0]
    expect(s.networkGroups[0]?.nmsOps).toHaveLength(1)
    expect(op).toBeDefined()
    if (!op) return
    expect(op.name).toBe(e.op_name)
    expect(`${op.metaArch}_nms_op`).toBe(e.kind)
    expect(op.scoreThreshold).toBe(e.nms_score_th)
    expect(op.iouThreshold).toBe(e.nms_iou_th)
    expect(op.maxProposalsPerClass).toBe(e.max_proposals_per_class)
    expect(op.classes).toBe(e.classes)
    expect(op.backgroundRemoval).toBe(e.background_removal)
    expect(op.backgroundRemovalIndex).toBe(e.background_removal_index)
    expect(op.bboxDecodingOnly).toBe(e.bbox_decoding_only)
    expect(op.imageHeight).toBe(e.image_height)
    expect(op.imageWidth).toBe(e.image_width)
    expect(op.inputDivisionFactor).toBe(e.input_division_factor)
    expect(op.regressionLength).toBe(e.regression_length)
    expect(
      op.decoders.map((d) => ({
        stride: d.stride,
        reg_pad_index: d.regPadIndex,
        cls_pad_index: d.clsPadIndex,
      })),
    ).toEqual(e.bbox_decoders)
    expect(op.inputPads.map((p) => [p.index, p.name])).toEqual(e.input_pads)
    for (const p of op.inputPads) {
      expect(p).toMatchObject({ formatOrder: 'AUTO', formatType: 'AUTO', shape: null, nmsShape: null })
    }
    expect(op.outputPads).toHaveLength(1)
    const out = op.outputPads[0]
    expect(out?.index).toBe(e.output_pad.index)
    expect(out?.name).toBe(e.output_pad.name)
    expect(out?.formatOrder).toBe('AUTO')
    const n = out?.nmsShape
    expect([n?.classes, n?.maxBboxesPerClass, n?.bboxSize, n?.divisionFactor]).toEqual(e.output_pad.nms_shape)
  })

  it('resolves each decoder to its streams and marks what each stream feeds', () => {
    const g = s.networkGroups[0] as HefSummary['networkGroups'][number]
    const op = g.nmsOps[0]
    expect(op?.decoders.map((d) => [d.stride, d.regStream, d.clsStream])).toEqual([
      [8, 'yolov8n/conv41_97', 'yolov8n/conv42_97'],
      [16, 'yolov8n/conv52_97', 'yolov8n/conv53_97'],
      [32, 'yolov8n/conv62_97', 'yolov8n/conv63_97'],
    ])
    expect(g.outputs.find((t) => t.name === 'yolov8n/conv41_97')?.feeds).toEqual(['yolov8 stride 8 reg'])
    expect(g.outputs.find((t) => t.name === 'yolov8n/conv63_97')?.feeds).toEqual(['yolov8 stride 32 cls'])
    expect(g.inputs[0]?.feeds).toEqual([])
  })

  it('says that the NMS image size (640) differs from the 320 input, as decoded', () => {
    expect(s.warnings).toEqual([
      'post-process "yolov8n/yolov8_nms_postprocess" assumes a 640×640 image but input "yolov8n/input_layer1" is 320×320; check the scale of the boxes it returns',
    ])
  })

  it('the summary is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })
})

describe('checksum mismatch', () => {
  it('one changed byte in the proto is reported, not fatal, and the changed value shows', () => {
    const bytes = readBytes(hefPath).slice()
    const at = Buffer.from(bytes).indexOf('3.31.0')
    expect(at).toBeGreaterThan(44)
    expect(at).toBeLessThan(44 + 1_074_368)
    bytes[at + 5] = '1'.charCodeAt(0)
    const s = openHef(bytes)
    expect(s.sdkVersion).toBe('3.31.1')
    expect(s.container.checksum.ok).toBe(false)
    expect(s.container.checksum.expected).toBe('7f048e5a53496001')
    expect(s.container.checksum.actual).not.toBe('7f048e5a53496001')
    expect(s.warnings[0]).toMatch(
      /^checksum mismatch: the header stores xxh3-64 7f048e5a53496001 but the bytes after the header hash to [0-9a-f]{16}; the file was changed or damaged/,
    )
  })

  it('one changed byte in the CCWS section is reported too', () => {
    const bytes = readBytes(hefPath).slice()
    bytes[3_000_000] = (bytes[3_000_000] as number) ^ 0xff
    expect(openHef(bytes).container.checksum.ok).toBe(false)
  })
})

describe('damaged headers and truncation: one clear HefParseError', () => {
  const full = readBytes(hefPath)

  it('a copy cut at many offsets fails cleanly, naming the sizes', () => {
    const offsets = [
      0, 1, 3, 4, 8, 11, 12, 20, 43, 44, 45, 100, 1000, 500_000, 1_074_411, 1_074_412, 1_074_413, 2_000_000,
      4_101_595,
    ]
    for (let i = 0; i < 40; i++) offsets.push(Math.floor((full.length * (i + 0.5)) / 40))
    for (const cut of offsets) {
      const err = errorOf(() => openHef(full.subarray(0, cut)))
      expect(err, `cut at ${cut}`).toBeInstanceOf(HefParseError)
      expect(err.message).not.toContain('\n')
      expect(err.message.length).toBeLessThan(300)
      if (cut >= 44 && cut < 44 + 1_074_368) {
        expect(err.message).toBe(
          `HEF proto size 1074368 exceeds file size ${cut} (${cut - 44} bytes after the 44-byte header); the file is truncated — copy the HEF again`,
        )
      } else if (cut >= 44 + 1_074_368) {
        expect(err.message).toMatch(
          /says header 44 \+ proto 1074368 \+ CCWS 3027184 = 4101596 bytes, but the file has only \d+; it is truncated/,
        )
      } else if (cut >= 12) {
        expect(err.message).toMatch(/^HEF header version 2 is 44 bytes but the file has only \d+/)
      } else {
        expect(err.message).toMatch(/shorter than the 12-byte start of a HEF header/)
      }
    }
  })

  it('extra bytes after the CCWS are refused too', () => {
    const longer = new Uint8Array(full.length + 10)
    longer.set(full)
    expect(errorOf(() => openHef(longer)).message).toMatch(/10 extra bytes at the end/)
  })

  it('an unknown header version names the version', () => {
    const bytes = full.slice(0, 1000)
    new DataView(bytes.buffer).setUint32(4, 7, false)
    const err = errorOf(() => openHef(bytes))
    expect(err).toBeInstanceOf(HefParseError)
    expect(err.message).toMatch(
      /^HEF header version 7 is not supported \(Quantscope reads versions 0, 1, 2 and 3\)/,
    )
  })

  it('a wrong magic quotes it', () => {
    const bytes = full.slice(0, 100)
    bytes[3] = 0x47
    expect(errorOf(() => openHef(bytes)).message).toMatch(
      /first 4 bytes are 0x01484547, a HEF starts with 0x01484546/,
    )
    expect(looksLikeHef(bytes)).toBe(false)
    expect(hefReader.match(full)).toBe(true)
  })

  it('a CCWS size larger than the file is refused before any arithmetic', () => {
    const bytes = full.slice()
    new DataView(bytes.buffer).setBigUint64(20, 1n << 62n, false)
    expect(errorOf(() => openHef(bytes)).message).toMatch(/ccws_size is \d+, larger than any file/)
  })

  it('a proto that does not decode says where, and that the checksum fails too', () => {
    const proto = encodeHefProto(smallHefProto())
    const garbage = proto.slice()
    garbage.fill(0xff, 10, 40)
    const hef = buildHef({ version: 2, proto: garbage })
    // A correct checksum over garbage: the decode error stands alone.
    const err = errorOf(() => openHef(hef))
    expect(err).toBeInstanceOf(HefParseError)
    expect(err.message).toMatch(
      /^the HEF protobuf \(\d+ bytes at offset 44\) cannot be decoded at byte \d+: /,
    )
  })
})

describe('header versions 0–3 (synthetic containers, checksums from checksum.ts)', () => {
  const proto = encodeHefProto(smallHefProto())
  const ccws = new Uint8Array(300).map((_, i) => (i * 7) & 0xff)

  it.each([
    [0, 'md5', 32, 32],
    [1, 'crc32', 28, 8],
    [2, 'xxh3-64', 44, 16],
  ] as const)('v%i: %s checksum ok, sizes and decode', (version, algorithm, headerSize, hexLen) => {
    const bytes = buildHef({ version, proto, ccws })
    const s = openHef(bytes)
    expect(s.container.version).toBe(version)
    expect(s.container.headerSize).toBe(headerSize)
    expect(s.container.protoSize).toBe(proto.length)
    expect(s.container.ccwsSize).toBe(version === 0 ? 0 : ccws.length)
    expect(s.container.ccwsOffset).toBe(version === 0 ? null : headerSize + proto.length)
    expect(s.container.checksum).toMatchObject({ algorithm, scope: 'body', ok: true })
    expect(s.container.checksum.expected).toHaveLength(hexLen)
    expect(s.networkGroups[0]?.name).toBe('small')
    // one flipped byte in the body: mismatch reported
    const bad = bytes.slice()
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1
    expect(openHef(bad).container.checksum.ok).toBe(false)
  })

  it('v3 with proto_xxh3: only the proto is hashed; padding, CCWS and additional info sizes add up', () => {
    const bytes = buildHef({
      version: 3,
      proto,
      ccws,
      padding: 4096 - ((56 + proto.length) % 4096),
      additionalInfo: new Uint8Array(16),
      protoHash: true,
    })
    const s = openHef(bytes)
    expect(s.container).toMatchObject({ version: 3, headerSize: 56, ccwsSize: 300, additionalInfoSize: 16 })
    expect((s.container.ccwsOffset as number) % 4096).toBe(0)
    expect(s.container.checksum).toMatchObject({ algorithm: 'xxh3-64', scope: 'proto', ok: true })
    const ccwsChanged = bytes.slice()
    const ccwsAt = (s.container.ccwsOffset as number) + 5
    ccwsChanged[ccwsAt] = (ccwsChanged[ccwsAt] as number) ^ 1
    expect(openHef(ccwsChanged).container.checksum.ok).toBe(true)
    const protoChanged = bytes.slice()
    const at = Buffer.from(protoChanged).indexOf('small/conv1')
    protoChanged[at + 6] = 'C'.charCodeAt(0)
    expect(openHef(protoChanged).container.checksum.ok).toBe(false)
  })

  it('v3 without proto_xxh3: the whole body is hashed', () => {
    const s = openHef(buildHef({ version: 3, proto, ccws, padding: 8 }))
    expect(s.container.checksum).toMatchObject({ scope: 'body', ok: true })
    expect(s.container.paddingSize).toBe(8)
  })

  it('v3 external resources are checked against their xxh3 when it is non-zero', () => {
    const resource = new TextEncoder().encode('external weights')
    const info = new Uint8Array(64)
    info.set(resource, 10)
    const makeProto = (xxhash: bigint) =>
      encodeHefProto(
        smallHefProto({
          externalResources: [
            { name: 'w0', offset: ccws.length + 10, size: resource.length, xxhash: xxhash.toString() },
            { name: 'w1', offset: 0, size: 4, xxhash: '0' },
          ],
        }),
      )
    const good = makeProto(xxh3_64(resource))
    const s = openHef(buildHef({ version: 3, proto: good, ccws, additionalInfo: info }))
    expect(s.externalResources).toEqual([
      { name: 'w0', offset: 310, size: 16, checksum: 'ok' },
      { name: 'w1', offset: 0, size: 4, checksum: 'none' },
    ])
    const bad = openHef(buildHef({ version: 3, proto: makeProto(12345n), ccws, additionalInfo: info }))
    expect(bad.externalResources[0]?.checksum).toBe('mismatch')
    expect(bad.warnings.some((w) => w.includes('external resource "w0"'))).toBe(true)
  })

  it('v1 length check: proto + CCWS must fill the file', () => {
    const bytes = buildHef({ version: 1, proto, ccws })
    expect(errorOf(() => openHef(bytes.subarray(0, bytes.length - 1))).message).toMatch(
      /HEF header \(version 1\) says header 28 \+ proto \d+ \+ CCWS 300 = \d+ bytes, but the file has only/,
    )
  })

  it('v0 length check: the proto runs to the end of the file', () => {
    const bytes = buildHef({ version: 0, proto })
    const longer = new Uint8Array(bytes.length + 3)
    longer.set(bytes)
    expect(errorOf(() => openHef(longer)).message).toMatch(
      /header version 0\) has \d+ bytes after its header but the header says the proto is \d+/,
    )
  })
})

describe('a synthetic YOLOv5 HEF (other oneof branches)', () => {
  const s = openHef(buildHef({ version: 2, proto: encodeHefProto(smallHefProto()) }))

  it('reads hw_arch, sdk_version (message), anchors and only boundary streams', () => {
    expect(s.hwArch).toEqual({ value: 3, name: 'HAILO8L' })
    expect(s.sdkVersion).toBe('3.27.1')
    const g = s.networkGroups[0] as HefSummary['networkGroups'][number]
    expect(g.inputs.map((t) => t.name)).toEqual(['small/input_layer1'])
    expect(g.outputs.map((t) => t.name)).toEqual(['small/conv1', 'small/conv2'])
    const op = g.nmsOps[0]
    expect(op?.metaArch).toBe('yolov5')
    expect(op?.regressionLength).toBeNull()
    expect(op?.decoders[0]).toMatchObject({
      stride: 8,
      padIndex: 1,
      stream: 'small/conv1',
      anchorsW: [10, 16, 33],
      anchorsH: [13, 30, 23],
    })
    expect(g.outputs[0]?.feeds).toEqual(['yolov5 stride 8 head'])
  })

  it('reports an unknown extension as not understood, and a decoder pad no stream carries', () => {
    expect(s.unknownKeys).toEqual([{ where: 'extensions', keys: ['99 (from the future)'] }])
    expect(s.warnings).toContain('post-process "small/nms" reads core pad 7, which no output stream carries')
  })

  it('an unknown hw_arch value is kept and reported', () => {
    const u = openHef(
      buildHef({ version: 2, proto: encodeHefProto(smallHefProto({ header: { hwArch: 250 } })) }),
    )
    expect(u.hwArch).toEqual({ value: 250, name: 'unknown (250)' })
    expect(u.unknownKeys[0]).toEqual({ where: 'header.hw_arch', keys: ['250'] })
  })

  it('a HEF with no network group still opens, with a warning', () => {
    const e = openHef(buildHef({ version: 2, proto: encodeHefProto({ header: { hwArch: 0 } }) }))
    expect(e.networkGroups).toEqual([])
    expect(e.warnings).toContain('the HEF holds no network group')
  })
})
