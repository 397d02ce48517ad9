/**
 * Run ONNX bytes once with onnxruntime (through services/inference) and compare outputs; for the stage
 * builder tests (test/unit/core/onnx/stage-*.test.ts).
 */
import type { ModelOutputs, NamedTensor } from '../../src-main/core/detect/detection-types'
import { InferenceSession } from '../../src-main/services/inference/inference-session'

/** Deterministic uniform values in [lo, hi) (an LCG: the same on every platform). */
export function uniform(count: number, lo: number, hi: number, seed = 1): Float32Array {
  const out = new Float32Array(count)
  let s = seed >>> 0
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = lo + ((hi - lo) * s) / 4294967296
  }
  return out
}

/** Outputs of `model` for one float32 input, by name (graph outputs, plus `extraOutputs`). */
export async function runOnnx(
  model: Uint8Array,
  input: { name: string; dims: number[]; data: Float32Array },
  extraOutputs: readonly string[] = [],
): Promise<ModelOutputs> {
  const session = await InferenceSession.open(model, { intraOpThreads: 2, extraOutputs })
  try {
    return await session.run({ [input.name]: { dims: input.dims, data: input.data.slice() } })
  } finally {
    await session.release()
  }
}

/** Largest |a − b| over two tensors of the same shape; Infinity when the shapes differ. */
export function maxAbsDiff(a: NamedTensor | undefined, b: NamedTensor | undefined): number {
  if (!a || !b || a.dims.join() !== b.dims.join()) return Infinity
  let m = 0
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!)
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d
  }
  return m
}

/** Largest |a − b| relative to max |a| (for outputs whose magnitude varies by model). */
export function maxRelDiff(a: NamedTensor | undefined, b: NamedTensor | undefined): number {
  if (!a) return Infinity
  const scale = a.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1
  return maxAbsDiff(a, b) / scale
}
