/**
 * COCO detection metrics exactly as pycocotools' `COCOeval` computes them for iouType 'bbox' (the 12
 * `stats`, the `precision` / `recall` / `scores` arrays of `accumulate`), with pycocotools' quirks kept:
 *
 * - Images and categories are the ground truth's, sorted by id. Ground truth whose image or category is
 *   not among them is left out, as `getAnnIds` does. Detections get area w·h and ids 1..N (`loadRes`).
 * - `ignore` is `iscrowd`: pycocotools overwrites the JSON's `ignore` flag in `_prepare`, so
 *   `GroundTruthBox.ignore` has no effect here either.
 * - Duplicate annotation ids: pycocotools' `loadAnns` looks annotations up by id, so every occurrence of
 *   a duplicated id loads the *last* annotation with that id (which may then count twice).
 * - Per (image, class): detections sorted by score, stable (file order breaks ties), capped at the
 *   largest maxDet; IoU as maskApi's bbIou (crowd gt: intersection over the detection's area);
 *   greedy matching per threshold with pycocotools' loop (ties go to the later gt, a match on a regular
 *   gt stops the search at the first ignored gt, crowd gt can be matched many times).
 * - A match counts as a true positive when the matched gt's id is non-zero (pycocotools tests `dtm`,
 *   which holds the gt id, for truth): a detection matched to a gt with id 0 is a false positive.
 * - accumulate: per class, area range and maxDet, the top-maxDet detections of every image, in image
 *   order, stable-sorted by score; precision = tp / (tp + fp + 2⁻⁵²), envelope from the back, read at
 *   the first index whose recall ≥ each recall threshold (`searchsorted` left); thresholds beyond the
 *   last recall read 0 (pycocotools' try/except), classes without (non-ignored) gt read -1.
 * - summarize: means over entries > -1 with NumPy's pairwise summation (so the last bits agree too),
 *   stats[0] at maxDets == 100 literally, as `_summarize`'s default.
 *
 * Where pycocotools raises instead of answering, this answers: detections on images the ground truth
 * lacks are left out and counted (pycocotools asserts), an empty detection list scores 0.
 */
import type { Dataset, Detection } from '../datasets/dataset'
import { InvalidArgumentError, quote } from '../errors'
import { linspace } from './numpy-compat'

/** pycocotools' iouThrs: np.linspace(.5, .95, 10) (0.5, 0.55, 0.6000000000000001 …, exact float values matter). */
export const COCO_IOU_THRESHOLDS: Float64Array = linspace(0.5, 0.95, 10)
/** pycocotools' recThrs: np.linspace(0, 1, 101). */
export const COCO_RECALL_THRESHOLDS: Float64Array = linspace(0, 1, 101)
/** Area ranges in px² (COCO's `area`, inclusive both ends), in pycocotools' order. */
export const COCO_AREA_RANGES: readonly (readonly [number, number])[] = [
  [0, 1e10],
  [0, 32 ** 2],
  [32 ** 2, 96 ** 2],
  [96 ** 2, 1e10],
]
export const COCO_AREA_LABELS = ['all', 'small', 'medium', 'large'] as const
export type CocoAreaLabel = (typeof COCO_AREA_LABELS)[number]
export const COCO_DEFAULT_MAX_DETS: readonly number[] = [1, 10, 100]
/** Names of `stats[i]`, in pycocotools' order. */
export const COCO_STAT_NAMES = [
  'AP',
  'AP50',
  'AP75',
  'AP_small',
  'AP_medium',
  'AP_large',
  'AR_1',
  'AR_10',
  'AR_100',
  'AR_small',
  'AR_medium',
  'AR_large',
] as const

/** numpy's np.spacing(1): pycocotools adds it to tp + fp so the first precision is tp / (1 + 2⁻⁵²). */
const EPS = 2 ** -52
/** pycocotools caps each IoU threshold at 1 - 1e-10 (`iou = min([t, 1-1e-10])`). */
const IOU_CAP = 1 - 1e-10

/** Matching outcome of one detection at one area range and IoU threshold. */
const FP = 0
const TP = 1
const IGNORED = 2

export type CocoGroundTruth = Pick<Dataset, 'images' | 'categories' | 'annotations'>

export interface CocoEvalOptions {
  /**
   * pycocotools' `params.maxDets`: at least three distinct positive integers (sorted here). The largest
   * caps detections per image and class; stats[1..5] and [8..11] read maxDets[2], stats[6], [7] read
   * maxDets[0], [1], and stats[0] reads maxDets == 100 (-1 when absent, as pycocotools). Default [1, 10, 100].
   */
  maxDets?: readonly number[]
}

/** Sizes of the arrays: T IoU thresholds, R recall thresholds, K classes, A area ranges, M maxDets. */
export interface CocoEvalDims {
  T: number
  R: number
  K: number
  A: number
  M: number
}

export interface CocoEvalParams {
  iouThrs: number[]
  recThrs: number[]
  /** Sorted ascending. */
  maxDets: number[]
  areaRng: [number, number][]
  areaRngLbl: CocoAreaLabel[]
  /** Category ids, ascending: class index k of the arrays is catIds[k]. */
  catIds: number[]
  /** Number of ground-truth images (distinct ids) evaluated. */
  imageCount: number
}

