/** The human-readable form of a model summary, as `quantscope inspect` prints it: one section per format. */
import type {
  AllsSummary,
  HarSummary,
  HefNmsOp,
  HefStream,
  HefSummary,
  HnNetworkSummary,
  ModelSummary,
  NotUnderstood,
  OnnxSummary,
  TensorInfo,
} from '../shared/model-summary'

export interface InspectedFile {
  path: string
  sizeBytes: number
  sha256: string
  summary: ModelSummary
}

const int = (n: number): string => n.toLocaleString('en-US')

function shape(t: TensorInfo): string {
  return t.shape ? `[${t.shape.map((d) => d ?? '?').join(', ')}]` : '(no shape)'
}

type Row = (label: string, value: string) => void

export function formatInspectReport(file: InspectedFile): string {
  const s = file.summary
  const lines: string[] = []
  const row: Row = (label, value) => {
    lines.push(`${label.padEnd(16)} ${value}`)
  }
  row('file', file.path)
  row('size', `${int(file.sizeBytes)} bytes`)
  row('sha256', file.sha256)
  switch (s.format) {
    case 'onnx':
      onnxReport(s, row)
      break
    case 'hef':
      hefReport(s, row)
      break
    case 'har':
      harReport(s, row)
      break
    case 'hn':
      row('format', 'Hailo HN (network JSON)')
      hnReport(s.network, row)
      notUnderstood(s.unknownKeys, row)
      break
    case 'alls':
      allsReport(s, row)
      break
  }
  for (const w of s.warnings) row('warning', w)
  return lines.join('\n')
}

function onnxReport(s: OnnxSummary, row: Row): void {
  row('format', `ONNX, IR version ${s.irVersion}`)
  row('opsets', s.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', '))
  row('producer', `${s.producerName} ${s.producerVersion}`.trim() || '(none)')
  for (const [k, v] of Object.entries(s.metadata))
    row(`meta ${k}`, v.length > 100 ? `${v.slice(0, 100)}…` : v)
  for (const t of s.inputs) row('input', `${t.name} ${t.elemType} ${shape(t)}`)
  for (const t of s.outputs) row('output', `${t.name} ${t.elemType} ${shape(t)}`)
  row('nodes', int(s.nodeCount))
  row(
    'parameters',
    `${int(s.parameters.initializerElements)} in ${int(s.parameters.initializerCount)} initializers` +
      (s.parameters.constantElements
        ? `; ${int(s.parameters.constantElements)} more in ${int(s.parameters.constantCount)} Constant nodes`
        : ''),
  )
  row('MACs', `${int(s.macs.total)} (${(s.macs.total / 1e9).toFixed(3)} G)`)
  for (const [op, macs] of Object.entries(s.macs.byOpType)) row(`  ${op}`, int(macs))
  if (s.macs.unresolved.length) row('  unresolved', s.macs.unresolved.join(', '))
  row('op types', s.opTypes.map((o) => `${o.opType}×${o.count}`).join(', '))
  row('activations', s.activations.map((a) => `${a.kind}×${a.count}`).join(', ') || '(none)')
  row('BatchNorm', `${s.batchNorm.state}${s.batchNorm.count ? ` (${s.batchNorm.count} nodes)` : ''}`)
  row(
    'quantization',
    s.quantization.present
      ? s.quantization.ops.map((o) => `${o.opType}×${o.count}`).join(', ')
      : 'none (float)',
  )
  if (s.externalData.files.length) {
    row('external data', `${s.externalData.files.join(', ')} (${int(s.externalData.bytes)} bytes)`)
  }
}

function notUnderstood(items: NotUnderstood[], row: Row): void {
  for (const u of items) row('not understood', `${u.where}: ${u.keys.join(', ')}`)
}

function streamLine(t: HefStream): string {
  const q = t.quantization
  const shape = `${t.shape.height}x${t.shape.width}x${t.shape.features}`
  const padded =
    t.paddedShape.width !== t.shape.width || t.paddedShape.height !== t.shape.height
      ? ` (padded ${t.paddedShape.height}x${t.paddedShape.width}x${t.paddedShape.features})`
      : ''
  const quant = q ? ` zp ${q.zeroPoint} scale ${q.scale} range [${q.limvalsMin}, ${q.limvalsMax}]` : ''
  const pad = t.padIndex === null ? '' : ` pad ${t.padIndex}`
  const from = t.originalNames.length ? ` <- ${t.originalNames.join(', ')}` : ''
  const feeds = t.feeds.length ? ` [${t.feeds.join('; ')}]` : ''
  return `${t.name} ${shape}${padded} ${t.formatName} ${t.dataBytes * 8}-bit${pad}${quant}${from}${feeds}`
}

