/**
 * Decoder acceptance on the fixture models: for yolox_nano and nanodet_m, three coco128 pictures go
 * through the model (services/inference), and the raw output tensors are decoded twice — by the
 * decoders under test (core/detect/decoders) and by a plain implementation written here from the
 * upstream formulas (YOLOX `decode_outputs`, NanoDet GFL `get_single_level_center_point` + `Integral` +
 * `distance2bbox`), sharing no code with them. Boxes and scores must agree; the best box of each picture,
 * mapped back by hand, must sit on a ground-truth object of its class.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Dataset } from '../../src-main/core/datasets/dataset'
import { decoderFor } from '../../src-main/core/detect/decoder-detect'
import type { ModelOutputs, NamedTensor } from '../../src-main/core/detect/detection-types'
import { planResize, toInputTensor, type ResizePlan } from '../../src-main/core/detect/preprocess'
import { makeProtocol, type PresetName } from '../../src-main/core/detect/protocol'
import { openDataset } from '../../src-main/services/files/dataset-files'
import { loadImage, resizeImage } from '../../src-main/services/images/image-decoder'
import { InferenceSession } from '../../src-main/services/inference/inference-session'
import { nanodetM, yoloxNano } from '../helpers/bad-files'
import { readBytes, sharedFixture } from '../helpers/fixtures'

const PICTURES = ['000000000009.jpg', '000000000025.jpg', '000000000030.jpg']
const STRIDES = [8, 16, 32]
const SIZE = 416

interface Independent {
  /** x1, y1, x2, y2 per row, model pixels. */
  boxes: Float64Array
  /** numClasses per row. */
  scores: Float64Array
  rows: number
  numClasses: number
}

/** Grid cells in YOLOX / NanoDet order: stride 8, 16, 32, each row-major. */
function cells(): { gx: number; gy: number; s: number }[] {
  const out: { gx: number; gy: number; s: number }[] = []
  for (const s of STRIDES) {
    const n = Math.ceil(SIZE / s)
    for (let gy = 0; gy < n; gy++) for (let gx = 0; gx < n; gx++) out.push({ gx, gy, s })
  }
  return out
}

/** YOLOX, decode_in_inference=False: row = (tx, ty, tw, th, obj, cls…), obj and cls already sigmoid. */
function decodeYoloxByHand(t: NamedTensor): Independent {
  const [, rows = 0, k = 0] = t.dims
  const numClasses = k - 5
  const grid = cells()
  expect(grid.length).toBe(rows)
  const boxes = new Float64Array(rows * 4)
  const scores = new Float64Array(rows * numClasses)
  for (let r = 0; r < rows; r++) {
    const { gx, gy, s } = grid[r]!
    const v = (c: number): number => t.data[r * k + c]!
    const cx = (v(0) + gx) * s
    const cy = (v(1) + gy) * s
    const w = Math.exp(v(2)) * s
    const h = Math.exp(v(3)) * s
    boxes.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], r * 4)
    for (let c = 0; c < numClasses; c++) scores[r * numClasses + c] = v(4) * v(5 + c)
  }
  return { boxes, scores, rows, numClasses }
}

/** NanoDet GFL: per stride cls [1, n, C] (sigmoid) and reg [1, n, 4·8]; centre (x + 0.5)·s; DFL expectation. */
function decodeNanodetByHand(outputs: ModelOutputs): Independent {
  const list = [...outputs.values()]
  const cls = list.filter((t) => t.dims[2] === 80).sort((a, b) => b.dims[1]! - a.dims[1]!)
  const reg = list.filter((t) => t.dims[2] === 32).sort((a, b) => b.dims[1]! - a.dims[1]!)
  expect(cls).toHaveLength(3)
  expect(reg).toHaveLength(3)
  const grid = cells()
  const rows = grid.length
  const boxes = new Float64Array(rows * 4)
  const scores = new Float64Array(rows * 80)
  let r = 0
  for (let level = 0; level < 3; level++) {
    const c = cls[level]!
    const g = reg[level]!
    for (let i = 0; i < c.dims[1]!; i++, r++) {
      const { gx, gy, s } = grid[r]!
      const d = [0, 1, 2, 3].map((side) => {
        const logits = Array.from({ length: 8 }, (_, b) => g.data[i * 32 + side * 8 + b]!)
        const m = Math.max(...logits)
        const e = logits.map((x) => Math.exp(x - m))
        const sum = e.reduce((a, b) => a + b, 0)
        return (e.reduce((a, x, b) => a + b * x, 0) / sum) * s
      })
      const cx = (gx + 0.5) * s
      const cy = (gy + 0.5) * s
      boxes.set([cx - d[0]!, cy - d[1]!, cx + d[2]!, cy + d[3]!], r * 4)
      for (let k = 0; k < 80; k++) scores[r * 80 + k] = c.data[i * 80 + k]!
    }
  }
  return { boxes, scores, rows, numClasses: 80 }
}

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!))
  const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!))
  const inter = w * h
  return inter / ((a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter)
}

