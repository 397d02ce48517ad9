/**
 * The decoder registry, and which decoder a model needs, from its outputs' names and shapes and its ONNX
 * metadata (before any inference). An explicit `--decoder` always wins: callers then skip detection and
 * call `decoderFor(parseDecoderName(flag))`.
 *
 * Rules, first match wins (N = Σ ceil(H/s)·ceil(W/s) over strides 8/16/32 — or 8/16/32/64, or `ctx.strides`
 * — for the context's input size; C = the class count from metadata `names` or `ctx.numClasses` when known):
 * 1. One rank-3 output [1, A, B] (other outputs of rank 4/5 — segmentation prototypes, the raw maps old
 *    YOLOv5 exports add — are left aside):
 *    - B is 6 or 7 and A is no anchor count (N, 3N), or metadata says end2end → `e2e`;
 *    - A = 3N → `yolov5` (three anchors per cell);
 *    - B = N → `yolov8` ([1, 4+C, N], Ultralytics' layout);
 *    - A = N: the row-major layouts share this shape — YOLOX ([1, N, 5+C]), NanoDet's single output
 *      ([1, N, C+32]), YOLOv8 transposed ([1, N, 4+C]). Decided by C when known (B − 5, B − 32, B − 4),
 *      else Ultralytics metadata (`task`/`imgsz`) → `yolov8`, else by COCO's 80 classes (B = 85 → yolox,
 *      112 → nanodet, 84 → yolov8), else `yolox`. With output values at hand (`values`, e.g. a warm-up
 *      run), rows whose first K − 32 columns are all probabilities and last 32 are not mean NanoDet, and a
 *      YOLOX guess whose first column holds pixels (max ≥ input/4; grid offsets stay within a few cells)
 *      becomes `yolov5` (YOLOX exported with the decode inside).
 *    - neither, with Ultralytics metadata → `yolov8`.
 * 2. One [K, 7] output → `e2e`.
 * 3. Only rank-3 outputs pairing up by row count (per stride, or one pair over N) → `nanodet`.
 * 4. Only rank-4 maps: pairs sharing a grid size (box + cls per stride) → `raw-v8`; three or four maps of
 *    distinct grid sizes with na·(5+C) channels → `raw-v5`, with 64 + C channels → `raw-v8` (decided by C
 *    when known, else Ultralytics metadata → raw-v8, else channels divisible by 3 → raw-v5).
 *    Rank-5 maps [1, na, H, W, 5+C] → `raw-v5`.
 * Anything else throws DecodeError listing the outputs and the `--decoder` choices.
 */
import { DecodeError, InvalidArgumentError, quote } from '../errors'
import type { Candidates, DecodeContext, DecoderName, ModelOutputs } from './detection-types'
import { decoderChoices, DECODER_LAYOUTS, DECODER_NAMES } from './decoders/decoder-names'
import { decodeE2e } from './decoders/e2e'
import { anchorFreeCounts } from './decoders/grid-levels'
import { decodeNanodet } from './decoders/nanodet'
import { describeOutputs, type OutputShape } from './decoders/output-tensors'
import { decodeRawV5 } from './decoders/raw-v5'
import { decodeRawV8 } from './decoders/raw-v8'
import { decodeYolov5 } from './decoders/yolov5'
import { decodeYolov8 } from './decoders/yolov8'
import { decodeYolox } from './decoders/yolox'

export { DECODER_NAMES, DECODER_LAYOUTS }
export type { OutputShape }

export type Decoder = (outputs: ModelOutputs, ctx: DecodeContext) => Candidates

const DECODERS: Readonly<Record<DecoderName, Decoder>> = {
  yolov5: decodeYolov5,
  yolov8: decodeYolov8,
  yolox: decodeYolox,
  nanodet: decodeNanodet,
  e2e: decodeE2e,
  'raw-v5': decodeRawV5,
  'raw-v8': decodeRawV8,
}

export function decoderFor(name: DecoderName): Decoder {
  return DECODERS[name]
}

/** A `--decoder` value, checked. */
export function parseDecoderName(text: string): DecoderName {
  const name = text.trim().toLowerCase()
  if ((DECODER_NAMES as readonly string[]).includes(name)) return name as DecoderName
  throw new InvalidArgumentError(`unknown decoder ${quote(text)}; choose one of ${decoderChoices()}`)
}

export interface DecoderGuess {
  name: DecoderName
  /** The class count when the metadata or the context gave it (pass it on as DecodeContext.numClasses). */
  numClasses?: number
  /** Which rule decided, for the UI and logs. */
  reason: string
}

