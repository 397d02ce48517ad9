import { describe, expect, it } from 'vitest'
import {
  checkDetections,
  describeDetectionCheck,
  parseCocoResults,
} from '../../../../src-main/core/datasets/coco-results'
import type { Dataset } from '../../../../src-main/core/datasets/dataset'
import { DatasetError } from '../../../../src-main/core/errors'

const det = (extra: object = {}): object => ({
  image_id: 1,
  category_id: 1,
  bbox: [1, 2, 3, 4],
  score: 0.9,
  ...extra,
})

function errorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError)
    return (error as Error).message
  }
  throw new Error('expected a DatasetError')
}

describe('parseCocoResults', () => {
  it('reads detections', () => {
    const dets = parseCocoResults(JSON.stringify([det(), det({ image_id: 2, category_id: 90, score: 0 })]))
    expect(dets).toEqual([
      { imageId: 1, categoryId: 1, bbox: [1, 2, 3, 4], score: 0.9 },
      { imageId: 2, categoryId: 90, bbox: [1, 2, 3, 4], score: 0 },
    ])
    expect(parseCocoResults('[]')).toEqual([])
  })

  it('names the index of non-numeric fields, negative sizes and NaN scores', () => {
    const text = JSON.stringify([
      det(),
      det({ image_id: '1' }),
      det({ bbox: [1, 2, -3, 4] }),
      det({ score: null }),
    ])
    const message = errorOf(() => parseCocoResults(text, { source: 'dets.json' }))
    expect(message).toContain('3 problems')
    expect(message).toContain('dets.json: detection #1: image_id must be an integer; got a string "1"')
    expect(message).toContain('detection #2: bbox [1,2,-3,4] has a negative width or height')
    expect(message).toContain('detection #3: score must be a finite number; got null')
  })

  it("reports Python's NaN literal as a NaN score at its index, not as a syntax error", () => {
    const text =
      '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5},\n {"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": NaN}]'
    expect(errorOf(() => parseCocoResults(text))).toContain(
      'detection #1: score must be a finite number; got NaN (Python',
    )
    const inf = '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, -Infinity, 4], "score": 0.5}]'
    expect(errorOf(() => parseCocoResults(inf))).toContain('detection #0: bbox must be 4 finite numbers')
    expect(errorOf(() => parseCocoResults('[1, 2'))).toContain('is not valid JSON')
  })

  it('says when it was given ground truth', () => {
    expect(errorOf(() => parseCocoResults('{"annotations": []}'))).toContain(
      'looks like a COCO instances (ground truth) file',
    )
  })

  it('maps YOLO class indices through COCO 80→91 when asked, and refuses indices past 79', () => {
    const dets = parseCocoResults(
      JSON.stringify([det({ category_id: 0 }), det({ category_id: 11 }), det({ category_id: 79 })]),
      {
        categoryIds: 'yolo80',
      },
    )
    expect(dets.map((d) => d.categoryId)).toEqual([1, 13, 90])
    expect(
      errorOf(() => parseCocoResults(JSON.stringify([det({ category_id: 80 })]), { categoryIds: 'yolo80' })),
    ).toContain('detection #0: category_id 80 is not a YOLO class index 0..79')
  })
})

describe('checkDetections', () => {
  const dataset: Pick<Dataset, 'images' | 'categories'> = {
    images: [1, 2, 3].map((id) => ({ id, fileName: `${id}.jpg`, width: 10, height: 10 })),
    categories: [
      { id: 1, name: 'a' },
      { id: 3, name: 'b' },
    ],
  }

  it('counts detections for unknown images and categories, keeping every detection', () => {
    const dets = parseCocoResults(
      JSON.stringify([
        det(),
        det({ image_id: 7 }),
        det({ image_id: 7 }),
        det({ image_id: 5, category_id: 2 }),
        det({ category_id: 0 }),
      ]),
    )
    const check = checkDetections(dataset, dets)
    expect(check).toEqual({
      detections: 5,
      unknownImage: { detections: 3, imageIds: [5, 7] },
      unknownCategory: { detections: 2, categoryIds: [0, 2] },
      imagesWithoutDetections: 2,
    })
    const lines = describeDetectionCheck(check)
    expect(lines[0]).toContain('3 of 5 detections are for images the dataset does not have (image_id 5, 7)')
    expect(lines[1]).toContain(
      '2 of 5 detections have a category the dataset does not have (category_id 0, 2)',
    )
    expect(lines[1]).toContain('yolo80')
    expect(dets).toHaveLength(5)
  })

  it('is quiet when everything matches', () => {
    const check = checkDetections(
      dataset,
      parseCocoResults(JSON.stringify([det(), det({ image_id: 2, category_id: 3 })])),
    )
    expect(check.unknownImage.detections + check.unknownCategory.detections).toBe(0)
    expect(describeDetectionCheck(check)).toEqual([])
  })
})
