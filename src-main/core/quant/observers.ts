/**
 * Streaming observers over float32 activations: they see one tensor at a time during calibration and
 * end with the range [min, max] that the quantizer maps onto its integer grid (quant-params.ts).
 *
 * - `MinMaxObserver`: the exact smallest and largest value seen.
 * - `HistogramObserver`: a histogram of `bins` equal bins over [−A, A], A the running largest |value|.
 *   When a value beyond A arrives, A doubles (as often as needed) and pairs of bins merge: the bin
 *   count is even and the range symmetric, so every old bin falls into exactly one new bin and no
 *   count is smeared. From it: `percentileRange(p)` (clip the (100 − p)% tails, e.g. p = 99.99) and
 *   `mseRange(levels)` (the clip range of least expected squared quantization error).
 *
 * Histogram answers are exact to one bin width (2A / bins); the exact min/max are kept beside, and a
 * clip range never reaches past them.
 */
import { InvalidArgumentError, quote } from '../errors'

export interface Range {
  min: number
  max: number
}

export interface Observer {
  observe(values: ArrayLike<number>): void
  /** Values seen so far (NaN and ±Infinity are skipped and not counted). */
  readonly count: number
  rangeOf(): Range
}

function emptyRangeError(): InvalidArgumentError {
  return new InvalidArgumentError(
    'the observer has seen no finite value; calibrate on at least one image before asking for a range',
  )
}

export class MinMaxObserver implements Observer {
  private lo = Infinity
  private hi = -Infinity
  count = 0

  observe(values: ArrayLike<number>): void {
    let lo = this.lo
    let hi = this.hi
    let n = 0
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!
      if (!Number.isFinite(v)) continue
      if (v < lo) lo = v
      if (v > hi) hi = v
      n++
    }
    this.lo = lo
    this.hi = hi
    this.count += n
  }

  rangeOf(): Range {
    if (this.count === 0) throw emptyRangeError()
    return { min: this.lo, max: this.hi }
  }
}

export type HistogramRangeMethod =
  { method: 'minmax' } | { method: 'percentile'; percentile: number } | { method: 'mse'; levels: number }

export class HistogramObserver implements Observer {
  readonly bins: number
  /** Counts of bin i over [−A + i·w, −A + (i+1)·w), w = 2A / bins; the last bin also holds A. */
  private counts: Float64Array
  private absMax = 0
  /** Zeros seen before any non-zero value fixed the histogram's range. */
  private pendingZeros = 0
  private readonly exact = new MinMaxObserver()
  private readonly method: HistogramRangeMethod

  constructor(options: { bins?: number; range?: HistogramRangeMethod } = {}) {
    const bins = options.bins ?? 2048
    if (!Number.isInteger(bins) || bins < 2 || bins % 2 !== 0) {
      throw new InvalidArgumentError(`histogram bins must be an even whole number ≥ 2; got ${quote(bins)}`)
    }
    this.bins = bins
    this.counts = new Float64Array(bins)
    this.method = options.range ?? { method: 'minmax' }
    if (this.method.method === 'percentile') checkPercentile(this.method.percentile)
  }

  get count(): number {
    return this.exact.count
  }

  /** The histogram's half range A (0 before any non-zero value). */
  get halfRange(): number {
    return this.absMax
  }

  /** Bin counts (a copy), bin i covering [−A + i·w, −A + (i+1)·w). */
  histogram(): Float64Array {
    return this.counts.slice()
  }

