/**
 * YOLOv5 / YOLOv7 (and any head exported the same way): one output [1, N, 5 + C] whose rows are
 * cx, cy, w, h in model pixels, objectness, then C class probabilities — sigmoid and grid decode already
 * inside the graph. Score of class c = objectness · class_c, as Ultralytics' YOLOv5 `non_max_suppression`
 * multiplies them (`x[:, 5:] *= x[:, 4:5]`, float32). Box x1 = cx − w/2 … (its `xywh2xyxy`).
 *
 * Columns after 5 + C are ignored when `ctx.numClasses` says C (a YOLOv5-seg head's 32 mask coefficients).
 * When the model has other outputs too (old YOLOv5 exports add the three raw maps), the rank-3 one is used.
 */
import type { Candidates, DecodeContext, ModelOutputs } from '../detection-types'
import { CandidateBuilder, keepsRow } from './candidate-builder'
import { layoutError, outputList, unbatched } from './output-tensors'

const EXPECTED = 'one output [1, N, 5+C] (cx, cy, w, h in pixels, objectness, C class scores)'

export function decodeYolov5(outputs: ModelOutputs, ctx: DecodeContext): Candidates {
  const list = outputList(outputs, 'yolov5')
  const rank3 = list.filter((t) => t.dims.length === 3)
  const t = rank3.length === 1 ? rank3[0] : undefined
  const dims = t && unbatched(t, 3, 'yolov5')
  if (!t || !dims) throw layoutError('yolov5', EXPECTED, list)
  const [n = 0, k = 0] = dims
  const numClasses = ctx.numClasses ?? k - 5
  if (numClasses < 1 || 5 + numClasses > k) throw layoutError('yolov5', EXPECTED, list)
  return decodeObjectnessRows(t.data, n, k, numClasses, ctx.minScore, (_row, o, d, box) => {
    const cx = d[o]!
    const cy = d[o + 1]!
    const hw = d[o + 2]! / 2
    const hh = d[o + 3]! / 2
    box[0] = cx - hw
    box[1] = cy - hh
    box[2] = cx + hw
    box[3] = cy + hh
  })
}

/**
 * Rows [box(4), objectness, C scores, …extra] → candidates with score = objectness · class score. `decodeBox`
 * writes row `row`'s (data offset `offset`) x1, y1, x2, y2 into `box`. Shared with YOLOX, whose rows differ
 * in the box only.
 */
export function decodeObjectnessRows(
  data: Float32Array,
  rows: number,
  rowLength: number,
  numClasses: number,
  minScore: number | undefined,
  decodeBox: (row: number, offset: number, data: Float32Array, box: Float64Array) => void,
): Candidates {
  const out = new CandidateBuilder(numClasses, rows, minScore !== undefined)
  const box = new Float64Array(4)
  for (let r = 0; r < rows; r++) {
    const o = r * rowLength
    const obj = data[o + 4]!
    const so = out.scoreOffset()
    const scores = out.scoreBuffer()
    let best = -Infinity
    for (let c = 0; c < numClasses; c++) {
      scores[so + c] = obj * data[o + 5 + c]!
      const s = scores[so + c]!
      if (s > best) best = s
    }
    if (!keepsRow(best, minScore)) continue
    decodeBox(r, o, data, box)
    out.commit(box[0]!, box[1]!, box[2]!, box[3]!)
  }
  return out.finish()
}
