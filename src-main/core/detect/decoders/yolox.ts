/**
 * YOLOX exported without the grid decode in the graph (`decode_in_inference=False`, the usual export):
 * one output [1, N, 5 + C], N = Σ ceil(H/s)·ceil(W/s) over strides 8, 16, 32, cells in that order, each
 * level row-major (y, then x). Row = reg (4, raw), objectness, C class scores. The exported head applies
 * the sigmoid to objectness and classes itself (`torch.cat([reg, obj.sigmoid(), cls.sigmoid()], 1)`;
 * verified on shared/fixtures/models/yolox_nano.onnx: Sigmoid nodes feed the final Concat, values in [0, 1]),
 * so scores are objectness · class, as YOLOX's `postprocess` multiplies them.
 *
 * Box of cell (gx, gy) at stride s (YOLOX `decode_outputs`): cx = (r0 + gx)·s, cy = (r1 + gy)·s,
 * w = exp(r2)·s, h = exp(r3)·s. YOLOX exported with the decode inside gives pixel rows: use `yolov5`.
 */
import type { Candidates, DecodeContext, ModelOutputs } from '../detection-types'
import { layoutError, outputList, unbatched } from './output-tensors'
import { cellCount, DEFAULT_STRIDES, gridLevels, stridesText } from './grid-levels'
import { decodeObjectnessRows } from './yolov5'

export function decodeYolox(outputs: ModelOutputs, ctx: DecodeContext): Candidates {
  const strides = ctx.strides ?? DEFAULT_STRIDES
  const levels = gridLevels(ctx, strides)
  const cells = cellCount(levels)
  const list = outputList(outputs, 'yolox')
  const expected =
    `one output [1, ${cells}, 5+C]: ${cells} grid cells for a ${ctx.inputWidth}×${ctx.inputHeight} input ` +
    `at strides ${stridesText(strides)} (reg, objectness, C class scores)`
  const rank3 = list.filter((t) => t.dims.length === 3)
  const t = rank3.length === 1 ? rank3[0] : undefined
  const dims = t && unbatched(t, 3, 'yolox')
  if (!t || !dims || dims[0] !== cells) throw layoutError('yolox', expected, list)
  const k = dims[1] ?? 0
  const numClasses = ctx.numClasses ?? k - 5
  if (numClasses < 1 || 5 + numClasses > k) throw layoutError('yolox', expected, list)

  // Cell index → (gx, gy, stride), precomputed so the row loop does no search.
  const gx = new Float64Array(cells)
  const gy = new Float64Array(cells)
  const gs = new Float64Array(cells)
  for (const level of levels) {
    for (let y = 0; y < level.height; y++) {
      for (let x = 0; x < level.width; x++) {
        const i = level.start + y * level.width + x
        gx[i] = x
        gy[i] = y
        gs[i] = level.stride
      }
    }
  }
  return decodeObjectnessRows(t.data, cells, k, numClasses, ctx.minScore, (row, o, d, box) => {
    const s = gs[row]!
    const cx = (d[o]! + gx[row]!) * s
    const cy = (d[o + 1]! + gy[row]!) * s
    const hw = (Math.exp(d[o + 2]!) * s) / 2
    const hh = (Math.exp(d[o + 3]!) * s) / 2
    box[0] = cx - hw
    box[1] = cy - hh
    box[2] = cx + hw
    box[3] = cy + hh
  })
}
