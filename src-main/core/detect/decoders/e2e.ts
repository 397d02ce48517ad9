/**
 * Heads with NMS inside the graph. The rows are final detections in model pixels, x1 y1 x2 y2; runNms
 * then only applies the confidence threshold and the detection cap (as Ultralytics does for end2end models).
 *
 * Layouts:
 * - [1, K, 6] (or [K, 6]): x1, y1, x2, y2, score, class — Ultralytics end2end exports (YOLOv10, YOLO26):
 *   K = max_det (300) rows, sorted by score, low-score rows filling the tail.
 * - [K, 7] (or [1, K, 7]): batch_id, x1, y1, x2, y2, class, score — ONNX NonMaxSuppression exports
 *   (YOLOv7 `--end2end` for onnxruntime). When column 6 holds only integers and column 5 does not, the two
 *   are read the other way round (score, class). Rows of a batch other than 0 are dropped.
 * Rows whose class is negative (padding) are dropped. Class count: `ctx.numClasses`, else the largest class + 1.
 */
import { DecodeError } from '../../errors'
import type { Candidates, DecodeContext, ModelOutputs } from '../detection-types'
import { layoutError, outputList } from './output-tensors'

const EXPECTED =
  'one output [1, K, 6] (x1, y1, x2, y2, score, class) or [K, 7] (batch, x1, y1, x2, y2, class, score)'

export function decodeE2e(outputs: ModelOutputs, ctx: DecodeContext): Candidates {
  const list = outputList(outputs, 'e2e')
  const t = list.length === 1 ? list[0] : undefined
  const dims = t?.dims
  const rowLength = dims?.[dims.length - 1]
  const leading = dims?.slice(0, -1) ?? []
  const okRank = leading.length === 1 || (leading.length === 2 && leading[0] === 1)
  if (!t || !okRank || (rowLength !== 6 && rowLength !== 7)) throw layoutError('e2e', EXPECTED, list)
  const d = t.data
  const k = d.length / rowLength
  const first = rowLength === 6 ? 0 : 1
  let scoreCol = 4
  let classCol = 5
  if (rowLength === 7) {
    const col5 = integerColumn(d, k, 7, 5)
    const col6 = integerColumn(d, k, 7, 6)
    scoreCol = col6 && !col5 ? 5 : 6
    classCol = scoreCol === 5 ? 6 : 5
  }

  const rows: number[] = []
  let maxClass = -1
  for (let r = 0; r < k; r++) {
    const o = r * rowLength
    if (rowLength === 7 && d[o] !== 0) continue
    const cls = d[o + classCol]!
    if (!(cls >= 0)) continue
    if (ctx.minScore !== undefined && !(d[o + scoreCol]! >= ctx.minScore)) continue
    rows.push(r)
    if (cls > maxClass) maxClass = cls
  }
  const numClasses = ctx.numClasses ?? Math.max(1, Math.floor(maxClass) + 1)
  if (maxClass >= numClasses) {
    throw new DecodeError(
      `decoder "e2e": output ${JSON.stringify(t.name)} holds class ${maxClass}, but the model has ${numClasses} classes; ` +
        'check the class column order or the class names',
    )
  }
  const count = rows.length
  const boxes = new Float32Array(count * 4)
  const scores = new Float32Array(count * numClasses)
  const classes = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const o = rows[i]! * rowLength
    const cls = Math.floor(d[o + classCol]!)
    for (let j = 0; j < 4; j++) boxes[i * 4 + j] = d[o + first + j]!
    scores[i * numClasses + cls] = d[o + scoreCol]!
    classes[i] = cls
  }
  return { count, numClasses, boxes, scores, nmsApplied: true, classes }
}

function integerColumn(d: Float32Array, rows: number, rowLength: number, col: number): boolean {
  for (let r = 0; r < rows; r++) if (!Number.isInteger(d[r * rowLength + col])) return false
  return true
}
