/**
 * Scales and zero points, and the arithmetic of onnxruntime's QuantizeLinear / DequantizeLinear:
 * q = saturate(round_half_even(x / scale) + zero_point), x̂ = (q − zero_point) · scale, with scale a
 * float32 (it is stored as one in the model, so it is rounded to float32 here before any use).
 *
 * - Activations, 8 bits: asymmetric uint8 [0, 255]. The range is first widened to hold 0 (so zero
 *   padding is exact), then scale = (max − min) / 255, zero_point = round(−min / scale) — as
 *   onnxruntime.quantization computes them.
 * - Activations, 16 bits: symmetric int16, zero_point 0, scale = max(|min|, |max|) / 32767.
 * - Weights: symmetric int8 [−127, 127] (zero_point 0, scale = max|w| / 127), per tensor or per output
 *   channel (axis 0 of a Conv weight [M, C/group, kH, kW]).
 * - 4-bit weights (a8_w4) are simulated: the weights are rounded to the symmetric int4 grid [−7, 7]
 *   (scale = max|w| / 7; −8 is never reached by a symmetric range) and stored as int8 with that same
 *   scale, so an int8 DequantizeLinear reproduces exactly the 4-bit values.
 */
import { InvalidArgumentError, quote } from '../errors'
import type { Range } from './observers'

export interface QuantParams {
  /** float32-exact. */
  scale: number
  zeroPoint: number
  qmin: number
  qmax: number
}

export type ActivationBits = 8 | 16
export type WeightBits = 8 | 4

/** Round half to even, as std::nearbyint under the default rounding mode (onnxruntime's QuantizeLinear). */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x)
  return (r - x === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0
}

function checkRange(range: Range): void {
  if (!Number.isFinite(range.min) || !Number.isFinite(range.max) || range.min > range.max) {
    throw new InvalidArgumentError(
      `a quantization range needs finite min ≤ max; got [${quote(range.min)}, ${quote(range.max)}]`,
    )
  }
}

/** Scale and zero point of an activation tensor observed over `range`. */
export function activationParams(range: Range, bits: ActivationBits = 8): QuantParams {
  checkRange(range)
  if (bits === 16) {
    const absMax = Math.max(Math.abs(range.min), Math.abs(range.max))
    const scale = absMax === 0 ? 1 : Math.fround(absMax / 32767)
    return { scale, zeroPoint: 0, qmin: -32768, qmax: 32767 }
  }
  if (bits !== 8) throw new InvalidArgumentError(`activation bits must be 8 or 16; got ${quote(bits)}`)
  const lo = Math.min(range.min, 0)
  const hi = Math.max(range.max, 0)
  if (hi === lo) return { scale: 1, zeroPoint: 0, qmin: 0, qmax: 255 }
  const scale = Math.fround((hi - lo) / 255)
  const zeroPoint = Math.min(255, Math.max(0, roundHalfToEven(-lo / scale)))
  return { scale, zeroPoint, qmin: 0, qmax: 255 }
}

/** QuantizeLinear of one value. */
export function quantizeValue(x: number, p: QuantParams): number {
  const q = roundHalfToEven(Math.fround(Math.fround(x) / p.scale)) + p.zeroPoint
  return Math.min(p.qmax, Math.max(p.qmin, q))
}

/** DequantizeLinear of one value (float32). */
export function dequantizeValue(q: number, p: Pick<QuantParams, 'scale' | 'zeroPoint'>): number {
  return Math.fround((q - p.zeroPoint) * p.scale)
}

export interface QuantizedWeights {
  /** Integer values, stored as int8 whatever `bits` (4-bit values lie in [−7, 7]). */
  values: Int8Array
  /** One scale (per tensor) or one per output channel (axis 0); float32. */
  scales: Float32Array
  /** null per tensor, 0 per channel. */
  axis: 0 | null
  bits: WeightBits
}

/**
 * Symmetric weight quantization. `dims[0]` is the output-channel axis; per channel, channel c is the
 * contiguous block of size/dims[0] values. An all-zero tensor or channel gets scale 1 (its values are 0).
 */
export function quantizeWeights(
  values: Float32Array,
  dims: readonly number[],
  granularity: 'per-tensor' | 'per-channel',
  bits: WeightBits = 8,
): QuantizedWeights {
  if (bits !== 8 && bits !== 4)
    throw new InvalidArgumentError(`weight bits must be 8 or 4; got ${quote(bits)}`)
  const qmax = bits === 8 ? 127 : 7
  const channels = granularity === 'per-channel' ? (dims[0] ?? 1) : 1
  if (!(channels >= 1) || values.length % channels !== 0) {
    throw new InvalidArgumentError(
      `weight of shape [${dims.join(', ')}] cannot be split into ${channels} channels of equal size`,
    )
  }
  const block = values.length / channels
  const scales = new Float32Array(channels)
  const out = new Int8Array(values.length)
  for (let c = 0; c < channels; c++) {
    let absMax = 0
    for (let i = c * block; i < (c + 1) * block; i++) absMax = Math.max(absMax, Math.abs(values[i]!))
    const scale = absMax === 0 ? 1 : Math.fround(absMax / qmax)
    scales[c] = scale
    const p: QuantParams = { scale, zeroPoint: 0, qmin: -qmax, qmax }
    for (let i = c * block; i < (c + 1) * block; i++) out[i] = quantizeValue(values[i]!, p)
  }
  return { values: out, scales, axis: granularity === 'per-channel' ? 0 : null, bits }
}

/** The float32 weights an int8 DequantizeLinear gives back from `q` (for tests and error analysis). */
export function dequantizeWeights(q: QuantizedWeights): Float32Array {
  const block = q.values.length / q.scales.length
  const out = new Float32Array(q.values.length)
  for (let i = 0; i < out.length; i++) {
    out[i] = dequantizeValue(q.values[i]!, { scale: q.scales[Math.floor(i / block)]!, zeroPoint: 0 })
  }
  return out
}
