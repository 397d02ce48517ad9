/**
 * The few NumPy routines Ultralytics' metrics lean on, reproduced with NumPy's exact semantics
 * (edge values, ties, the order of operations) so our numbers follow theirs.
 */

/** np.linspace(start, stop, num): `start + i·step`, with the last value set to `stop` exactly. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num)
  const step = (stop - start) / (num - 1)
  for (let i = 0; i < num; i++) out[i] = start + i * step
  if (num > 1) out[num - 1] = stop
  return out
}

/** Largest i with xp[i] <= x, or -1 (xp ascending; the index NumPy's interp works from with ties). */
function lastNotAbove(xp: ArrayLike<number>, x: number): number {
  let lo = 0
  let hi = xp.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (x >= (xp[mid] as number)) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/**
 * np.interp(x, xp, fp, left, right) for one x: xp ascending (ties allowed), `left`/`right` outside the
 * range (NumPy's defaults are fp[0] and fp[-1]).
 */
export function interp(
  x: number,
  xp: ArrayLike<number>,
  fp: ArrayLike<number>,
  left = fp[0] as number,
  right = fp[fp.length - 1] as number,
): number {
  const n = xp.length
  if (n === 0) throw new Error('interp: xp is empty')
  if (x < (xp[0] as number)) return left
  if (x > (xp[n - 1] as number)) return right
  const j = lastNotAbove(xp, x)
  if (j >= n - 1) return fp[n - 1] as number
  const xj = xp[j] as number
  const yj = fp[j] as number
  if (xj === x) return yj
  const xk = xp[j + 1] as number
  const yk = fp[j + 1] as number
  const slope = (yk - yj) / (xk - xj)
  const y = slope * (x - xj) + yj
  if (Number.isNaN(y)) {
    const y2 = slope * (x - xk) + yk
    return Number.isNaN(y2) && yj === yk ? yj : y2
  }
  return y
}

/** np.trapz(y, x): the trapezoid rule, summed in order. */
export function trapz(y: ArrayLike<number>, x: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i + 1 < y.length; i++) {
    sum += (((x[i + 1] as number) - (x[i] as number)) * ((y[i + 1] as number) + (y[i] as number))) / 2
  }
  return sum
}

/**
 * Ultralytics' `smooth(y, f)`: a box filter of odd width `round(len·f·2)//2 + 1`, the ends padded with
 * the first and last values, `np.convolve(..., mode='valid')`.
 */
export function smooth(y: ArrayLike<number>, f = 0.05): Float64Array {
  const n = y.length
  const nf = Math.floor(roundHalfEven(n * f * 2) / 2) + 1
  const half = Math.floor(nf / 2)
  const padded = new Float64Array(n + 2 * half)
  for (let i = 0; i < half; i++) {
    padded[i] = y[0] as number
    padded[half + n + i] = y[n - 1] as number
  }
  for (let i = 0; i < n; i++) padded[half + i] = y[i] as number
  const out = new Float64Array(padded.length - nf + 1)
  for (let i = 0; i < out.length; i++) {
    let s = 0
    for (let k = 0; k < nf; k++) s += (padded[i + k] as number) * (1 / nf)
    out[i] = s
  }
  return out
}

/** Python's round(): halves to even. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v)
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** np.argmax: the first index of the maximum. */
export function argmax(y: ArrayLike<number>): number {
  let best = 0
  for (let i = 1; i < y.length; i++) if ((y[i] as number) > (y[best] as number)) best = i
  return best
}
