import { describe, expect, it } from 'vitest'
import {
  activationParams,
  dequantizeValue,
  dequantizeWeights,
  quantizeValue,
  quantizeWeights,
  roundHalfToEven,
} from '../../../../src-main/core/quant/quant-params'
import { mulberry32 } from '../../../helpers/seeded-random'

function weights(dims: number[], seed: number): Float32Array {
  const rand = mulberry32(seed)
  const n = dims.reduce((a, b) => a * b, 1)
  const per = n / dims[0]!
  // Channels of very different magnitude, as BN folding leaves them.
  return Float32Array.from({ length: n }, (_, i) => (rand() - 0.5) * 10 ** ((Math.floor(i / per) % 4) - 2))
}

describe('roundHalfToEven', () => {
  it('rounds halves to the even neighbour, like std::nearbyint', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4, -2.6].map(roundHalfToEven)).toEqual([
      -2, -2, 0, 0, 2, 2, 4, 2, -3,
    ])
    expect(Object.is(roundHalfToEven(-0.4), 0)).toBe(true)
  })
})

describe('activationParams', () => {
  it('uint8 asymmetric: range widened to 0, zero exact, ends on the grid', () => {
    const p = activationParams({ min: -0.2784, max: 9.6 }, 8)
    expect(p.scale).toBe(Math.fround((9.6 + 0.2784) / 255))
    expect(p.zeroPoint).toBe(roundHalfToEven(0.2784 / p.scale))
    expect(dequantizeValue(quantizeValue(0, p), p)).toBe(0)
    expect(quantizeValue(9.6, p)).toBe(255)
    expect(quantizeValue(100, p)).toBe(255)
    expect(quantizeValue(-5, p)).toBe(0)
    const positive = activationParams({ min: 2, max: 255 })
    expect(positive.zeroPoint).toBe(0)
    expect(positive.scale).toBe(1)
    expect(activationParams({ min: 0, max: 0 })).toMatchObject({ scale: 1, zeroPoint: 0 })
  })

  it('int16 symmetric', () => {
    const p = activationParams({ min: -3, max: 1 }, 16)
    expect(p).toEqual({ scale: Math.fround(3 / 32767), zeroPoint: 0, qmin: -32768, qmax: 32767 })
    expect(quantizeValue(-3, p)).toBe(-32767)
  })

  it('refuses a bad range', () => {
    expect(() => activationParams({ min: 1, max: 0 })).toThrow(/min ≤ max/)
    expect(() => activationParams({ min: Number.NaN, max: 0 })).toThrow(/finite/)
  })
})

describe('quantizeWeights', () => {
  const dims = [8, 3, 3, 3]
  const w = weights(dims, 7)

  for (const granularity of ['per-tensor', 'per-channel'] as const) {
    for (const bits of [8, 4] as const) {
      it(`${granularity} int${bits}: every dequantized weight lies on scale·q, q an integer in range`, () => {
        const q = quantizeWeights(w, dims, granularity, bits)
        const qmax = bits === 8 ? 127 : 7
        expect(q.scales).toHaveLength(granularity === 'per-channel' ? 8 : 1)
        const back = dequantizeWeights(q)
        const block = w.length / q.scales.length
        for (let i = 0; i < w.length; i++) {
          const scale = q.scales[Math.floor(i / block)]!
          const level = q.values[i]!
          expect(Number.isInteger(level)).toBe(true)
          expect(Math.abs(level)).toBeLessThanOrEqual(qmax)
          expect(back[i]).toBe(Math.fround(level * scale))
          // Nearest grid point: error at most half a step.
          expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-7 * Math.abs(w[i]!))
        }
        // The largest |w| of each block maps to ±qmax.
        for (let c = 0; c < q.scales.length; c++) {
          let m = 0
          for (let i = c * block; i < (c + 1) * block; i++) m = Math.max(m, Math.abs(q.values[i]!))
          expect(m).toBe(qmax)
        }
      })
    }
  }

  it('per-channel is at least as accurate as per-tensor on channels of different magnitude', () => {
    const err = (g: 'per-tensor' | 'per-channel'): number => {
      const back = dequantizeWeights(quantizeWeights(w, dims, g))
      return back.reduce((s, v, i) => s + (v - w[i]!) ** 2, 0)
    }
    expect(err('per-channel')).toBeLessThan(err('per-tensor'))
  })

  it('a zero channel gets scale 1 and zeros; bad shapes are refused', () => {
    const z = new Float32Array(8)
    z[5] = 0.5
    const q = quantizeWeights(z, [2, 4], 'per-channel')
    expect(Array.from(q.scales)).toEqual([1, Math.fround(0.5 / 127)])
    expect(q.values[5]).toBe(127)
    expect(() => quantizeWeights(new Float32Array(7), [2, 4], 'per-channel')).toThrow(/channels/)
  })
})
