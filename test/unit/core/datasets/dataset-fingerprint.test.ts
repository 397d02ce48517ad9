import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Dataset } from '../../../../src-main/core/datasets/dataset'
import {
  canonicalDatasetText,
  datasetFingerprint,
} from '../../../../src-main/core/datasets/dataset-fingerprint'

function dataset(): Dataset {
  return {
    format: 'coco',
    images: [
      { id: 2, fileName: 'b.jpg', width: 640, height: 480, path: '/x/b.jpg' },
      { id: 1, fileName: 'a.jpg', width: 320, height: 240 },
    ],
    categories: [{ id: 1, name: 'person' }],
    annotations: [
      { id: 10, imageId: 1, categoryId: 1, bbox: [1.5, 2, 30, 40.25], area: 1207.5, iscrowd: false },
      { id: 11, imageId: 1, categoryId: 1, bbox: [5, 5, 10, 10], area: 90, iscrowd: true },
      { id: 12, imageId: 2, categoryId: 1, bbox: [0, 0, 1, 1], area: 1, iscrowd: false, ignore: false },
    ],
    classIndexToCategoryId: [1],
    warnings: [],
  }
}

describe('datasetFingerprint', () => {
  it('is the SHA-256 of the canonical text', async () => {
    const ds = dataset()
    const expected = createHash('sha256').update(canonicalDatasetText(ds)).digest('hex')
    expect(await datasetFingerprint(ds)).toBe(expected)
    expect(canonicalDatasetText(ds)).toBe(
      [
        'quantscope-dataset-v1',
        'categories',
        '1\t"person"\t""',
        'classes\t1',
        'images',
        '"a.jpg"\t1\t320\t240',
        '  1\t1.5\t2\t30\t40.25\t1207.5\t0\t-',
        '  1\t5\t5\t10\t10\t90\t1\t-',
        '"b.jpg"\t2\t640\t480',
        '  1\t0\t0\t1\t1\t1\t0\t0',
      ].join('\n'),
    )
  })

  it('ignores order, paths, annotation ids, warnings and float noise below 1e-4 px', async () => {
    const a = dataset()
    const b = dataset()
    b.images.reverse()
    b.annotations.reverse()
    b.images[0] = { ...b.images[0]!, path: '/elsewhere/a.jpg' }
    b.annotations = b.annotations.map((x, i) => ({ ...x, id: 100 + i }))
    b.warnings.push('something')
    b.format = 'yolo'
    const first = b.annotations.find((x) => x.id === 102)!
    first.bbox = [1.5 + 1e-9, 2, 30, 40.25]
    expect(await datasetFingerprint(b)).toBe(await datasetFingerprint(a))
  })

  it('changes with any label, size, name or id', async () => {
    const base = await datasetFingerprint(dataset())
    const changes: ((d: Dataset) => void)[] = [
      (d) => (d.annotations[0]!.bbox = [1.5, 2, 30, 40.26]),
      (d) => (d.annotations[0]!.bbox = [1.5001, 2, 30, 40.25]),
      (d) => (d.annotations[0]!.categoryId = 2),
      (d) => (d.annotations[0]!.area = 1207),
      (d) => (d.annotations[1]!.iscrowd = false),
      (d) => (d.annotations[2]!.ignore = true),
      (d) => d.annotations.pop(),
      (d) => (d.images[0]!.width = 641),
      (d) => (d.images[0]!.fileName = 'c.jpg'),
      (d) => (d.images[1]!.id = 3),
      (d) => (d.categories[0]!.name = 'people'),
      (d) => (d.classIndexToCategoryId = [2]),
    ]
    const seen = new Set([base])
    for (const change of changes) {
      const d = dataset()
      change(d)
      const fp = await datasetFingerprint(d)
      expect(seen.has(fp), String(change)).toBe(false)
      seen.add(fp)
    }
  })
})