export function detectDecoderName(
  outputs: readonly OutputShape[],
  metadata: Readonly<Record<string, string>>,
  ctx: DecodeContext,
  values?: ModelOutputs,
): DecoderName {
  return detectDecoder(outputs, metadata, ctx, values).name
}

export function detectDecoder(
  outputs: readonly OutputShape[],
  metadata: Readonly<Record<string, string>>,
  ctx: DecodeContext,
  values?: ModelOutputs,
): DecoderGuess {
  const numClasses = ctx.numClasses ?? classCountOf(metadata['names'])
  const ultralytics = 'task' in metadata || 'imgsz' in metadata
  const end2end = /^true$/i.test(metadata['end2end'] ?? '')
  const guess = (name: DecoderName, reason: string): DecoderGuess =>
    numClasses === undefined ? { name, reason } : { name, numClasses, reason }
  const fail = (why: string) =>
    new DecodeError(
      `cannot tell which decoder the model needs (${why}); outputs: ${describeOutputs(outputs)}. ` +
        `Pass --decoder with one of: ${DECODER_NAMES.map((n) => `${n} (${DECODER_LAYOUTS[n]})`).join('; ')}`,
    )

  const shaped = outputs.map((o) => ({ name: o.name, dims: concreteDims(o.dims) }))
  const unknown = shaped.filter((o) => o.dims === null)
  if (shaped.length === 0) throw fail('the model declares no outputs')
  if (unknown.length > 0) throw fail(`output ${quote(unknown[0]!.name)} has no fixed shape`)
  const dims = shaped as { name: string; dims: number[] }[]

  const counts = anchorFreeCounts(ctx)
  const isN = (v: number) => counts.includes(v)
  const is3N = (v: number) => counts.some((n) => 3 * n === v)
  const rank3 = dims.filter((o) => o.dims.length === 3)
  const othersHigherRank = dims.every((o) => o.dims.length === 3 || o.dims.length >= 4)

  // 1. One rank-3 output.
  if (rank3.length === 1 && othersHigherRank) {
    const [, a = 0, b = 0] = rank3[0]!.dims
    if ((b === 6 || b === 7) && (end2end || (!isN(a) && !is3N(a))))
      return guess('e2e', `one [1, ${a}, ${b}] output: detections after NMS`)
    if (is3N(a)) return guess('yolov5', `[1, ${a}, ${b}]: three anchors per grid cell`)
    if (isN(b) && !isN(a)) return guess('yolov8', `[1, ${a}, ${b}]: ${b} anchor points, channels first`)
    if (isN(a)) return rowMajor(a, b, rank3[0]!.name)
    if (ultralytics) return guess('yolov8', 'Ultralytics metadata and one rank-3 output')
    throw fail(
      `[1, ${a}, ${b}] matches no grid of a ${ctx.inputWidth}×${ctx.inputHeight} input (anchor counts ${counts.join(', ')}); ` +
        'check the input size',
    )
  }
  // 2. [K, 7].
  if (dims.length === 1 && dims[0]!.dims.length === 2 && dims[0]!.dims[1] === 7) {
    return guess('e2e', `[${dims[0]!.dims.join(', ')}]: ONNX NonMaxSuppression rows`)
  }
  // 3. Rank-3 pairs.
  if (
    rank3.length === dims.length &&
    rank3.length >= 2 &&
    pairsUp(
      rank3.map((o) => o.dims[1]!),
      counts,
    )
  ) {
    return guess('nanodet', `${rank3.length} outputs pairing up by row count: GFL cls + reg`)
  }
  // 4. Raw maps.
  if (dims.every((o) => o.dims.length === 5) && (dims.length === 3 || dims.length === 4)) {
    return guess('raw-v5', `${dims.length} maps [1, na, H, W, 5+C]`)
  }
  if (dims.every((o) => o.dims.length === 4)) {
    const sizes = new Map<string, number[]>()
    for (const o of dims) {
      const key = `${o.dims[2]}x${o.dims[3]}`
      sizes.set(key, [...(sizes.get(key) ?? []), o.dims[1]!])
    }
    const groups = [...sizes.values()]
    if (groups.length >= 2 && groups.every((g) => g.length === 2)) {
      return guess(
        'raw-v8',
        `${dims.length} maps in ${groups.length} pairs by grid size: box (DFL) + cls per stride`,
      )
    }
    if ((groups.length === 3 || groups.length === 4) && groups.every((g) => g.length === 1)) {
      const ch = groups[0]![0]!
      if (!groups.every((g) => g[0] === ch)) throw fail('the maps have different channel counts')
      const v5 = numClasses !== undefined ? ch === 3 * (5 + numClasses) : !ultralytics && ch % 3 === 0
      const v8 = numClasses !== undefined ? ch === 64 + numClasses : !v5
      if (v5) return guess('raw-v5', `${groups.length} maps of ${ch} = 3·(5+C) channels`)
      if (v8) return guess('raw-v8', `${groups.length} maps of ${ch} = 64 + C channels`)
    }
  }
  throw fail('no known layout')

  function rowMajor(n: number, k: number, name: string): DecoderGuess {
    const byClasses: [DecoderName, number][] = [
      ['yolox', k - 5],
      ['nanodet', k - 32],
      ['yolov8', k - 4],
    ]
    let pick: DecoderName
    let reason: string
    const known = numClasses !== undefined ? byClasses.find(([, c]) => c === numClasses) : undefined
    if (known) {
      pick = known[0]
      reason = `[1, ${n}, ${k}] with ${numClasses} classes`
    } else if (ultralytics) {
      pick = 'yolov8'
      reason = `[1, ${n}, ${k}] with Ultralytics metadata: transposed YOLOv8 output`
    } else {
      pick = byClasses.find(([, c]) => c === 80)?.[0] ?? 'yolox'
      reason = `[1, ${n}, ${k}]: ${n} grid cells, row-major; ${k} columns read as ${pick}`
    }
    const t = values?.get(name)
    if (t && t.data.length === n * k && !known) {
      const col0 = columnRange(t.data, n, k, 0, 1)
      // NanoDet: classes (probabilities) first, then 32 regression logits. YOLOX and YOLOv8 end in
      // class probabilities, so logits in the last 32 columns rule them out.
      const nanodet =
        k > 32 && columnRange(t.data, n, k, 0, k - 32).inUnit && !columnRange(t.data, n, k, k - 32, k).inUnit
      if (nanodet) {
        return guess(
          'nanodet',
          `[1, ${n}, ${k}]: the first columns are probabilities (classes first, NanoDet)`,
        )
      }
      if (pick === 'yolox' && col0.max >= ctx.inputWidth / 4) {
        return guess('yolov5', `[1, ${n}, ${k}]: boxes in pixels (YOLOX exported with its decode inside)`)
      }
    }
    return guess(pick, reason)
  }
}