export interface CocoClassResult {
  categoryId: number
  /** Mean of precision[:, :, k, all, maxDets[-1]] over entries > -1 (AP@[.5:.95]); -1 without ground truth. */
  ap: number
  /** The same at IoU 0.5 and 0.75. */
  ap50: number
  ap75: number
  /** Ground-truth boxes that count (not crowd, area in the 'all' range), and crowd regions. */
  nGt: number
  nCrowd: number
  /** Detections of this class on ground-truth images, before the per-image cap. */
  nDt: number
}

export interface CocoEvalResult {
  /** pycocotools' 12 summary numbers; names in COCO_STAT_NAMES. -1 where undefined. */
  stats: number[]
  /** One per category, in catIds order. */
  perClass: CocoClassResult[]
  dims: CocoEvalDims
  /**
   * pycocotools' eval['precision'], C order [T, R, K, A, M]: index (((t·R + r)·K + k)·A + a)·M + m
   * (see precisionIndex). -1 where the class has no ground truth at that area range.
   */
  precision: Float64Array
  /** eval['recall'], C order [T, K, A, M]: ((t·K + k)·A + a)·M + m (see recallIndex). */
  recall: Float64Array
  /** eval['scores'], laid out as precision: the detection score where each precision was read. */
  scores: Float64Array
  params: CocoEvalParams
  /** Detections left out: image not in the ground truth; category not in it (on a known image). */
  ignored: { unknownImage: number; unknownCategory: number }
  /** Ground truth left out the same way; duplicateId counts annotations whose id an earlier one has. */
  ignoredGt: { unknownImage: number; unknownCategory: number; duplicateId: number }
}

/** Flat index into precision / scores. */
export function precisionIndex(
  d: CocoEvalDims,
  t: number,
  r: number,
  k: number,
  a: number,
  m: number,
): number {
  return (((t * d.R + r) * d.K + k) * d.A + a) * d.M + m
}

/** Flat index into recall. */
export function recallIndex(d: CocoEvalDims, t: number, k: number, a: number, m: number): number {
  return ((t * d.K + k) * d.A + a) * d.M + m
}

export interface PrCurve {
  categoryId: number
  iouThr: number
  area: CocoAreaLabel
  maxDets: number
  /** The 101 recall thresholds (x). */
  recall: Float64Array
  /** Interpolated precision at each (y): 0 beyond the class's final recall, -1 for every point without ground truth. */
  precision: Float64Array
  /** Detection score where each precision was read (0 beyond the final recall). */
  scores: Float64Array
}

/**
 * The precision/recall curve COCO averages for one class: precision[t, :, k, a, m]. iouThr is looked up
 * within 1e-9 (0.65 finds 0.6499999999999999); maxDets defaults to the largest.
 */
export function prCurve(
  result: CocoEvalResult,
  categoryId: number,
  options: { iouThr?: number; area?: CocoAreaLabel; maxDets?: number } = {},
): PrCurve {
  const { dims, params } = result
  const iouThr = options.iouThr ?? 0.5
  const area = options.area ?? 'all'
  const maxDets = options.maxDets ?? (params.maxDets[params.maxDets.length - 1] as number)
  const t = params.iouThrs.findIndex((v) => Math.abs(v - iouThr) <= 1e-9)
  const k = params.catIds.indexOf(categoryId)
  const a = params.areaRngLbl.indexOf(area)
  const m = params.maxDets.indexOf(maxDets)
  if (t < 0)
    throw new InvalidArgumentError(`IoU threshold ${quote(iouThr)} is not one of ${quote(params.iouThrs)}`)
  if (k < 0) throw new InvalidArgumentError(`category ${quote(categoryId)} is not in the ground truth`)
  if (a < 0)
    throw new InvalidArgumentError(`area range ${quote(area)} is not one of ${quote(params.areaRngLbl)}`)
  if (m < 0)
    throw new InvalidArgumentError(`maxDets ${quote(maxDets)} is not one of ${quote(params.maxDets)}`)
  const precision = new Float64Array(dims.R)
  const scores = new Float64Array(dims.R)
  for (let r = 0; r < dims.R; r++) {
    const i = precisionIndex(dims, t, r, k, a, m)
    precision[r] = result.precision[i]!
    scores[r] = result.scores[i]!
  }
  return {
    categoryId,
    iouThr: params.iouThrs[t]!,
    area,
    maxDets,
    recall: Float64Array.from(params.recThrs),
    precision,
    scores,
  }
}

