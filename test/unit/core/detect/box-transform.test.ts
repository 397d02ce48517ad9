import { describe, expect, it } from 'vitest'
import {
  boxesToImage,
  boxesToModel,
  detectionsToImage,
  toCocoResults,
  type ImageToModel,
} from '../../../../src-main/core/detect/box-transform'
import type { Detections } from '../../../../src-main/core/detect/detection-types'
import { InvalidArgumentError } from '../../../../src-main/core/errors'

/** A 640×480 image letterboxed into 640×640: scale 1, 80 px bars top and bottom. */
const letterbox: ImageToModel = { scaleX: 1, scaleY: 1, padX: 0, padY: 80, imageWidth: 640, imageHeight: 480 }
/** A 1280×960 image letterboxed into 640×640: scale 0.5, 80 px bars. */
const halfLetterbox: ImageToModel = {
  scaleX: 0.5,
  scaleY: 0.5,
  padX: 0,
  padY: 80,
  imageWidth: 1280,
  imageHeight: 960,
}
/** An 800×400 image stretched to 416×416. */
const stretch: ImageToModel = {
  scaleX: 0.52,
  scaleY: 1.04,
  padX: 0,
  padY: 0,
  imageWidth: 800,
  imageHeight: 400,
}

const boxes = (...v: number[]) => Float32Array.from(v)

describe('model → image pixels', () => {
  it('removes the padding and undoes the scale', () => {
    expect(Array.from(boxesToImage(boxes(100, 180, 200, 280), letterbox))).toEqual([100, 100, 200, 200])
    expect(Array.from(boxesToImage(boxes(100, 180, 200, 280), halfLetterbox))).toEqual([200, 200, 400, 400])
    // Stretch: x / 0.52, y / 1.04.
    const s = boxesToImage(boxes(52, 104, 104, 208), stretch)
    ;[100, 100, 200, 200].forEach((v, i) => expect(s[i]).toBeCloseTo(v, 3))
  })

  it('clips to [0, width] × [0, height], as Ultralytics clip_boxes', () => {
    // A box reaching into both bars and past the right edge.
    expect(Array.from(boxesToImage(boxes(-10, 50, 700, 600), letterbox))).toEqual([0, 0, 640, 480])
    expect(Array.from(boxesToImage(boxes(-10, 50, 700, 600), letterbox, false))).toEqual([-10, -30, 700, 520])
  })

  it('image → model is the inverse', () => {
    const image = boxes(12.5, 33, 400, 399.25)
    for (const t of [letterbox, halfLetterbox, stretch]) {
      const back = boxesToImage(boxesToModel(image, t), t)
      image.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 3))
    }
  })

  it('maps Detections, keeping scores and classes', () => {
    const dets: Detections = {
      count: 2,
      boxes: boxes(100, 180, 200, 280, 0, 80, 10, 90),
      scores: Float32Array.of(0.9, 0.5),
      classes: Int32Array.of(3, 0),
    }
    const out = detectionsToImage(dets, letterbox)
    expect(Array.from(out.boxes)).toEqual([100, 100, 200, 200, 0, 0, 10, 10])
    expect(out.scores).toEqual(dets.scores)
    expect(out.classes).toEqual(dets.classes)
  })

  it('rejects a transform that cannot be inverted', () => {
    expect(() => boxesToImage(boxes(0, 0, 1, 1), { ...letterbox, scaleX: 0 })).toThrow(InvalidArgumentError)
    expect(() => boxesToImage(boxes(0, 0, 1, 1), { ...letterbox, padY: NaN })).toThrow(
      /positive finite scales/,
    )
  })
})

describe('COCO results', () => {
  const dets: Detections = {
    count: 2,
    boxes: boxes(10, 20, 110, 70, 1.23456, 2.5, 3.75, 9.87654),
    scores: Float32Array.of(0.875, 0.123456789),
    classes: Int32Array.of(0, 2),
  }
  const coco80 = [1, 2, 3]

  it('writes [x, y, w, h] and the category id of each class index', () => {
    expect(toCocoResults(dets, 42, coco80)).toEqual([
      { imageId: 42, categoryId: 1, bbox: [10, 20, 100, 50], score: 0.875 },
      {
        imageId: 42,
        categoryId: 3,
        bbox: [
          Math.fround(1.23456),
          2.5,
          Math.fround(3.75) - Math.fround(1.23456),
          Math.fround(9.87654) - 2.5,
        ],
        score: Math.fround(0.123456789),
      },
    ])
  })

  it('rounds like Ultralytics save_json when asked (bbox 3 decimals, score 5)', () => {
    const [, second] = toCocoResults(dets, 42, coco80, { decimals: { bbox: 3, score: 5 } })
    expect(second).toEqual({ imageId: 42, categoryId: 3, bbox: [1.235, 2.5, 2.515, 7.377], score: 0.12346 })
  })

  it('refuses a class with no category id', () => {
    expect(() => toCocoResults(dets, 1, [1])).toThrow(
      /class index 2 has no category id: the class map has 1 entries/,
    )
  })
})