function nmsLines(op: HefNmsOp, row: Row): void {
  row('post-process', `${op.name} (${op.metaArch}, run on the host by HailoRT)`)
  row('  thresholds', `score ${op.scoreThreshold}, IoU ${op.iouThreshold}`)
  row('  classes', `${op.classes}, max ${op.maxProposalsPerClass} boxes per class`)
  if (op.imageHeight !== null) row('  image size', `${op.imageHeight} x ${op.imageWidth} (H x W)`)
  if (op.regressionLength !== null) row('  regression', `${op.regressionLength} bins per side`)
  if (op.backgroundRemoval) row('  background', `removed (class ${op.backgroundRemovalIndex})`)
  if (op.bboxDecodingOnly) row('  decoding only', 'yes (no NMS)')
  for (const d of op.decoders) {
    const parts = [
      d.regStream ?? (d.regPadIndex !== null ? `pad ${d.regPadIndex}` : null),
      d.clsStream ?? (d.clsPadIndex !== null ? `pad ${d.clsPadIndex}` : null),
      d.objStream ?? (d.objPadIndex !== null ? `pad ${d.objPadIndex}` : null),
      d.stream ?? (d.padIndex !== null ? `pad ${d.padIndex}` : null),
    ].filter((x): x is string => x !== null)
    const anchors = d.anchorsW.length
      ? ` anchors ${d.anchorsW.map((w, i) => `${w}x${d.anchorsH[i]}`).join(' ')}`
      : ''
    row(`  stride ${d.stride}`, `${parts.join(' + ')}${anchors}`)
  }
  for (const p of op.outputPads) {
    if (p.nmsShape) {
      row('  output', `${p.name}: ${p.nmsShape.classes} classes x ${p.nmsShape.maxBboxesPerClass} boxes`)
    }
  }
}

function hefReport(s: HefSummary, row: Row): void {
  const c = s.container
  row('format', `Hailo HEF, header version ${c.version}, proto version ${s.protoVersion}`)
  row('architecture', `${s.hwArch.name} (hw_arch ${s.hwArch.value})`)
  row('SDK', s.sdkVersion || '(not recorded)')
  if (s.compiledAt) row('compiled', s.compiledAt)
  row(
    'checksum',
    c.checksum.ok
      ? `${c.checksum.algorithm} ${c.checksum.actual} ok`
      : `MISMATCH: ${c.checksum.algorithm} stored ${c.checksum.expected}, computed ${c.checksum.actual}`,
  )
  row('sections', `proto ${int(c.protoSize)} bytes, CCWS ${int(c.ccwsSize)} bytes`)
  row('extensions', s.extensions.map((e) => e.id).join(', ') || '(none)')
  for (const g of s.networkGroups) {
    row(
      'network group',
      `${g.name || '(unnamed)'} (${g.contextCount} context${g.contextCount === 1 ? '' : 's'})`,
    )
    if (g.bottleneckFps !== null) row('  fps (compiler)', g.bottleneckFps.toFixed(1))
    for (const t of g.inputs) row('input', streamLine(t))
    for (const t of g.outputs) row('output', streamLine(t))
    if (g.sortedOutputsOrder.length) row('app outputs', g.sortedOutputsOrder.join(', '))
    for (const op of g.nmsOps) nmsLines(op, row)
    for (const op of g.logitsOps) row('post-process', `${op.name} (${op.type})`)
  }
  notUnderstood(s.unknownKeys, row)
}

function hnReport(n: HnNetworkSummary, row: Row): void {
  row('network', n.name || '(unnamed)')
  for (const [k, v] of Object.entries(n.netParams)) row(`  ${k}`, v)
  row('layers', `${n.layerCount}: ${n.layerTypes.map((t) => `${t.type || '?'}×${t.count}`).join(', ')}`)
  for (const t of n.inputs) row('input', `${t.layer} [${t.shape.map((d) => d ?? '?').join(', ')}]`)
  for (const t of n.outputs) row('output', `${t.layer} [${t.shape.map((d) => d ?? '?').join(', ')}]`)
  if (n.outputLayersOrder.length) row('output order', n.outputLayersOrder.join(', '))
  if (n.quantizationKeys.length) {
    row('quant. keys', n.quantizationKeys.map((k) => `${k.key} (${k.count} layers)`).join(', '))
  }
}

function harReport(s: HarSummary, row: Row): void {
  row('format', `Hailo HAR, state ${s.state || '(none)'} (${s.stage})`)
  row('SDK', s.sdkVersion || '(not recorded)')
  for (const m of s.members) row('member', `${m.name} (${m.kind}, ${int(m.size)} bytes)`)
  for (const m of s.skipped) row('skipped', `${m.name}: ${m.reason}`)
  if (s.network) hnReport(s.network, row)
  for (const p of s.params) {
    const mark = p.member === s.paramsMember ? ' (used by this state)' : ''
    row(
      'weights',
      `${p.member}${mark}: ${p.arrays.length} arrays, ${int(p.totalElements)} elements, ${int(p.totalBytes)} bytes`,
    )
  }
  if (s.embeddedHef) row('embedded HEF', `${s.embeddedHef.member} (${int(s.embeddedHef.size)} bytes)`)
  notUnderstood(s.unknownKeys, row)
}

function allsReport(s: AllsSummary, row: Row): void {
  row('format', `Hailo model script (.alls), ${s.lineCount} lines, ${s.commands.length} commands`)
  for (const c of s.commands) row(`line ${c.line}`, `${c.text}${c.known ? '' : '   (unknown command)'}`)
  for (const p of s.precisionModes) row('precision', `${p.mode}: ${p.layers.join(', ')}`)
  for (const n of s.nmsPostprocess)
    row('NMS config', `${n.configPath} (${n.metaArch || '?'}, engine ${n.engine || '?'})`)
  for (const u of s.unparsed) row(`line ${u.line}`, `${u.text}   (not read)`)
  notUnderstood(s.unknownKeys, row)
}
