/** Short, readable phrases for the parts of a model summary that are not plain numbers. */
import type {
  ActivationCount,
  BatchNormSummary,
  OpsetImport,
  QuantizationSummary,
} from '../../../src-main/shared/api'
import { formatInteger } from '../format/numbers'

/** `ai.onnx 11`; custom domains by their name: `com.microsoft 1`. Default domain first. */
export function formatOpsets(opsets: readonly OpsetImport[]): string {
  if (opsets.length === 0) return 'none declared'
  return [...opsets]
    .sort((a, b) => (a.domain === '' ? -1 : b.domain === '' ? 1 : a.domain < b.domain ? -1 : 1))
    .map((o) => `${o.domain === '' ? 'ai.onnx' : o.domain} ${o.version}`)
    .join(', ')
}

/** The default-domain opset version, the one people mean by "opset". null when the model declares none. */
export function defaultOpset(opsets: readonly OpsetImport[]): number | null {
  const found = opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')
  return found ? found.version : null
}

export interface Fact {
  text: string
  /** A few words, for a tile. */
  short: string
  detail: string
  tone: 'ok' | 'warn' | undefined
}

export function batchNormFact(bn: BatchNormSummary): Fact {
  switch (bn.state) {
    case 'present':
      return {
        text: `${formatInteger(bn.count)} unfolded`,
        short: 'fold them first',
        detail: 'BatchNormalization nodes remain; fold them before quantizing',
        tone: 'warn',
      }
    case 'folded':
      return {
        text: 'folded',
        short: 'into Conv biases',
        detail: 'no BatchNormalization left, Conv layers carry biases',
        tone: 'ok',
      }
    default:
      return {
        text: 'none',
        short: 'no BatchNormalization',
        detail: 'no BatchNormalization nodes',
        tone: undefined,
      }
  }
}

export function quantizationFact(q: QuantizationSummary): Fact {
  if (!q.present)
    return { text: 'float', short: 'no quantization ops', detail: 'no quantization ops', tone: undefined }
  const ops = q.ops.map((o) => `${o.opType} ×${formatInteger(o.count)}`).join(', ')
  const qdq = q.ops.some((o) => o.opType === 'QuantizeLinear' || o.opType === 'DequantizeLinear')
  return { text: 'quantized', short: qdq ? 'QDQ nodes' : 'integer ops', detail: ops, tone: 'ok' }
}

/** `SiLU ×51, Sigmoid ×3` (most frequent first), or `none`. */
export function formatActivations(activations: readonly ActivationCount[]): string {
  if (activations.length === 0) return 'none'
  return [...activations]
    .sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1))
    .map((a) => `${a.kind} ×${formatInteger(a.count)}`)
    .join(', ')
}
