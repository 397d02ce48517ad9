/**
 * Non-maximum suppression over decoded `Candidates` (model pixels) → `Detections`, with the exact rules of
 * the two references Quantscope compares against. Steps, in order:
 *
 * 1. Candidate pairs (row, class). `multiLabel`: every class whose score passes the confidence test is a
 *    pair (Ultralytics `torch.where(cls > conf)`; HailoRT's `extract_detections` loops over the classes
 *    the same way — its YOLOv5 op first skips rows with objectness below the threshold, which changes
 *    nothing since class scores are ≤ 1). Otherwise one pair per row: its best class (the first on ties,
 *    as `torch.max`), if that passes (HailoRT's `cross_classes` mode = this + `classAgnostic`). Pairs are
 *    numbered in row-major (row, class) order; that number breaks every tie below (stable).
 *    Confidence test: `confCompare` 'gt' → score > conf with conf rounded to float32 first (torch compares
 *    a float32 tensor with a Python float in float32); 'ge' → score >= conf in double (HailoRT compares
 *    its float32 score with a double threshold).
 * 2. Pre-NMS top-k (`preNmsTopK`, Ultralytics `max_nms` = 30000): when more pairs pass, only the k best by
 *    score go on (ties: lower pair number first; Ultralytics' unstable argsort may pick others among equal
 *    scores at the cut).
 * 3. Greedy NMS in descending score order (stable, as torchvision's CPU kernel `nms_kernel_impl` sorts):
 *    a pair is kept unless a kept pair of the same class (any class when `classAgnostic`) overlaps it
 *    with IoU > iou (`iouCompare` 'gt': torchvision.ops.nms) or IoU >= iou ('ge': HailoRT
 *    `remove_overlapping_boxes`). IoU is computed in float32 step by step as both references do: areas
 *    (x2−x1)·(y2−y1), intersection max(0, ·)·max(0, ·), inter / ((area_kept + area) − inter); compared
 *    in double. (torchvision's CUDA kernel compares in float32, and HailoRT works on boxes divided by the
 *    image size: both can differ from this only for an IoU within float32 rounding of the threshold.)
 *    Per-class NMS and Ultralytics' class-offset trick (boxes shifted by class·max_wh, max_wh = 7680, then
 *    one class-agnostic NMS) keep the same boxes: shifted boxes of different classes never overlap while
 *    coordinates stay within [0, max_wh). The shift does round coordinates (float32 ulp 1/16 px at class
 *    79, enough to move a small box's IoU across 0.7), so `classOffset` reproduces it: set, each box is
 *    shifted by fround(class·classOffset) before the IoU, bit for bit as Ultralytics; unset, IoU uses the
 *    boxes as they are.
 * 4. Caps, in score order: `maxPerClass` kept pairs per class (HailoRT `max_proposals_per_class`: the
 *    best ones after NMS), then `maxDetections` overall (Ultralytics `max_det`: torchvision's keep list,
 *    already in score order, cut at max_det). With a per-class NMS a class that is full is skipped; with
 *    `classAgnostic` its later pairs still suppress other classes, as they would before the cut.
 *
 * Output: the kept pairs in descending score order (ties by pair number), boxes as given (not clipped).
 * HailoRT writes its NMS_BY_CLASS buffer grouped by class (class 0's boxes by score, then class 1's …);
 * the set is the same, only grouped. Its `std::sort` is not stable, so its choice among equal scores is
 * unspecified; ours is the pair number.
 *
 * Candidates with `nmsApplied` (e2e heads) are not suppressed again: rows passing the confidence test are
 * kept in the model's row order, cut at `maxPerClass` / `maxDetections` (Ultralytics: `pred[pred[:, 4] >
 * conf][:max_det]`), then sorted by score.
 */
import { InvalidArgumentError } from '../errors'
import type { Candidates, Detections } from './detection-types'