  observe(values: ArrayLike<number>): void {
    this.exact.observe(values)
    if (this.exact.count === 0) return
    const { min, max } = this.exact.rangeOf()
    const need = Math.max(Math.abs(min), Math.abs(max))
    if (this.absMax === 0) {
      if (need === 0) {
        // All zeros so far: they are counted once a scale exists.
        this.pendingZeros += countFinite(values)
        return
      }
      this.absMax = need
      this.counts[this.bins / 2]! += this.pendingZeros
      this.pendingZeros = 0
    }
    while (need > this.absMax) this.doubleRange()
    const bins = this.bins
    const a = this.absMax
    const perUnit = bins / (2 * a)
    const counts = this.counts
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!
      if (!Number.isFinite(v)) continue
      let b = Math.floor((v + a) * perUnit)
      if (b >= bins) b = bins - 1
      else if (b < 0) b = 0
      counts[b]! += 1
    }
  }

  /** [−A, A] → [−2A, 2A]: old bin i goes to bins/4 + floor(i / 2). */
  private doubleRange(): void {
    const bins = this.bins
    const next = new Float64Array(bins)
    for (let i = 0; i < bins; i++) next[bins / 4 + Math.floor(i / 2)]! += this.counts[i]!
    this.counts = next
    this.absMax *= 2
  }

  /** The range chosen by the observer's method. */
  rangeOf(): Range {
    const m = this.method
    if (m.method === 'percentile') return this.percentileRange(m.percentile)
    if (m.method === 'mse') return this.mseRange(m.levels)
    return this.exact.rangeOf()
  }

  /** Exact min and max. */
  minMax(): Range {
    return this.exact.rangeOf()
  }

  /**
   * Clip range keeping the central `percentile` % of the values on each side: the max is the upper edge
   * of the bin where the cumulative count reaches percentile %, the min the lower edge of the bin where
   * it passes (100 − percentile) %; both within the exact min/max.
   */
  percentileRange(percentile: number): Range {
    checkPercentile(percentile)
    const exact = this.exact.rangeOf()
    if (this.absMax === 0) return exact
    const total = this.totalCount()
    const w = (2 * this.absMax) / this.bins
    const lowTarget = (total * (100 - percentile)) / 100
    const highTarget = (total * percentile) / 100
    let cum = 0
    let lo = exact.min
    for (let i = 0; i < this.bins; i++) {
      cum += this.counts[i]!
      if (cum > lowTarget) {
        lo = -this.absMax + i * w
        break
      }
    }
    cum = 0
    let hi = exact.max
    for (let i = 0; i < this.bins; i++) {
      cum += this.counts[i]!
      if (cum >= highTarget) {
        hi = -this.absMax + (i + 1) * w
        break
      }
    }
    return { min: Math.max(lo, exact.min), max: Math.min(hi, exact.max) }
  }

  /**
   * The clip range [α·min, α·max] (α in 1/100 … 100/100 of the exact range) whose uniform quantization
   * to `levels` levels (256 for uint8) gives the least squared error, summed over the histogram's bin
   * centres weighted by their counts. Ties go to the widest range.
   */
  mseRange(levels: number): Range {
    if (!Number.isInteger(levels) || levels < 2) {
      throw new InvalidArgumentError(`levels must be a whole number ≥ 2; got ${quote(levels)}`)
    }
    const exact = this.exact.rangeOf()
    if (this.absMax === 0) return exact
    let best = { ...exact }
    let bestError = this.squaredError(exact, levels)
    for (let step = 99; step >= 1; step--) {
      const alpha = step / 100
      const candidate = { min: exact.min * alpha, max: exact.max * alpha }
      const error = this.squaredError(candidate, levels)
      if (error < bestError) {
        bestError = error
        best = candidate
      }
    }
    return best
  }

  /** Σ count · (centre − fake_quant(centre))² with the range widened to hold 0, as the quantizer does. */
  squaredError(range: Range, levels: number): number {
    const lo = Math.min(range.min, 0)
    const hi = Math.max(range.max, 0)
    const scale = (hi - lo) / (levels - 1)
    if (scale === 0) return 0
    const zp = Math.round(-lo / scale)
    const w = (2 * this.absMax) / this.bins
    let error = 0
    for (let i = 0; i < this.bins; i++) {
      const c = this.counts[i]!
      if (c === 0) continue
      const x = -this.absMax + (i + 0.5) * w
      const q = Math.min(levels - 1, Math.max(0, Math.round(x / scale) + zp))
      const d = x - (q - zp) * scale
      error += c * d * d
    }
    return error
  }

  private totalCount(): number {
    let t = 0
    for (let i = 0; i < this.bins; i++) t += this.counts[i]!
    return t
  }
}

function countFinite(values: ArrayLike<number>): number {
  let n = 0
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++
  return n
}

function checkPercentile(p: number): void {
  if (!(p > 50 && p <= 100)) {
    throw new InvalidArgumentError(`percentile must be in (50, 100], e.g. 99.99; got ${quote(p)}`)
  }
}

export type ObserverMethod = 'minmax' | 'percentile' | 'mse'

/** An observer for a calibration method (`levels`: the activation grid's size, 256 for uint8). */
export function makeObserver(
  method: ObserverMethod,
  options: { percentile?: number; levels?: number; bins?: number } = {},
): Observer {
  if (method === 'minmax') return new MinMaxObserver()
  const bins = options.bins ?? 2048
  if (method === 'percentile') {
    return new HistogramObserver({ bins, range: { method, percentile: options.percentile ?? 99.99 } })
  }
  if (method === 'mse')
    return new HistogramObserver({ bins, range: { method, levels: options.levels ?? 256 } })
  throw new InvalidArgumentError(`calibration method ${quote(method)} is not one of minmax, percentile, mse`)
}
