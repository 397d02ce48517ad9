/** The human-readable form of a model summary, as `quantscope inspect` prints it. */
import type { ModelSummary, TensorInfo } from '../shared/model-summary'

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

export function formatInspectReport(file: InspectedFile): string {
  const s = file.summary
  const lines: string[] = []
  const row = (label: string, value: string): void => {
    lines.push(`${label.padEnd(16)} ${value}`)
  }
  row('file', file.path)
  row('size', `${int(file.sizeBytes)} bytes`)
  row('sha256', file.sha256)
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
  for (const w of s.warnings) row('warning', w)
  return lines.join('\n')
}