export interface NmsOptions {
  /** Confidence threshold on the final class score (objectness already multiplied in). */
  confThreshold: number
  /** 'gt': score > fround(conf) (Ultralytics); 'ge': score >= conf (HailoRT). */
  confCompare: 'gt' | 'ge'
  iouThreshold: number
  /** 'gt': suppress when IoU > iou (torchvision); 'ge': when IoU >= iou (HailoRT). */
  iouCompare: 'gt' | 'ge'
  /** One NMS over all classes instead of one per class. */
  classAgnostic: boolean
  /** Every class above the threshold becomes a candidate (true), or only each row's best class (false). */
  multiLabel: boolean
  /** Overall cap after NMS (Ultralytics max_det). Undefined: none. */
  maxDetections?: number
  /** Cap per class after NMS (HailoRT max_proposals_per_class). Undefined: none. */
  maxPerClass?: number
  /** Keep only the k best pairs before NMS (Ultralytics max_nms). Undefined: all. */
  preNmsTopK?: number
  /** Ultralytics' per-class box shift (max_wh = 7680), reproduced for bit-exact IoU. Per-class NMS only. */
  classOffset?: number
}

export type NmsProfileName = 'ultralytics' | 'hailo'

/**
 * - `ultralytics`: what `yolo val` (DetectionValidator) runs — conf 0.001, IoU 0.7, max_det 300,
 *   multi_label=True (the validator passes it; YOLOv5's val.py too), max_nms 30000, per class via the
 *   7680 px class offset, strict comparisons.
 * - `hailo`: HailoRT's host NMS (net_flow NmsPostProcessOp) with the values of the model zoo's
 *   yolov8n_nms_config.json — nms_scores_th 0.2, nms_iou_th 0.7, max_proposals_per_class 100 — inclusive
 *   comparisons, every class above the threshold a candidate, per-class NMS, per-class cap. No overall cap:
 *   the NMS_BY_CLASS output holds classes × max_proposals_per_class (set `maxDetections` to HailoRT's
 *   max_proposals_total to mimic NMS_BY_SCORE). Use `nmsOptionsFromHailo` for another config file or a HEF.
 */
export const NMS_PROFILES: Readonly<Record<NmsProfileName, Readonly<NmsOptions>>> = {
  ultralytics: {
    confThreshold: 0.001,
    confCompare: 'gt',
    iouThreshold: 0.7,
    iouCompare: 'gt',
    classAgnostic: false,
    multiLabel: true,
    maxDetections: 300,
    preNmsTopK: 30000,
    classOffset: 7680,
  },
  hailo: {
    confThreshold: 0.2,
    confCompare: 'ge',
    iouThreshold: 0.7,
    iouCompare: 'ge',
    classAgnostic: false,
    multiLabel: true,
    maxPerClass: 100,
  },
}

/**
 * The Hailo NMS values that drive the NMS itself, as core/hailo's `NmsSettings` (from a model-zoo
 * `*_nms_config.json`: nms_scores_th, nms_iou_th, max_proposals_per_class; or from a HEF's NMS op) has them.
 */
export interface HailoNmsValues {
  scoreThreshold: number
  iouThreshold: number
  maxProposalsPerClass: number
}

/** The `hailo` profile with a config file's (or a HEF's) thresholds and per-class cap. */
export function nmsOptionsFromHailo(values: HailoNmsValues): NmsOptions {
  return {
    ...NMS_PROFILES.hailo,
    confThreshold: values.scoreThreshold,
    iouThreshold: values.iouThreshold,
    maxPerClass: values.maxProposalsPerClass,
  }
}

/**
 * The lowest score that can pass `options`' confidence test: give it to the decoder as
 * `DecodeContext.minScore` and rows that could not produce a pair are never built.
 */
export function candidateFloor(options: Pick<NmsOptions, 'confThreshold' | 'confCompare'>): number {
  return options.confCompare === 'gt' ? Math.fround(options.confThreshold) : options.confThreshold
}

/** Pair numbers below this fit beside a 32-bit score key in a float64 (exact up to 2^53). */
const ORDINAL_LIMIT = 2 ** 21
/** Below this many pairs, sort them all at once; above, sort lazily one score bucket range at a time. */
const SORT_ALL_BELOW = 4096
/** Pairs per lazily sorted chunk (whole buckets, so equal scores always share a chunk). */
const CHUNK = 2048

