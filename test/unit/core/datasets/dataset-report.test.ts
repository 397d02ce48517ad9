import { describe, expect, it } from 'vitest'
import type { Dataset, GroundTruthBox } from '../../../../src-main/core/datasets/dataset'
import { datasetReport } from '../../../../src-main/core/datasets/dataset-report'

let nextId = 1
const box = (
  imageId: number,
  categoryId: number,
  area: number,
  extra: Partial<GroundTruthBox> = {},
): GroundTruthBox => ({
  id: nextId++,
  imageId,
  categoryId,
  bbox: [0, 0, Math.sqrt(area), Math.sqrt(area)],
  area,
  iscrowd: false,
  ...extra,
})

describe('datasetReport', () => {
  it('counts classes, objects per image, COCO area ranges, crowd and background', () => {
    const ds: Dataset = {
      format: 'coco',
      images: [1, 2, 3, 4].map((id) => ({ id, fileName: `${id}.jpg`, width: 100, height: 100 })),
      categories: [
        { id: 3, name: 'car' },
        { id: 1, name: 'person' },
      ],
      annotations: [
        box(1, 1, 1023),
        box(1, 1, 1024),
        box(1, 3, 9215),
        box(1, 3, 9216),
        box(1, 1, 50, { bbox: [0, 0, 0, 50] }),
        box(2, 1, 20000),
        box(3, 1, 5000, { iscrowd: true }),
      ],
      classIndexToCategoryId: [1, 3],
      warnings: ['w'],
    }
    const r = datasetReport(ds)
    expect(r).toMatchObject({
      format: 'coco',
      images: 4,
      categories: 2,
      annotations: 7,
      objects: 6,
      crowd: 1,
      degenerate: 1,
      imagesWithoutLabels: 1,
      sizes: { small: 2, medium: 2, large: 2 },
      warnings: ['w'],
    })
    expect(r.perClass).toEqual([
      { categoryId: 1, name: 'person', boxes: 4, crowd: 1, images: 2 },
      { categoryId: 3, name: 'car', boxes: 2, crowd: 0, images: 1 },
    ])
    // objects per image: 5, 1, 0 (crowd only), 0
    expect(r.objectsPerImage).toMatchObject({ min: 0, max: 5, mean: 1.5 })
    expect(r.objectsPerImage.histogram).toEqual([
      { min: 0, max: 0, images: 2 },
      { min: 1, max: 1, images: 1 },
      { min: 2, max: 4, images: 0 },
      { min: 5, max: 9, images: 1 },
      { min: 10, max: 19, images: 0 },
      { min: 20, max: 49, images: 0 },
      { min: 50, max: 99, images: 0 },
      { min: 100, max: null, images: 0 },
    ])
  })

  it('handles an empty dataset', () => {
    const r = datasetReport({
      format: 'yolo',
      images: [],
      categories: [],
      annotations: [],
      classIndexToCategoryId: [],
      warnings: [],
    })
    expect(r.objectsPerImage).toMatchObject({ min: 0, mean: 0, max: 0 })
  })
})