/** COCO bbox evaluation of `dets` against `gt`, as pycocotools' evaluate() + accumulate() + summarize(). */
export function evaluateCoco(
  gt: CocoGroundTruth,
  dets: readonly Detection[],
  options: CocoEvalOptions = {},
): CocoEvalResult {
  const maxDets = checkMaxDets(options.maxDets ?? COCO_DEFAULT_MAX_DETS)
  const maxDetLast = maxDets[maxDets.length - 1]!
  const iouThrs = COCO_IOU_THRESHOLDS
  const recThrs = COCO_RECALL_THRESHOLDS
  const imgIds = uniqueSorted(gt.images.map((i) => i.id))
  const catIds = uniqueSorted(gt.categories.map((c) => c.id))
  const I = imgIds.length
  const dims: CocoEvalDims = {
    T: iouThrs.length,
    R: recThrs.length,
    K: catIds.length,
    A: 4,
    M: maxDets.length,
  }
  const { T, K, A } = dims
  const imgIndex = new Map(imgIds.map((id, i) => [id, i]))
  const catIndex = new Map(catIds.map((id, k) => [id, k]))

  const gtList = listGroundTruth(gt.annotations, imgIndex, catIndex, I)
  const dtList = listDetections(dets, imgIndex, catIndex, I)
  const groups = makeGroups(gtList.key, dtList.key, I, K)
  const g = layoutGroundTruth(gt.annotations, gtList, groups)
  const d = layoutDetections(dtList, groups, maxDetLast)

  // evaluateImg for every (class, image) group at every area range: per detection slot, A·T outcomes.
  const outcome = new Uint8Array(d.count * A * T)
  const npig = new Float64Array(K * A)
  const nCrowd = new Int32Array(K)
  const nDt = new Int32Array(K)
  const matcher = new Matcher(T, A)
  for (let k = 0; k < K; k++) {
    for (let q = groups.classStart[k]!; q < groups.classStart[k + 1]!; q++) {
      const g0 = g.start[q]!
      const g1 = g.start[q + 1]!
      for (let j = g0; j < g1; j++) nCrowd[k]! += g.crowd[j]!
      nDt[k]! += d.total[q]!
      matcher.run(g, g0, g1, d, d.start[q]!, d.start[q + 1]!, npig, k * A, outcome)
    }
  }

  const precision = new Float64Array(T * dims.R * K * A * dims.M).fill(-1)
  const scores = new Float64Array(precision.length).fill(-1)
  const recall = new Float64Array(T * K * A * dims.M).fill(-1)
  accumulate(dims, groups, maxDets, d, outcome, npig, precision, recall, scores)

  const stats = summarize(dims, maxDets, precision, recall)
  const t50 = indicesEqual(iouThrs, 0.5)
  const t75 = indicesEqual(iouThrs, 0.75)
  const allT = [...iouThrs.keys()]
  const perClass: CocoClassResult[] = catIds.map((categoryId, k) => ({
    categoryId,
    ap: meanAbove(collect(dims, precision, allT, true, [k], [0], [dims.M - 1])),
    ap50: meanAbove(collect(dims, precision, t50, true, [k], [0], [dims.M - 1])),
    ap75: meanAbove(collect(dims, precision, t75, true, [k], [0], [dims.M - 1])),
    nGt: npig[k * A]!,
    nCrowd: nCrowd[k]!,
    nDt: nDt[k]!,
  }))

  return {
    stats,
    perClass,
    dims,
    precision,
    recall,
    scores,
    params: {
      iouThrs: [...iouThrs],
      recThrs: [...recThrs],
      maxDets,
      areaRng: COCO_AREA_RANGES.map(([lo, hi]) => [lo, hi]),
      areaRngLbl: [...COCO_AREA_LABELS],
      catIds,
      imageCount: I,
    },
    ignored: dtList.ignored,
    ignoredGt: gtList.ignored,
  }
}

function checkMaxDets(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b)
  const ok =
    sorted.length >= 3 &&
    sorted.every((v, i) => Number.isInteger(v) && v > 0 && (i === 0 || v !== sorted[i - 1]))
  if (!ok) {
    throw new InvalidArgumentError(
      `maxDets ${quote(`[${values.join(', ')}]`)} must be at least three distinct positive integers, e.g. [1, 10, 100]`,
    )
  }
  return sorted
}

function uniqueSorted(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b)
}

/**
 * The (class, image) pairs that have ground truth or detections: evaluateImg's non-empty cases. Sorted by
 * key k·I + i, so a class's groups are contiguous and in image-id order (accumulate's concatenation order).
 * Sparse on purpose: K·I can be tens of millions (365 classes × 80k images) where few pairs are filled.
 */
interface Groups {
  count: number
  key: Float64Array
  /** Class k owns groups classStart[k] … classStart[k+1]-1. */
  classStart: Int32Array
}

/** Keys are k·I + i, or -1 for an element left out. */
function makeGroups(gtKeys: Float64Array, dtKeys: Float64Array, I: number, K: number): Groups {
  const all = new Float64Array(gtKeys.length + dtKeys.length)
  all.set(gtKeys)
  all.set(dtKeys, gtKeys.length)
  all.sort()
  const key = new Float64Array(all.length)
  let count = 0
  for (let p = 0; p < all.length; p++) {
    const v = all[p]!
    if (v >= 0 && (count === 0 || v !== key[count - 1])) key[count++] = v
  }
  const classStart = new Int32Array(K + 1)
  for (let q = 0; q < count; q++) classStart[Math.floor(key[q]! / I) + 1]!++
  for (let k = 0; k < K; k++) classStart[k + 1]! += classStart[k]!
  return { count, key: key.subarray(0, count), classStart }
}