export function runNms(candidates: Candidates, options: NmsOptions): Detections {
  checkOptions(options)
  checkCandidates(candidates)
  if (candidates.nmsApplied) return keepEndToEnd(candidates, options)

  const pairs = passingPairs(candidates, options)
  const limit = Math.min(pairs.length, options.preNmsTopK ?? pairs.length)
  const nms = new GreedyNms(candidates, options, limit)
  visitInScoreOrder(pairs, candidates.scores, limit, nms)
  return nms.detections()
}

/** Flat score indices (row·C + class) of the pairs passing the confidence test, in pair-number order. */
function passingPairs(c: Candidates, o: NmsOptions): Int32Array {
  const C = c.numClasses
  const scores = c.scores
  const strict = o.confCompare === 'gt'
  const conf = strict ? Math.fround(o.confThreshold) : o.confThreshold
  const size = c.count * C
  if (o.multiLabel) {
    // Two tight passes (count, then fill) beat a growing buffer.
    let n = 0
    if (strict) for (let i = 0; i < size; i++) n += scores[i]! > conf ? 1 : 0
    else for (let i = 0; i < size; i++) n += scores[i]! >= conf ? 1 : 0
    const out = new Int32Array(n)
    n = 0
    if (strict) {
      for (let i = 0; i < size; i++) if (scores[i]! > conf) out[n++] = i
    } else {
      for (let i = 0; i < size; i++) if (scores[i]! >= conf) out[n++] = i
    }
    return out
  }
  const best = new Int32Array(c.count)
  let n = 0
  for (let r = 0; r < c.count; r++) {
    const base = r * C
    let k = -1
    let bestScore = -Infinity
    for (let j = 0; j < C; j++) {
      const s = scores[base + j]!
      if (s > bestScore) {
        bestScore = s
        k = j
      }
    }
    if (k >= 0 && (strict ? bestScore > conf : bestScore >= conf)) best[n++] = base + k
  }
  return best.slice(0, n)
}

/**
 * Hands the pairs to `nms` in descending score order, ties by ascending pair number, the first `limit`
 * of them at most, until it says stop. Few pairs: one sort. Many: a counting sort on the top 16 bits of
 * an order-preserving 32-bit image of each float32 score (buckets of 1/128 octave), then each run of
 * buckets is sorted only when reached — NMS usually stops after a few hundred kept boxes.
 */
function visitInScoreOrder(pairs: Int32Array, scores: Float32Array, limit: number, nms: GreedyNms): void {
  const count = pairs.length
  const bits = new Uint32Array(count)
  const f32 = new Float32Array(1)
  const u32 = new Uint32Array(f32.buffer)
  for (let i = 0; i < count; i++) {
    const s = scores[pairs[i]!]!
    f32[0] = s === 0 ? 0 : s // −0 → +0: equal scores must tie
    const u = u32[0]!
    bits[i] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0
  }
  let visited = 0
  const visitRange = (ordinals: Int32Array, from: number, to: number): boolean => {
    sortRange(ordinals, from, to, bits)
    for (let t = from; t < to; t++) {
      if (visited++ === limit || nms.offer(pairs[ordinals[t]!]!)) return true
    }
    return false
  }
  if (count < SORT_ALL_BELOW) {
    const all = new Int32Array(count)
    for (let i = 0; i < count; i++) all[i] = i
    visitRange(all, 0, count)
    return
  }
  // Bucket k holds the pairs whose top 16 bits are 0xffff − k: ascending k = descending score.
  const starts = new Int32Array(65537)
  for (let i = 0; i < count; i++) starts[0x10000 - (bits[i]! >>> 16)]!++
  for (let k = 1; k <= 65536; k++) starts[k]! += starts[k - 1]!
  const fill = starts.slice(0, 65536)
  const byBucket = new Int32Array(count)
  for (let i = 0; i < count; i++) byBucket[fill[0xffff - (bits[i]! >>> 16)]!++] = i
  let from = 0
  for (let k = 1; k <= 65536 && from < count; k++) {
    const to = starts[k]!
    if (to - from >= CHUNK || to === count) {
      if (visitRange(byBucket, from, to)) return
      from = to
    }
  }
}

