import { describe, expect, it } from 'vitest'
import { COCO80_NAMES, COCO80_TO_91 } from '../../../../src-main/core/datasets/coco-classes'
import { cocoClassIndexMap, parseCocoInstances } from '../../../../src-main/core/datasets/coco-instances'
import { DatasetError } from '../../../../src-main/core/errors'

const image = (id: number, extra: object = {}): object => ({
  id,
  file_name: `${id}.jpg`,
  width: 640,
  height: 480,
  ...extra,
})
const ann = (id: number, extra: object = {}): object => ({
  id,
  image_id: 1,
  category_id: 1,
  bbox: [10, 20, 30, 40],
  area: 1000,
  iscrowd: 0,
  ...extra,
})
const cats = [
  { id: 1, name: 'cat', supercategory: 'animal' },
  { id: 2, name: 'dog' },
]
const doc = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({ images: [image(1), image(2)], annotations: [ann(1)], categories: cats, ...over })

function errorOf(fn: () => unknown): DatasetError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError)
    return error as DatasetError
  }
  throw new Error('expected a DatasetError')
}

describe('parseCocoInstances', () => {
  it('reads images, categories (sorted by id) and annotations', () => {
    const text = doc({
      categories: [cats[1], cats[0]],
      annotations: [ann(7), ann(3, { iscrowd: 1, image_id: 2 })],
    })
    const ds = parseCocoInstances(text)
    expect(ds.format).toBe('coco')
    expect(ds.images).toEqual([
      { id: 1, fileName: '1.jpg', width: 640, height: 480 },
      { id: 2, fileName: '2.jpg', width: 640, height: 480 },
    ])
    expect(ds.categories).toEqual([
      { id: 1, name: 'cat', supercategory: 'animal' },
      { id: 2, name: 'dog' },
    ])
    expect(ds.annotations).toEqual([
      { id: 7, imageId: 1, categoryId: 1, bbox: [10, 20, 30, 40], area: 1000, iscrowd: false },
      { id: 3, imageId: 2, categoryId: 1, bbox: [10, 20, 30, 40], area: 1000, iscrowd: true },
    ])
    expect(ds.classIndexToCategoryId).toEqual([1, 2])
    expect(ds.warnings).toEqual([])
  })

  it('says where malformed JSON breaks, with line and column', () => {
    const e = errorOf(() =>
      parseCocoInstances('{\n  "images": [],\n  "annotations": [,]\n}', { source: 'gt.json' }),
    )
    expect(e.message).toContain('"gt.json" is not valid JSON')
    expect(e.message).toMatch(/line 3 column 19/)
    expect(errorOf(() => parseCocoInstances('  ', { source: 'gt.json' })).message).toContain('is empty')
  })

  it('names each missing top-level key', () => {
    const e = errorOf(() => parseCocoInstances(JSON.stringify({ images: [], info: {} })))
    expect(e.message).toContain('2 problems')
    expect(e.message).toContain('the key "annotations" is missing (the file has "images", "info")')
    expect(e.message).toContain('the key "categories" is missing')
  })

  it('recognizes a results file given as ground truth', () => {
    const e = errorOf(() => parseCocoInstances('[{"image_id": 1}]'))
    expect(e.message).toContain('COCO results (detections) file')
  })

  it('names missing per-item keys with list, index and id', () => {
    const e = errorOf(() =>
      parseCocoInstances(
        doc({
          images: [image(1), { file_name: 'x.jpg', width: 1, height: 1 }],
          annotations: [
            ann(1, { bbox: undefined }),
            { id: 2, category_id: 1, bbox: [0, 0, 1, 1] },
            ann(3, { category_id: undefined }),
          ],
        }),
      ),
    )
    expect(e.message).toContain('images[1].id must be an integer id; it is missing')
    expect(e.message).toContain('annotations[0] (id 1).bbox must be a list of 4 numbers')
    expect(e.message).toContain('annotations[1] (id 2).image_id must be an integer id; it is missing')
    expect(e.message).toContain('annotations[2] (id 3).category_id must be an integer id; it is missing')
  })

  it('quotes values of the wrong type', () => {
    const e = errorOf(() =>
      parseCocoInstances(
        doc({
          images: [image(1, { width: '640' }), image(2)],
          annotations: [ann(1, { bbox: [1, 2, 'x', 4] }), ann(2, { iscrowd: 2 }), ann(3, { image_id: 1.5 })],
        }),
      ),
    )
    expect(e.message).toContain(
      'images[0] (id 1).width must be a positive number of pixels; got a string "640"',
    )
    expect(e.message).toContain(
      'bbox must be a list of 4 numbers [x, y, width, height] in pixels; got an array [1,2,"x",4]',
    )
    expect(e.message).toContain('annotations[1] (id 2).iscrowd must be 0, 1, true or false; got a number 2')
    expect(e.message).toContain('image_id must be an integer id; got a number 1.5')
  })

  it('rejects duplicate ids, naming the id and both places', () => {
    expect(
      errorOf(() => parseCocoInstances(doc({ images: [image(5), image(1), image(5)] }))).message,
    ).toContain('images id 5 appears twice (images[0] and images[2])')
    expect(errorOf(() => parseCocoInstances(doc({ annotations: [ann(9), ann(9)] }))).message).toContain(
      'annotations id 9 appears twice (annotations[0] and annotations[1])',
    )
    expect(errorOf(() => parseCocoInstances(doc({ categories: [cats[0], cats[0]] }))).message).toContain(
      'categories id 1 appears twice',
    )
  })

  it('keeps zero and negative boxes, warning with their count and first ids', () => {
    const annotations = [
      ann(1),
      ann(2, { bbox: [0, 0, 0, 5] }),
      ...[3, 4, 5, 6, 7, 8].map((id) => ann(id, { bbox: [0, 0, 5, -1] })),
    ]
    const ds = parseCocoInstances(doc({ annotations }))
    expect(ds.annotations).toHaveLength(8)
    expect(ds.warnings).toEqual([
      '7 box(es) with zero or negative width or height, kept as pycocotools keeps them (they can only be missed): annotation ids 2, 3, 4, 5, 6 and 2 more',
    ])
  })

  it('refuses annotations for undefined images or categories by default, counting them', () => {
    const annotations = [
      ann(1),
      ann(2, { image_id: 99 }),
      ann(3, { image_id: 98 }),
      ann(4, { category_id: 7 }),
    ]
    const e = errorOf(() => parseCocoInstances(doc({ annotations })))
    expect(e.message).toContain(
      '2 annotation(s) refer to an image the file does not define in "images": annotation ids 2 (image_id 99), 3 (image_id 98)',
    )
    expect(e.message).toContain(
      '1 annotation(s) refer to a category the file does not define in "categories": annotation ids 4 (category_id 7)',
    )
    expect(e.message).toContain('pycocotools would silently leave them out')
  })

  it('drops them with a counted warning when asked', () => {
    const annotations = [ann(1), ann(2, { image_id: 99 }), ann(4, { category_id: 7 })]
    const ds = parseCocoInstances(doc({ annotations }), { danglingAnnotations: 'drop' })
    expect(ds.annotations.map((a) => a.id)).toEqual([1])
    expect(ds.warnings).toHaveLength(2)
    expect(ds.warnings[0]).toMatch(/^1 annotation\(s\) refer to an image .* they were dropped$/)
  })

  it('computes a missing area as w·h with a warning; iscrowd defaults to 0; keeps ignore', () => {
    const ds = parseCocoInstances(
      doc({
        annotations: [ann(1, { area: undefined, iscrowd: undefined }), ann(2, { ignore: 1, iscrowd: true })],
      }),
    )
    expect(ds.annotations[0]).toMatchObject({ area: 1200, iscrowd: false })
    expect(ds.annotations[0]).not.toHaveProperty('ignore')
    expect(ds.annotations[1]).toMatchObject({ iscrowd: true, ignore: true })
    expect(ds.warnings).toEqual([
      expect.stringMatching(/^1 annotation\(s\) without "area" got width × height .*: annotation ids 1$/),
    ])
  })
})

describe('cocoClassIndexMap', () => {
  const coco80 = COCO80_NAMES.map((name, i) => ({ id: COCO80_TO_91[i] as number, name }))

  it("uses COCO's 80→91 map for COCO's 80 categories", () => {
    expect(cocoClassIndexMap([...coco80].reverse())).toEqual({ map: [...COCO80_TO_91] })
  })

  it('sorts by id otherwise, and says why when the categories look like COCO', () => {
    expect(
      cocoClassIndexMap([
        { id: 7, name: 'b' },
        { id: 3, name: 'a' },
      ]),
    ).toEqual({ map: [3, 7] })
    const renumbered = cocoClassIndexMap(COCO80_NAMES.map((name, i) => ({ id: i, name })))
    expect(renumbered.map).toEqual(COCO80_NAMES.map((_, i) => i))
    expect(renumbered.warning).toContain("COCO's but numbered 0, 1, 2, 3…")
    const subset = cocoClassIndexMap([
      { id: 1, name: 'person' },
      { id: 3, name: 'car' },
    ])
    expect(subset.map).toEqual([1, 3])
    expect(subset.warning).toContain("2 of COCO's 80 categories")
  })
})