/** Index of `key` among the groups' sorted keys (it is there). */
function groupOf(groups: Groups, key: number): number {
  let lo = 0
  let hi = groups.count - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (groups.key[mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Ground truth as pycocotools lists it, before grouping. */
interface GtList {
  /** Annotation index of each listed entry, in getAnnIds order (image-id order, file order within). */
  source: Int32Array
  key: Float64Array
  ignored: { unknownImage: number; unknownCategory: number; duplicateId: number }
}

function listGroundTruth(
  anns: CocoGroundTruth['annotations'],
  imgIndex: Map<number, number>,
  catIndex: Map<number, number>,
  I: number,
): GtList {
  const n = anns.length
  const ignored = { unknownImage: 0, unknownCategory: 0, duplicateId: 0 }
  // createIndex: `anns[id] = ann`, so an id names the last annotation carrying it.
  const lastById = new Map<number, number>()
  for (let j = 0; j < n; j++) lastById.set(anns[j]!.id, j)
  ignored.duplicateId = n - lastById.size

  // getAnnIds: annotations of known images (in sorted image order, file order within) and known classes.
  const imageOf = new Int32Array(n)
  const perImage = new Int32Array(I + 1)
  for (let j = 0; j < n; j++) {
    const a = anns[j]!
    const i = imgIndex.get(a.imageId)
    if (i === undefined) {
      ignored.unknownImage++
      imageOf[j] = -1
    } else if (!catIndex.has(a.categoryId)) {
      ignored.unknownCategory++
      imageOf[j] = -1
    } else {
      imageOf[j] = i
      perImage[i + 1]!++
    }
  }
  for (let i = 0; i < I; i++) perImage[i + 1]! += perImage[i]!
  const source = new Int32Array(perImage[I]!)
  for (let j = 0; j < n; j++) {
    const i = imageOf[j]!
    if (i >= 0) source[perImage[i]!++] = j
  }

  // loadAnns: each listed id loads the last annotation with that id, filed under that one's image and class.
  const key = new Float64Array(source.length)
  for (let s = 0; s < source.length; s++) {
    const j = ignored.duplicateId > 0 ? lastById.get(anns[source[s]!]!.id)! : source[s]!
    const a = anns[j]!
    const i = imgIndex.get(a.imageId)
    const k = catIndex.get(a.categoryId)
    source[s] = j
    key[s] = i === undefined || k === undefined ? -1 : k * I + i
  }
  return { source, key, ignored }
}

/** Ground truth by group; within a group in pycocotools' order. */
interface GtGroups {
  /** Group q owns slots start[q] … start[q+1]-1. */
  start: Int32Array
  x: Float64Array
  y: Float64Array
  w: Float64Array
  h: Float64Array
  area: Float64Array
  crowd: Uint8Array
  /** pycocotools stores the gt id as the match and tests it for truth: id 0 never makes a true positive. */
  idTruthy: Uint8Array
}

function layoutGroundTruth(anns: CocoGroundTruth['annotations'], list: GtList, groups: Groups): GtGroups {
  const n = list.source.length
  const groupOfEntry = new Int32Array(n)
  const start = new Int32Array(groups.count + 1)
  for (let s = 0; s < n; s++) {
    const key = list.key[s]!
    const q = key < 0 ? -1 : groupOf(groups, key)
    groupOfEntry[s] = q
    if (q >= 0) start[q + 1]!++
  }
  for (let q = 0; q < groups.count; q++) start[q + 1]! += start[q]!
  const count = start[groups.count]!
  const out: GtGroups = {
    start,
    x: new Float64Array(count),
    y: new Float64Array(count),
    w: new Float64Array(count),
    h: new Float64Array(count),
    area: new Float64Array(count),
    crowd: new Uint8Array(count),
    idTruthy: new Uint8Array(count),
  }
  const next = start.slice(0, groups.count)
  for (let s = 0; s < n; s++) {
    const q = groupOfEntry[s]!
    if (q < 0) continue
    const a = anns[list.source[s]!]!
    const slot = next[q]!++
    const [x, y, w, h] = a.bbox
    if (![x, y, w, h, a.area].every(Number.isFinite)) {
      throw new InvalidArgumentError(
        `ground-truth annotation ${a.id} has a non-finite bbox or area: ${quote(`[${a.bbox.join(', ')}], area ${a.area}`)}`,
      )
    }
    out.x[slot] = x
    out.y[slot] = y
    out.w[slot] = w
    out.h[slot] = h
    out.area[slot] = a.area
    out.crowd[slot] = a.iscrowd ? 1 : 0
    out.idTruthy[slot] = a.id !== 0 ? 1 : 0
  }
  return out
}

/** Detections as flat arrays in file order (one sequential pass over the objects), before grouping. */
interface DtList {
  x: Float64Array
  y: Float64Array
  w: Float64Array
  h: Float64Array
  score: Float64Array
  key: Float64Array
  ignored: { unknownImage: number; unknownCategory: number }
}

function listDetections(
  dets: readonly Detection[],
  imgIndex: Map<number, number>,
  catIndex: Map<number, number>,
  I: number,
): DtList {
  const n = dets.length
  const out: DtList = {
    x: new Float64Array(n),
    y: new Float64Array(n),
    w: new Float64Array(n),
    h: new Float64Array(n),
    score: new Float64Array(n),
    key: new Float64Array(n),
    ignored: { unknownImage: 0, unknownCategory: 0 },
  }
  for (let j = 0; j < n; j++) {
    const det = dets[j]!
    const [x, y, w, h] = det.bbox
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(w) && Number.isFinite(h))) {
      throw new InvalidArgumentError(
        `detection ${j} has a non-finite bbox: ${quote(`[${det.bbox.join(', ')}]`)}`,
      )
    }
    if (typeof det.score !== 'number' || Number.isNaN(det.score)) {
      throw new InvalidArgumentError(`detection ${j} has a score that is not a number: ${quote(det.score)}`)
    }
    out.x[j] = x
    out.y[j] = y
    out.w[j] = w
    out.h[j] = h
    out.score[j] = det.score
    const i = imgIndex.get(det.imageId)
    const k = catIndex.get(det.categoryId)
    if (i === undefined) {
      out.ignored.unknownImage++
      out.key[j] = -1
    } else if (k === undefined) {
      out.ignored.unknownCategory++
      out.key[j] = -1
    } else {
      out.key[j] = k * I + i
    }
  }
  return out
}

/** Detections by group, each group sorted by score and capped at maxDets[-1]. */
interface DtGroups {
  start: Int32Array
  count: number
  x: Float64Array
  y: Float64Array
  w: Float64Array
  h: Float64Array
  /** loadRes' area: w·h. */
  area: Float64Array
  score: Float64Array
  /** Position in its group's score order (0 = best): the maxDet caps test it. */
  rank: Int32Array
  /** Detections per group before the cap. */
  total: Int32Array
}

function layoutDetections(list: DtList, groups: Groups, maxDet: number): DtGroups {
  const n = list.key.length
  const G = groups.count
  const groupOfDet = new Int32Array(n)
  const all = new Int32Array(G + 1)
  for (let j = 0; j < n; j++) {
    const key = list.key[j]!
    const q = key < 0 ? -1 : groupOf(groups, key)
    groupOfDet[j] = q
    if (q >= 0) all[q + 1]!++
  }
  const total = new Int32Array(G)
  const start = new Int32Array(G + 1)
  for (let q = 0; q < G; q++) {
    const size = all[q + 1]!
    total[q] = size
    start[q + 1] = start[q]! + Math.min(size, maxDet)
    all[q + 1] = all[q]! + size
  }
  // File order within each group (stable counting sort), then score order.
  const order = new Int32Array(all[G]!)
  const next = all.slice(0, G)
  for (let j = 0; j < n; j++) {
    const q = groupOfDet[j]!
    if (q >= 0) order[next[q]!++] = j
  }
  const count = start[G]!
  const out: DtGroups = {
    start,
    count,
    x: new Float64Array(count),
    y: new Float64Array(count),
    w: new Float64Array(count),
    h: new Float64Array(count),
    area: new Float64Array(count),
    score: new Float64Array(count),
    rank: new Int32Array(count),
    total,
  }
  for (let q = 0; q < G; q++) {
    const lo = all[q]!
    const hi = all[q + 1]!
    if (lo === hi) continue
    sortByScoreDesc(order, lo, hi, list.score)
    const end = start[q + 1]!
    for (let p = lo, slot = start[q]!; slot < end; p++, slot++) {
      const j = order[p]!
      const w = list.w[j]!
      const h = list.h[j]!
      out.x[slot] = list.x[j]!
      out.y[slot] = list.y[j]!
      out.w[slot] = w
      out.h[slot] = h
      out.area[slot] = w * h
      out.score[slot] = list.score[j]!
      out.rank[slot] = p - lo
    }
  }
  return out
}

/**
 * Sort idx[lo..hi) by key descending; equal keys keep ascending idx order, which is what NumPy's stable
 * `argsort(-scores, kind='mergesort')` gives when idx arrives ascending.
 */
function sortByScoreDesc(idx: Int32Array, lo: number, hi: number, key: Float64Array): void {
  if (hi - lo <= 24) {
    for (let p = lo + 1; p < hi; p++) {
      const v = idx[p]!
      const kv = key[v]!
      let q = p - 1
      while (q >= lo && key[idx[q]!]! < kv) {
        idx[q + 1] = idx[q]!
        q--
      }
      idx[q + 1] = v
    }
    return
  }
  idx.subarray(lo, hi).sort((a, b) => {
    const ka = key[a]!
    const kb = key[b]!
    return ka < kb ? 1 : ka > kb ? -1 : a - b
  })
}

/** evaluateImg for one (image, class) group at every area range and IoU threshold; scratch reused. */
class Matcher {
  private ious = new Float64Array(256)
  private bestIou = new Float64Array(64)
  private gtIgnore = new Uint8Array(16)
  private gtOrder = new Int32Array(16)
  private sortedIgnore = new Uint8Array(16)
  private sortedCrowd = new Uint8Array(16)
  /** gt (in sorted order) already matched in the current (area, threshold) pass iff equal to `pass`. */
  private matchedIn = new Int32Array(16)
  private pass = 0
  private readonly thresholds: Float64Array

  constructor(
    private readonly T: number,
    private readonly A: number,
  ) {
    this.thresholds = COCO_IOU_THRESHOLDS.map((t) => Math.min(t, IOU_CAP))
  }

  run(
    g: GtGroups,
    g0: number,
    g1: number,
    d: DtGroups,
    d0: number,
    d1: number,
    npig: Float64Array,
    npigOffset: number,
    outcome: Uint8Array,
  ): void {
    const { T, A, thresholds } = this
    const G = g1 - g0
    const D = d1 - d0
    if (this.gtIgnore.length < G) {
      this.gtIgnore = new Uint8Array(2 * G)
      this.gtOrder = new Int32Array(2 * G)
      this.sortedIgnore = new Uint8Array(2 * G)
      this.sortedCrowd = new Uint8Array(2 * G)
      this.matchedIn = new Int32Array(2 * G)
      this.pass = 0
    }
    if (this.ious.length < G * D) this.ious = new Float64Array(2 * G * D)
    if (this.bestIou.length < D) this.bestIou = new Float64Array(2 * D)
    const { ious, bestIou, gtIgnore, gtOrder, sortedIgnore, sortedCrowd, matchedIn } = this
    if (G > 0 && D > 0) computeIous(g, g0, G, d, d0, D, ious, bestIou)

    for (let a = 0; a < A; a++) {
      const range = COCO_AREA_RANGES[a]!
      const lo = range[0]
      const hi = range[1]
      // _ignore, then the stable argsort that puts ignored gt last.
      let regular = 0
      for (let j = 0; j < G; j++) {
        const area = g.area[g0 + j]!
        const ig = g.crowd[g0 + j]! === 1 || area < lo || area > hi ? 1 : 0
        gtIgnore[j] = ig
        regular += 1 - ig
      }
      npig[npigOffset + a]! += regular
      if (D === 0) continue
      let front = 0
      let back = regular
      for (let j = 0; j < G; j++) {
        const p = gtIgnore[j] ? back++ : front++
        gtOrder[p] = j
        sortedIgnore[p] = gtIgnore[j]!
        sortedCrowd[p] = g.crowd[g0 + j]!
      }

      for (let t = 0; t < T; t++) {
        const thr = thresholds[t]!
        const pass = ++this.pass
        for (let di = 0; di < D; di++) {
          const slot = d0 + di
          let m = -1
          // No gt reaches the threshold: unmatched whatever the loop below would skip.
          if (G > 0 && bestIou[di]! >= thr) {
            let best = thr
            const row = di * G
            for (let p = 0; p < G; p++) {
              if (matchedIn[p] === pass && !sortedCrowd[p]) continue
              if (m > -1 && sortedIgnore[m] === 0 && sortedIgnore[p] === 1) break
              const iou = ious[row + gtOrder[p]!]!
              if (iou < best) continue
              best = iou
              m = p
            }
          }
          let result: number
          const dtArea = d.area[slot]!
          const outside = dtArea < lo || dtArea > hi
          if (m === -1) {
            result = outside ? IGNORED : FP
          } else {
            matchedIn[m] = pass
            // dtIg = gtIg[m] or (dtm == 0 and outside); tp = dtm and not dtIg, dtm being the gt id.
            if (sortedIgnore[m]) result = IGNORED
            else if (g.idTruthy[g0 + gtOrder[m]!]) result = TP
            else result = outside ? IGNORED : FP
          }
          outcome[(slot * A + a) * T + t] = result
        }
      }
    }
  }
}

/**
 * maskApi.c bbIou: ious[d·G + g] in the group's gt order; crowd gt: intersection / detection area.
 * bestIou[d]: the detection's largest IoU, to skip thresholds no gt reaches.
 */
function computeIous(
  g: GtGroups,
  g0: number,
  G: number,
  d: DtGroups,
  d0: number,
  D: number,
  ious: Float64Array,
  bestIou: Float64Array,
): void {
  bestIou.fill(0, 0, D)
  for (let gi = 0; gi < G; gi++) {
    const gx = g.x[g0 + gi]!
    const gy = g.y[g0 + gi]!
    const gw = g.w[g0 + gi]!
    const gh = g.h[g0 + gi]!
    const ga = gw * gh
    const crowd = g.crowd[g0 + gi] === 1
    for (let di = 0; di < D; di++) {
      const s = d0 + di
      const dx = d.x[s]!
      const dy = d.y[s]!
      const dw = d.w[s]!
      const dh = d.h[s]!
      const da = dw * dh
      let iou = 0
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx)
      if (w > 0) {
        const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy)
        if (h > 0) {
          const inter = w * h
          iou = inter / (crowd ? da : da + ga - inter)
        }
      }
      ious[di * G + gi] = iou
      if (iou > bestIou[di]!) bestIou[di] = iou
    }
  }
}