/** Sorts ordinals[from, to) by descending score bits, then ascending ordinal. */
function sortRange(ordinals: Int32Array, from: number, to: number, bits: Uint32Array): void {
  const n = to - from
  if (n < 2) return
  if (bits.length <= ORDINAL_LIMIT) {
    const keys = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const o = ordinals[from + i]!
      keys[i] = (0xffffffff - bits[o]!) * ORDINAL_LIMIT + o
    }
    keys.sort()
    for (let i = 0; i < n; i++) ordinals[from + i] = keys[i]! % ORDINAL_LIMIT
    return
  }
  ordinals.subarray(from, to).sort((a, b) => bits[b]! - bits[a]! || a - b)
}

/** The greedy pass of step 3 and the caps of step 4, fed one pair at a time in score order. */
class GreedyNms {
  private readonly C: number
  private readonly agnostic: boolean
  private readonly offsetStep: number
  private readonly strictIou: boolean
  private readonly iouTh: number
  private readonly maxPerClass: number
  private readonly maxDetections: number
  // Kept pairs: shifted float32 corners and areas, linked per group (class, or one group when agnostic).
  private readonly kx1: Float32Array
  private readonly ky1: Float32Array
  private readonly kx2: Float32Array
  private readonly ky2: Float32Array
  private readonly karea: Float32Array
  private readonly knext: Int32Array
  private readonly head: Int32Array
  private readonly perClass: Int32Array
  private kept = 0
  private readonly out: Int32Array
  private outCount = 0

  constructor(
    private readonly c: Candidates,
    o: NmsOptions,
    limit: number,
  ) {
    this.C = c.numClasses
    this.agnostic = o.classAgnostic
    this.offsetStep = o.classAgnostic || o.classOffset === undefined ? 0 : o.classOffset
    this.strictIou = o.iouCompare === 'gt'
    this.iouTh = o.iouThreshold
    this.maxPerClass = o.maxPerClass ?? Infinity
    this.maxDetections = o.maxDetections ?? Infinity
    this.kx1 = new Float32Array(limit)
    this.ky1 = new Float32Array(limit)
    this.kx2 = new Float32Array(limit)
    this.ky2 = new Float32Array(limit)
    this.karea = new Float32Array(limit)
    this.knext = new Int32Array(limit)
    this.head = new Int32Array(o.classAgnostic ? 1 : this.C).fill(-1)
    this.perClass = new Int32Array(this.C)
    this.out = new Int32Array(Math.min(limit, this.maxDetections))
  }

  /** Takes the next pair (flat score index); true once no later pair can change the result. */
  offer(idx: number): boolean {
    const fround = Math.fround
    const row = (idx / this.C) | 0
    const cls = idx - row * this.C
    if (!this.agnostic && this.perClass[cls]! >= this.maxPerClass) return false
    const boxes = this.c.boxes
    const shift = this.offsetStep === 0 ? 0 : fround(cls * this.offsetStep)
    const x1 = fround(boxes[row * 4]! + shift)
    const y1 = fround(boxes[row * 4 + 1]! + shift)
    const x2 = fround(boxes[row * 4 + 2]! + shift)
    const y2 = fround(boxes[row * 4 + 3]! + shift)
    const area = fround(fround(x2 - x1) * fround(y2 - y1))
    const group = this.agnostic ? 0 : cls
    const { kx1, ky1, kx2, ky2, karea, knext } = this
    for (let k = this.head[group]!; k !== -1; k = knext[k]!) {
      let w = fround(Math.min(kx2[k]!, x2) - Math.max(kx1[k]!, x1))
      if (!(w > 0)) w = 0
      let h = fround(Math.min(ky2[k]!, y2) - Math.max(ky1[k]!, y1))
      if (!(h > 0)) h = 0
      const inter = fround(w * h)
      const iou = fround(inter / fround(fround(karea[k]! + area) - inter))
      if (this.strictIou ? iou > this.iouTh : iou >= this.iouTh) return false
    }
    const n = this.kept++
    kx1[n] = x1
    ky1[n] = y1
    kx2[n] = x2
    ky2[n] = y2
    karea[n] = area
    knext[n] = this.head[group]!
    this.head[group] = n
    if (this.perClass[cls]! >= this.maxPerClass) return false // agnostic: kept for suppression, over its class's cap
    this.perClass[cls]!++
    this.out[this.outCount++] = idx
    return this.outCount >= this.maxDetections
  }