const cases: [name: string, model: string, preset: PresetName, decoder: 'yolox' | 'nanodet'][] = [
  ['yolox_nano', yoloxNano, 'yolox', 'yolox'],
  ['nanodet_m', nanodetM, 'nanodet', 'nanodet'],
]

describe.each(cases)(
  '%s: decoder output equals an independent decode of the raw tensors',
  (_, model, preset, decoder) => {
    let dataset: Dataset
    let session: InferenceSession
    beforeAll(async () => {
      dataset = await openDataset(sharedFixture('coco128', 'annotations', 'instances_train2017.json'))
      session = await InferenceSession.open(readBytes(model), { intraOpThreads: 1 })
      return async () => session.release()
    })

    it.each(PICTURES)('%s', async (file) => {
      const protocol = makeProtocol(
        { width: SIZE, height: SIZE, layout: 'nchw', dtype: 'float32' },
        decoder,
        { preset },
      )
      const pre = protocol.preprocess
      const image = await loadImage(sharedFixture('coco128', 'images', 'train2017', file))
      const plan: ResizePlan = planResize(image.width, image.height, pre)
      const resized = await resizeImage(image, plan.resizedWidth, plan.resizedHeight, pre.kernel)
      const outputs = await session.run({ [session.inputs[0]!.name]: toInputTensor(resized, plan, pre) })

      const mine =
        decoder === 'yolox' ? decodeYoloxByHand(outputs.get('output')!) : decodeNanodetByHand(outputs)
      const theirs = decoderFor(decoder)(outputs, { inputWidth: SIZE, inputHeight: SIZE })
      expect(theirs.count).toBe(mine.rows)
      expect(theirs.numClasses).toBe(mine.numClasses)
      let boxDiff = 0
      let scoreDiff = 0
      for (let i = 0; i < mine.rows * 4; i++)
        boxDiff = Math.max(boxDiff, Math.abs(theirs.boxes[i]! - mine.boxes[i]!))
      for (let i = 0; i < mine.rows * mine.numClasses; i++) {
        scoreDiff = Math.max(scoreDiff, Math.abs(theirs.scores[i]! - mine.scores[i]!))
      }
      // float32 storage of pixel coordinates up to ~600: a few ulps.
      expect(boxDiff, 'largest box difference (px)').toBeLessThan(1e-3)
      expect(scoreDiff, 'largest score difference').toBeLessThan(1e-6)

      // The best candidate, mapped back by hand (model = image · scale + pad), lies on an object of its class.
      let best = 0
      for (let i = 1; i < mine.rows * mine.numClasses; i++) if (mine.scores[i]! > mine.scores[best]!) best = i
      const row = Math.floor(best / mine.numClasses)
      const cls = best % mine.numClasses
      const t = plan.toModel
      const box = [0, 1, 2, 3].map((j) =>
        j % 2 === 0
          ? (mine.boxes[row * 4 + j]! - t.padX) / t.scaleX
          : (mine.boxes[row * 4 + j]! - t.padY) / t.scaleY,
      )
      const imageId = dataset.images.find((im) => im.fileName === file)!.id
      const categoryId = dataset.classIndexToCategoryId[cls]!
      const gt = dataset.annotations
        .filter((a) => a.imageId === imageId && a.categoryId === categoryId)
        .map((a) => [a.bbox[0], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3]])
      expect(
        Math.max(0, ...gt.map((g) => iou(box, g))),
        `best box ${box.map((v) => v.toFixed(1))} class ${cls}`,
      ).toBeGreaterThan(0.5)
    })
  },
)