/**
 * pycocotools' accumulate, one class at a time: the score order is computed once per class.
 *
 * pycocotools computes rc and pr at every position of the score-ordered detections, takes the envelope
 * of pr from the back, and reads it at searchsorted(rc, recThrs, 'left'). Only true positives matter
 * there: rc rises only at a TP, so every index searchsorted returns is a TP's (or 0, for recThr 0); pr
 * rises only at a TP, so the envelope at a TP is the largest pr of the TPs from there on. This computes
 * pr (same expression, same operands) at the TPs only, which gives the same values bit for bit.
 */
function accumulate(
  dims: CocoEvalDims,
  groups: Groups,
  maxDets: readonly number[],
  d: DtGroups,
  outcome: Uint8Array,
  npig: Float64Array,
  precision: Float64Array,
  recall: Float64Array,
  scores: Float64Array,
): void {
  const { T, R, K, A, M } = dims
  const recThrs = COCO_RECALL_THRESHOLDS
  const AT = A * T
  const tpCount = new Int32Array(AT)
  const fpCount = new Int32Array(AT)
  let order = new Int32Array(0)
  let sortedScores = new Float64Array(0)
  // Per (a, t) row q: position and precision of each TP, in score order; at most npig TPs per row.
  let tpPos = new Int32Array(0)
  let tpPr = new Float64Array(0)
  for (let k = 0; k < K; k++) {
    const q0 = groups.classStart[k]!
    const q1 = groups.classStart[k + 1]!
    // No group: evaluateImg returned None for every image, E is empty, everything stays -1.
    if (q0 === q1) continue
    const lo = d.start[q0]!
    const n = d.start[q1]! - lo
    let cap = 0
    for (let a = 0; a < A; a++) cap = Math.max(cap, npig[k * A + a]!)
    if (n > order.length) {
      order = new Int32Array(n)
      sortedScores = new Float64Array(n)
    }
    if (cap * AT > tpPos.length) {
      tpPos = new Int32Array(cap * AT)
      tpPr = new Float64Array(cap * AT)
    }
    // The concatenation over images (in id order) of each image's kept detections is slot order, so a
    // stable sort by score is a sort by (score desc, slot asc). Capping at a smaller maxDet only removes
    // elements, which keeps the others' relative order: one sort serves every maxDet.
    for (let s = 0; s < n; s++) order[s] = lo + s
    sortByScoreDesc(order, 0, n, d.score)
    // maxDets at or above the class's largest per-image count cap nothing: they share one result.
    let largestGroup = 0
    for (let q = q0; q < q1; q++) largestGroup = Math.max(largestGroup, d.start[q + 1]! - d.start[q]!)

    for (let m = M - 1; m >= 0; m--) {
      const maxDet = maxDets[m]!
      if (m < M - 1 && maxDet >= largestGroup) {
        copyMaxDet(dims, k, M - 1, m, precision, recall, scores)
        continue
      }
      tpCount.fill(0)
      fpCount.fill(0)
      let nd = 0
      for (let s = 0; s < n; s++) {
        const slot = order[s]!
        if (d.rank[slot]! >= maxDet) continue
        sortedScores[nd] = d.score[slot]!
        const base = slot * AT
        for (let q = 0; q < AT; q++) {
          const o = outcome[base + q]!
          if (o === TP) {
            const tp = ++tpCount[q]!
            const at = q * cap + tp - 1
            tpPos[at] = nd
            // pr = tp / (fp + tp + np.spacing(1)), evaluated in NumPy's order.
            tpPr[at] = tp / (fpCount[q]! + tp + EPS)
          } else if (o === FP) {
            fpCount[q]!++
          }
        }
        nd++
      }
      for (let a = 0; a < A; a++) {
        const np = npig[k * A + a]!
        if (np === 0) continue
        for (let t = 0; t < T; t++) {
          const q = a * T + t
          const nTp = tpCount[q]!
          const row = q * cap
          recall[((t * K + k) * A + a) * M + m] = nd > 0 ? nTp / np : 0
          for (let j = nTp - 1; j > 0; j--) {
            if (tpPr[row + j]! > tpPr[row + j - 1]!) tpPr[row + j - 1] = tpPr[row + j]!
          }
          // searchsorted(rc, recThrs, 'left') with rc = tp / npig: the first position whose TP count c
          // has c / npig >= recThr. Past the end (or no detections) pycocotools' try/except leaves 0.
          let c = 0
          for (let r = 0; r < R; r++) {
            const thr = recThrs[r]!
            const at = (((t * R + r) * K + k) * A + a) * M + m
            while (c <= nTp && c / np < thr) c++
            if (nd === 0 || c > nTp) {
              precision[at] = 0
              scores[at] = 0
            } else if (c === 0) {
              // rc[0] >= recThr only for recThr <= 0: position 0, where the envelope is the best pr.
              precision[at] = nTp > 0 ? tpPr[row]! : 0
              scores[at] = sortedScores[0]!
            } else {
              precision[at] = tpPr[row + c - 1]!
              scores[at] = sortedScores[tpPos[row + c - 1]!]!
            }
          }
        }
      }
    }
  }
}