  detections(): Detections {
    return detectionsOf(this.c, this.out, this.outCount)
  }
}

function keepEndToEnd(c: Candidates, o: NmsOptions): Detections {
  const C = c.numClasses
  const strict = o.confCompare === 'gt'
  const conf = strict ? Math.fround(o.confThreshold) : o.confThreshold
  const maxPerClass = o.maxPerClass ?? Infinity
  const maxDetections = o.maxDetections ?? Infinity
  const perClass = new Int32Array(C)
  const picked: number[] = []
  for (let r = 0; r < c.count && picked.length < maxDetections; r++) {
    const cls = c.classes ? c.classes[r]! : argmax(c.scores, r * C, C)
    const s = c.scores[r * C + cls]!
    if (!(strict ? s > conf : s >= conf) || perClass[cls]! >= maxPerClass) continue
    perClass[cls]!++
    picked.push(r * C + cls)
  }
  const stable = picked.map((idx, i) => ({ idx, i })) // ≤ K rows (300): objects are fine here
  stable.sort((a, b) => c.scores[b.idx]! - c.scores[a.idx]! || a.i - b.i)
  return detectionsOf(
    c,
    Int32Array.from(stable, (p) => p.idx),
    stable.length,
  )
}

function argmax(scores: Float32Array, offset: number, n: number): number {
  let best = 0
  for (let k = 1; k < n; k++) if (scores[offset + k]! > scores[offset + best]!) best = k
  return best
}

function detectionsOf(c: Candidates, flat: Int32Array, count: number): Detections {
  const C = c.numClasses
  const boxes = new Float32Array(count * 4)
  const scores = new Float32Array(count)
  const classes = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const idx = flat[i]!
    const row = (idx / C) | 0
    boxes.set(c.boxes.subarray(row * 4, row * 4 + 4), i * 4)
    scores[i] = c.scores[idx]!
    classes[i] = idx - row * C
  }
  return { count, boxes, scores, classes }
}

function checkOptions(o: NmsOptions): void {
  const bad = (what: string, value: unknown, fix: string) =>
    new InvalidArgumentError(`NMS ${what} must be ${fix}; got ${JSON.stringify(value) ?? String(value)}`)
  if (!Number.isFinite(o.confThreshold)) throw bad('confidence threshold', o.confThreshold, 'a finite number')
  if (!(o.iouThreshold >= 0 && o.iouThreshold <= 1))
    throw bad('IoU threshold', o.iouThreshold, 'within [0, 1]')
  for (const [what, v] of [
    ['maxDetections', o.maxDetections],
    ['maxPerClass', o.maxPerClass],
    ['preNmsTopK', o.preNmsTopK],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      throw bad(what, v, 'a whole number ≥ 1, or unset')
  }
  if (o.classOffset !== undefined && !(Number.isFinite(o.classOffset) && o.classOffset >= 0)) {
    throw bad('classOffset', o.classOffset, 'a number ≥ 0 (Ultralytics uses 7680), or unset')
  }
}

function checkCandidates(c: Candidates): void {
  if (
    !Number.isInteger(c.numClasses) ||
    c.numClasses < 1 ||
    c.boxes.length < c.count * 4 ||
    c.scores.length < c.count * c.numClasses ||
    c.count * c.numClasses >= 2 ** 31
  ) {
    throw new InvalidArgumentError(
      `candidates are inconsistent: ${c.count} rows, ${c.numClasses} classes, ${c.boxes.length} box values, ` +
        `${c.scores.length} scores; decode them with a decoder from decoder-detect.ts`,
    )
  }
}
