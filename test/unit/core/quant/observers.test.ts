import { describe, expect, it } from 'vitest'
import { HistogramObserver, MinMaxObserver, makeObserver } from '../../../../src-main/core/quant/observers'
import { mulberry32 } from '../../../helpers/seeded-random'

/** Seeded activations: mostly a SiLU-like bulk in [−0.28, 6] and a few outliers up to ~40. */
function activations(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const u = rand()
    const x = (rand() + rand() + rand() - 1.5) * 4
    const silu = x / (1 + Math.exp(-x))
    out[i] = u < 0.0005 ? 10 + 30 * rand() : silu
  }
  return out
}

function chunks(data: Float32Array, size: number): Float32Array[] {
  const out: Float32Array[] = []
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size))
  return out
}

function bruteMse(data: Float32Array, lo: number, hi: number): number {
  const l = Math.min(lo, 0)
  const h = Math.max(hi, 0)
  const scale = (h - l) / 255
  const zp = Math.round(-l / scale)
  let e = 0
  for (const x of data) {
    const q = Math.min(255, Math.max(0, Math.round(x / scale) + zp))
    e += (x - (q - zp) * scale) ** 2
  }
  return e
}

describe('MinMaxObserver', () => {
  it('equals the brute-force min and max over streamed chunks, skipping NaN and Infinity', () => {
    const data = activations(50_000, 1)
    const o = new MinMaxObserver()
    for (const c of chunks(data, 7_001)) o.observe(c)
    o.observe([Number.NaN, Infinity, -Infinity])
    let lo = Infinity
    let hi = -Infinity
    for (const v of data) {
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
    expect(o.rangeOf()).toEqual({ min: lo, max: hi })
    expect(o.count).toBe(50_000)
  })

  it('refuses a range before any value', () => {
    expect(() => new MinMaxObserver().rangeOf()).toThrow(/no finite value/)
  })
})

describe('HistogramObserver', () => {
  it('keeps every value when its range doubles, chunk after growing chunk', () => {
    const o = new HistogramObserver({ bins: 64 })
    o.observe([0, 0])
    o.observe([0.5, -0.25])
    o.observe([3, -7.5])
    o.observe([100])
    const h = o.histogram()
    expect(h.reduce((a, b) => a + b, 0)).toBe(7)
    expect(o.halfRange).toBe(0.5 * 256)
    expect(o.minMax()).toEqual({ min: -7.5, max: 100 })
  })

  it('percentile range matches the sorted data within one bin width', () => {
    const data = activations(200_000, 2)
    const o = new HistogramObserver({ bins: 2048 })
    for (const c of chunks(data, 10_000)) o.observe(c)
    const sorted = Float64Array.from(data).sort()
    const w = (2 * o.halfRange) / 2048
    for (const p of [99.99, 99.9, 99]) {
      const r = o.percentileRange(p)
      const hi = sorted[Math.ceil((sorted.length * p) / 100) - 1]!
      const lo = sorted[Math.floor((sorted.length * (100 - p)) / 100)]!
      expect(Math.abs(r.max - hi)).toBeLessThanOrEqual(w + 1e-9)
      expect(Math.abs(r.min - lo)).toBeLessThanOrEqual(w + 1e-9)
    }
    // 100 % is the exact range.
    expect(o.percentileRange(100)).toEqual(o.minMax())
  })

  it('MSE range beats min/max on outlier data and is near the best candidate by brute force', () => {
    const data = activations(100_000, 3)
    const o = new HistogramObserver({ bins: 2048, range: { method: 'mse', levels: 256 } })
    for (const c of chunks(data, 9_999)) o.observe(c)
    const exact = o.minMax()
    const chosen = o.rangeOf()
    expect(chosen.max).toBeLessThan(exact.max)
    const chosenError = bruteMse(data, chosen.min, chosen.max)
    expect(chosenError).toBeLessThan(bruteMse(data, exact.min, exact.max))
    let best = Infinity
    for (let step = 1; step <= 100; step++) {
      const a = step / 100
      best = Math.min(best, bruteMse(data, exact.min * a, exact.max * a))
    }
    expect(chosenError).toBeLessThanOrEqual(best * 1.05)
  })

  it('makeObserver picks the method; bad options are refused', () => {
    const data = activations(10_000, 4)
    const mm = makeObserver('minmax')
    const pc = makeObserver('percentile', { percentile: 99 })
    mm.observe(data)
    pc.observe(data)
    expect(pc.rangeOf().max).toBeLessThan(mm.rangeOf().max)
    expect(() => makeObserver('percentile', { percentile: 20 })).toThrow(/percentile/)
    expect(() => new HistogramObserver({ bins: 3 })).toThrow(/even/)
    expect(() => makeObserver('entropy' as 'mse')).toThrow(/entropy/)
  })
})
