/**
 * Builds `Candidates` row by row without an object per row: a decoder writes a row's class scores into the
 * slot `scoreOffset()` points at, then `commit`s the box — or skips the commit, and the next row reuses
 * the slot (that is how `minScore` drops rows). Buffers grow by doubling.
 */
import type { Candidates } from '../detection-types'

export class CandidateBuilder {
  private boxes: Float32Array
  private scores: Float32Array
  private count = 0
  private capacity: number

  constructor(
    readonly numClasses: number,
    /** Rows the caller expects at most (all of them when nothing is filtered). */
    expectedRows: number,
    filtered: boolean,
  ) {
    this.capacity = Math.max(1, filtered ? Math.min(expectedRows, 1024) : expectedRows)
    this.boxes = new Float32Array(this.capacity * 4)
    this.scores = new Float32Array(this.capacity * numClasses)
  }

  /** Where the next row's numClasses scores go in `scoreBuffer()`. */
  scoreOffset(): number {
    if (this.count === this.capacity) this.grow()
    return this.count * this.numClasses
  }

  /** The buffer `scoreOffset()` indexes; fetch it after `scoreOffset()` (growing replaces it). */
  scoreBuffer(): Float32Array {
    return this.scores
  }

  /** Keep the row whose scores were just written, with its box x1, y1, x2, y2 in model pixels. */
  commit(x1: number, y1: number, x2: number, y2: number): void {
    const o = this.count * 4
    this.boxes[o] = x1
    this.boxes[o + 1] = y1
    this.boxes[o + 2] = x2
    this.boxes[o + 3] = y2
    this.count++
  }

  finish(): Candidates {
    return {
      count: this.count,
      numClasses: this.numClasses,
      boxes: this.boxes.subarray(0, this.count * 4),
      scores: this.scores.subarray(0, this.count * this.numClasses),
      nmsApplied: false,
    }
  }

  private grow(): void {
    this.capacity *= 2
    const boxes = new Float32Array(this.capacity * 4)
    boxes.set(this.boxes)
    this.boxes = boxes
    const scores = new Float32Array(this.capacity * this.numClasses)
    scores.set(this.scores)
    this.scores = scores
  }
}

/** The best of `n` scores from `offset` (NaN never wins; all NaN gives -Infinity). */
export function bestScore(scores: Float32Array, offset: number, n: number): number {
  let best = -Infinity
  for (let c = 0; c < n; c++) {
    const s = scores[offset + c]!
    if (s > best) best = s
  }
  return best
}

/** The row filter of DecodeContext.minScore: keep iff best >= minScore (undefined keeps all). */
export function keepsRow(best: number, minScore: number | undefined): boolean {
  return minScore === undefined || best >= minScore
}
