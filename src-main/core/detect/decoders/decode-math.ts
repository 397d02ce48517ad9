/** The activations decoders apply on the host: sigmoid and the distribution focal loss (DFL) expectation. */

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x))
}

/**
 * Σ k·softmax(v)_k over `bins` values v_k = data[offset + k·step]: the expected distance (in strides) that
 * a GFL / DFL head encodes as a distribution over 0 … bins−1. The max is subtracted first, as softmax does.
 */
export function dflExpectation(data: Float32Array, offset: number, step: number, bins: number): number {
  let max = -Infinity
  for (let k = 0; k < bins; k++) {
    const v = data[offset + k * step]!
    if (v > max) max = v
  }
  let sum = 0
  let weighted = 0
  for (let k = 0; k < bins; k++) {
    const e = Math.exp(data[offset + k * step]! - max)
    sum += e
    weighted += k * e
  }
  return weighted / sum
}