/** Dims with a symbolic or unknown batch read as 1; null when another dim is not a number. */
function concreteDims(dims: OutputShape['dims']): number[] | null {
  if (dims === null) return null
  const out: number[] = []
  for (const [i, d] of dims.entries()) {
    if (typeof d === 'number' && d >= 0) out.push(d)
    else if (i === 0 && dims.length >= 2)
      out.push(1) // a symbolic batch, or the K of [K, 7]
    else return null
  }
  return out
}

/** Row counts that pair up: one pair over all N cells, or one pair per level of a stride set. */
function pairsUp(rows: number[], counts: number[]): boolean {
  const byRows = new Map<number, number>()
  for (const r of rows) byRows.set(r, (byRows.get(r) ?? 0) + 1)
  if (![...byRows.values()].every((c) => c === 2)) return false
  const distinct = [...byRows.keys()]
  const total = distinct.reduce((a, b) => a + b, 0)
  return counts.includes(total)
}

/** Range of columns [from, to) over all rows; `inUnit` when every value lies in [0, 1]. */
function columnRange(
  data: Float32Array,
  rows: number,
  rowLength: number,
  from: number,
  to: number,
): { min: number; max: number; inUnit: boolean } {
  let min = Infinity
  let max = -Infinity
  for (let r = 0; r < rows; r++) {
    for (let c = from; c < to; c++) {
      const v = data[r * rowLength + c]!
      if (v < min) min = v
      if (v > max) max = v
    }
  }
  return { min, max, inUnit: min >= 0 && max <= 1 }
}

/**
 * Classes in a metadata `names` value: Ultralytics writes a Python dict repr ("{0: 'person', 1: …}"),
 * others a list or JSON. Undefined when absent or unreadable.
 */
export function classCountOf(names: string | undefined): number | undefined {
  if (names === undefined) return undefined
  const text = names.trim()
  let count = 0
  const literal = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g
  if (text.startsWith('{')) {
    // Keys are integers (Ultralytics) or quoted integers (JSON); values are string literals.
    const keys = text.replace(/(["'])(\d+)\1\s*:/g, '$2:').replace(literal, "''")
    count = keys.match(/[{,]\s*\d+\s*:/g)?.length ?? 0
  } else if (text.startsWith('[')) {
    count = text.match(literal)?.length ?? 0
  }
  return count > 0 ? count : undefined
}