/** Copy the [t, r, k, a, from] results to [t, r, k, a, to]. */
function copyMaxDet(
  dims: CocoEvalDims,
  k: number,
  from: number,
  to: number,
  precision: Float64Array,
  recall: Float64Array,
  scores: Float64Array,
): void {
  const { T, R, A } = dims
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < A; a++) {
      recall[recallIndex(dims, t, k, a, to)] = recall[recallIndex(dims, t, k, a, from)]!
      for (let r = 0; r < R; r++) {
        const at = precisionIndex(dims, t, r, k, a, from)
        const dest = at - from + to
        precision[dest] = precision[at]!
        scores[dest] = scores[at]!
      }
    }
  }
}

/** summarize(): the 12 stats. */
function summarize(
  dims: CocoEvalDims,
  maxDets: readonly number[],
  precision: Float64Array,
  recall: Float64Array,
): number[] {
  const allT = [...COCO_IOU_THRESHOLDS.keys()]
  const allK = [...Array(dims.K).keys()]
  const area = (label: CocoAreaLabel) => [COCO_AREA_LABELS.indexOf(label)]
  const md = (value: number) => maxDets.flatMap((v, i) => (v === value ? [i] : []))
  const ap = (t: number[], a: CocoAreaLabel, m: number) =>
    meanAbove(collect(dims, precision, t, true, allK, area(a), md(m)))
  const ar = (a: CocoAreaLabel, m: number) =>
    meanAbove(collect(dims, recall, allT, false, allK, area(a), md(m)))
  const [m0, m1, m2] = maxDets as [number, number, number]
  return [
    ap(allT, 'all', 100),
    ap(indicesEqual(COCO_IOU_THRESHOLDS, 0.5), 'all', m2),
    ap(indicesEqual(COCO_IOU_THRESHOLDS, 0.75), 'all', m2),
    ap(allT, 'small', m2),
    ap(allT, 'medium', m2),
    ap(allT, 'large', m2),
    ar('all', m0),
    ar('all', m1),
    ar('all', m2),
    ar('small', m2),
    ar('medium', m2),
    ar('large', m2),
  ]
}

/** np.where(value == thresholds)[0]: exact float equality, as pycocotools. */
function indicesEqual(thresholds: Float64Array, value: number): number[] {
  return [...thresholds.keys()].filter((t) => thresholds[t] === value)
}

/**
 * s[t][:, :, k, a, m] flattened in C order (t, then r for precision, then k), for a single a and m
 * (an empty a or m list gives nothing, as NumPy's empty fancy index).
 */
function collect(
  dims: CocoEvalDims,
  values: Float64Array,
  ts: readonly number[],
  withR: boolean,
  ks: readonly number[],
  as: readonly number[],
  ms: readonly number[],
): Float64Array {
  const a = as[0]
  const m = ms[0]
  if (a === undefined || m === undefined) return new Float64Array(0)
  const R = withR ? dims.R : 1
  const out = new Float64Array(ts.length * R * ks.length)
  let n = 0
  for (const t of ts) {
    for (let r = 0; r < R; r++) {
      for (const k of ks) {
        out[n++] = withR
          ? values[precisionIndex(dims, t, r, k, a, m)]!
          : values[recallIndex(dims, t, k, a, m)]!
      }
    }
  }
  return out
}

/** np.mean(s[s > -1]), or -1 when nothing is above -1. */
function meanAbove(s: Float64Array): number {
  let n = 0
  const kept = new Float64Array(s.length)
  for (let i = 0; i < s.length; i++) if (s[i]! > -1) kept[n++] = s[i]!
  if (n === 0) return -1
  return numpySum(kept, n) / n
}

/**
 * np.sum of a contiguous float64 array as NumPy computes it: the buffered reduction hands pairwise_sum
 * 8,192 elements at a time and adds each block's sum to the running total (0 to start). This is what
 * makes means over more than 8,192 entries (stats[0] of an 80-class dataset) agree to the last bit.
 */
export function numpySum(a: Float64Array, n = a.length): number {
  let total = 0
  for (let lo = 0; lo < n; lo += NUMPY_BUFSIZE) total += pairwiseSum(a, lo, Math.min(NUMPY_BUFSIZE, n - lo))
  return total
}
const NUMPY_BUFSIZE = 8192

/** NumPy's pairwise_sum for float64 (8 accumulators below 128 elements, halves above). */
function pairwiseSum(a: Float64Array, lo: number, n: number): number {
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res += a[lo + i]!
    return res
  }
  if (n <= 128) {
    let r0 = a[lo]!
    let r1 = a[lo + 1]!
    let r2 = a[lo + 2]!
    let r3 = a[lo + 3]!
    let r4 = a[lo + 4]!
    let r5 = a[lo + 5]!
    let r6 = a[lo + 6]!
    let r7 = a[lo + 7]!
    let i = 8
    for (; i < n - (n % 8); i += 8) {
      r0 += a[lo + i]!
      r1 += a[lo + i + 1]!
      r2 += a[lo + i + 2]!
      r3 += a[lo + i + 3]!
      r4 += a[lo + i + 4]!
      r5 += a[lo + i + 5]!
      r6 += a[lo + i + 6]!
      r7 += a[lo + i + 7]!
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7))
    for (; i < n; i++) res += a[lo + i]!
    return res
  }
  let n2 = Math.floor(n / 2)
  n2 -= n2 % 8
  return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2)
}
