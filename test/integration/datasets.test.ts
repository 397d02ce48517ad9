/**
 * The dataset readers on real files: coco128 as COCO instances JSON and as its Ultralytics YOLO export,
 * read through `openDataset` and the node:fs host, compared with each other box by box; fingerprints and
 * reports on them; and the service's own failure modes (missing paths, missing images, sniffing).
 */
import { chmodSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COCO80_NAMES, COCO80_TO_91 } from '../../src-main/core/datasets/coco-classes'
import { checkDetections, describeDetectionCheck } from '../../src-main/core/datasets/coco-results'
import type { Dataset, GroundTruthBox } from '../../src-main/core/datasets/dataset'
import { datasetFingerprint } from '../../src-main/core/datasets/dataset-fingerprint'
import { datasetReport } from '../../src-main/core/datasets/dataset-report'
import {
  DatasetError,
  FileAccessError,
  InvalidArgumentError,
  NotFoundError,
} from '../../src-main/core/errors'
import { openDataset, openDetections } from '../../src-main/services/files/dataset-files'
import { readBytes, sharedFixture } from '../helpers/fixtures'
import { jpegWithHeaders, pngBytes } from '../helpers/images'
import { tempDir } from '../helpers/temp'

const coco128 = sharedFixture('coco128')
const instances = join(coco128, 'annotations', 'instances_train2017.json')
const dataYaml = join(coco128, 'data.yaml')
const imagesDir = join(coco128, 'images', 'train2017')

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now()
  const value = await fn()
  console.log(`${label}: ${(performance.now() - start).toFixed(1)} ms`)
  return value
}

describe('coco128, read as COCO JSON and as YOLO labels', () => {
  let coco: Dataset
  let cocoWithImages: Dataset
  let yolo: Dataset

  beforeAll(async () => {
    coco = await timed('coco128 COCO JSON', () => openDataset(instances))
    cocoWithImages = await timed('coco128 COCO JSON + images folder (existence and header sizes)', () =>
      openDataset(instances, { imagesDir }),
    )
    yolo = await timed('coco128 YOLO (data.yaml, 128 headers, 126 label files)', () => openDataset(dataYaml))
  })

  it('reads the COCO JSON: 128 images, 939 boxes of which 10 crowd, COCO 80→91 classes, no warnings', () => {
    expect(coco.format).toBe('coco')
    expect(coco.images).toHaveLength(128)
    expect(coco.annotations).toHaveLength(939)
    expect(coco.annotations.filter((a) => a.iscrowd)).toHaveLength(10)
    expect(coco.categories.map((c) => c.name)).toEqual(COCO80_NAMES)
    expect(coco.classIndexToCategoryId).toEqual(COCO80_TO_91)
    expect(coco.warnings).toEqual([])
    expect(coco.images.find((im) => im.id === 9)).toEqual({
      id: 9,
      fileName: '000000000009.jpg',
      width: 640,
      height: 480,
    })
  })

  it('attaches image paths and finds every header size equal to the JSON width/height', () => {
    expect(cocoWithImages.images).toHaveLength(128)
    expect(cocoWithImages.images.every((im) => im.path === join(imagesDir, im.fileName))).toBe(true)
    expect(cocoWithImages.annotations).toHaveLength(939)
    expect(cocoWithImages.warnings).toEqual([])
  })

  it('reads the YOLO export: 128 images, ids from the file stems, sizes from headers equal to the JSON', () => {
    expect(yolo.format).toBe('yolo')
    expect(yolo.images).toHaveLength(128)
    const byId = new Map(coco.images.map((im) => [im.id, im]))
    for (const im of yolo.images) {
      const gt = byId.get(im.id)
      expect(gt, im.fileName).toBeDefined()
      expect([im.fileName, im.width, im.height]).toEqual([gt?.fileName, gt?.width, gt?.height])
      expect(im.path).toBe(join(imagesDir, im.fileName))
    }
    expect(yolo.categories).toEqual(COCO80_NAMES.map((name, i) => ({ id: COCO80_TO_91[i], name })))
    expect(yolo.classIndexToCategoryId).toEqual(COCO80_TO_91)
  })

  it('reports what is true of the YOLO folder: 2 background images, 2 label files without an image', () => {
    expect(yolo.warnings).toEqual([
      expect.stringMatching(/^2 image\(s\) have no label file .*000000000250\.txt", ".*000000000508\.txt"$/),
      expect.stringMatching(/^2 label file\(s\) have no image .*000000000656\.txt", ".*000000000659\.txt"$/),
    ])
  })

  it('YOLO labels are the JSON minus its crowd boxes, in the same order, equal within 0.001 px', () => {
    const nonCrowd = coco.annotations.filter((a) => !a.iscrowd)
    expect(yolo.annotations).toHaveLength(929)
    expect(nonCrowd).toHaveLength(929)
    const group = (list: GroundTruthBox[]): Map<number, GroundTruthBox[]> => {
      const m = new Map<number, GroundTruthBox[]>()
      for (const a of list) m.set(a.imageId, [...(m.get(a.imageId) ?? []), a])
      return m
    }
    const cocoBy = group(nonCrowd)
    const yoloBy = group(yolo.annotations)
    expect([...yoloBy.keys()].sort()).toEqual([...cocoBy.keys()].sort())
    let worst = 0
    for (const [imageId, cocoBoxes] of cocoBy) {
      const yoloBoxes = yoloBy.get(imageId) ?? []
      expect(yoloBoxes.map((b) => b.categoryId)).toEqual(cocoBoxes.map((b) => b.categoryId))
      cocoBoxes.forEach((c, k) => {
        const y = yoloBoxes[k] as GroundTruthBox
        for (let j = 0; j < 4; j++)
          worst = Math.max(worst, Math.abs((y.bbox[j] as number) - (c.bbox[j] as number)))
      })
    }
    console.log(`coco128 YOLO vs JSON: worst box coordinate difference ${worst.toFixed(6)} px`)
    expect(worst).toBeLessThan(1e-3)
    // Areas differ by design: COCO's is the mask's, YOLO's is w·h.
    const a = nonCrowd[0] as GroundTruthBox
    expect(a.area).not.toBeCloseTo(a.bbox[2] * a.bbox[3], 0)
  })

  it('reports counts', () => {
    const r = datasetReport(coco)
    expect(r).toMatchObject({
      images: 128,
      categories: 80,
      annotations: 939,
      objects: 929,
      crowd: 10,
      degenerate: 0,
      imagesWithoutLabels: 2,
      sizes: { small: 414, medium: 290, large: 225 },
    })
    expect(r.objectsPerImage).toMatchObject({ min: 0, max: 42 })
    expect(r.objectsPerImage.mean).toBeCloseTo(7.2578125, 9)
    expect(r.perClass[0]).toEqual({ categoryId: 1, name: 'person', boxes: 254, crowd: 5, images: 61 })
    expect(r.perClass.filter((c) => c.boxes > 0)).toHaveLength(71)
    const y = datasetReport(yolo)
    expect(y).toMatchObject({ images: 128, objects: 929, crowd: 0, imagesWithoutLabels: 2 })
    expect(y.perClass[0]).toMatchObject({ name: 'person', boxes: 254, images: 61 })
    expect(y.warnings).toHaveLength(2)
  })

  it('gives the same fingerprint on a second read, for each format', async () => {
    expect(await datasetFingerprint(await openDataset(instances))).toBe(await datasetFingerprint(coco))
    expect(await datasetFingerprint(await openDataset(dataYaml))).toBe(await datasetFingerprint(yolo))
    expect(await datasetFingerprint(cocoWithImages)).toBe(await datasetFingerprint(coco))
    expect(await datasetFingerprint(coco)).not.toBe(await datasetFingerprint(yolo))
  })

  describe('a copy whose label changes', () => {
    const temp = tempDir()
    afterAll(() => temp.remove())

    it('changes the fingerprint when one label line changes, and not when the folder moves', async () => {
      // images linked (22 MB), labels and yaml copied and made writable
      mkdirSync(join(temp.dir, 'images'))
      symlinkSync(imagesDir, join(temp.dir, 'images', 'train2017'))
      cpSync(join(coco128, 'labels'), join(temp.dir, 'labels'), { recursive: true })
      cpSync(dataYaml, join(temp.dir, 'data.yaml'))
      const label = join(temp.dir, 'labels', 'train2017', '000000000009.txt')
      chmodSync(label, 0o644)
      const copy = await openDataset(join(temp.dir, 'data.yaml'))
      expect(await datasetFingerprint(copy)).toBe(await datasetFingerprint(yolo))
      writeFileSync(label, '45 0.479492 0.688771 0.955609 0.5956\n')
      const changed = await openDataset(join(temp.dir, 'data.yaml'))
      expect(changed.annotations).toHaveLength(929 - 7)
      const one = await datasetFingerprint(changed)
      expect(one).not.toBe(await datasetFingerprint(yolo))
      writeFileSync(label, '45 0.479492 0.688771 0.955609 0.5955\n')
      const two = await datasetFingerprint(await openDataset(join(temp.dir, 'data.yaml')))
      expect(two).not.toBe(one)
    })
  })
})

describe('openDataset and openDetections: paths, sniffing, missing images', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())
  const file = (name: string, content: string | Buffer): string => {
    const path = join(temp.dir, name)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, content)
    return path
  }

  it('names a missing path', async () => {
    const gone = join(temp.dir, 'nope', 'instances.json')
    await expect(openDataset(gone)).rejects.toThrow(NotFoundError)
    await expect(openDataset(gone)).rejects.toThrow(`no dataset at "${gone}"`)
    await expect(openDetections(gone)).rejects.toThrow(NotFoundError)
    await expect(openDataset(instances, { imagesDir: join(temp.dir, 'no-images') })).rejects.toThrow(
      /the images folder ".*no-images" does not exist/,
    )
  })

  it('refuses options that do not fit the format', async () => {
    await expect(openDataset(dataYaml, { imagesDir })).rejects.toThrow(InvalidArgumentError)
    await expect(openDataset(instances, { split: 'val' })).rejects.toThrow(
      /a split \("val"\) applies to a data.yaml/,
    )
  })

  it('opens the data.yaml of a folder, refuses a folder without one', async () => {
    expect((await openDataset(coco128)).images).toHaveLength(128)
    mkdirSync(join(temp.dir, 'empty'))
    await expect(openDataset(join(temp.dir, 'empty'))).rejects.toThrow(FileAccessError)
  })

  it('sniffs COCO JSON in a file without .json, refuses anything else', async () => {
    const gt = JSON.stringify({ images: [], annotations: [], categories: [{ id: 1, name: 'a' }] })
    expect((await openDataset(file('gt.txt', gt))).categories).toEqual([{ id: 1, name: 'a' }])
    await expect(openDataset(file('x.csv', 'a,b\n'))).rejects.toThrow(
      /neither a COCO instances JSON nor a data.yaml/,
    )
  })

  it('malformed JSON fails with the file name and position', async () => {
    const path = file('bad.json', '{"images": [}')
    await expect(openDataset(path)).rejects.toThrow(DatasetError)
    await expect(openDataset(path)).rejects.toThrow(
      `"${path}" is not valid JSON: unexpected "}" at line 1 column 13`,
    )
  })

  it('skips COCO images missing from the images folder, with their annotations, and says so', async () => {
    const images = join(temp.dir, 'imgs')
    file('imgs/a.png', pngBytes(30, 20))
    file('imgs/c.png', pngBytes(20, 30))
    file('imgs/d.jpg', jpegWithHeaders(readBytes(join(imagesDir, '000000000009.jpg')), { orientation: 6 }))
    const gt = {
      images: [
        { id: 1, file_name: 'a.png', width: 30, height: 20 },
        { id: 2, file_name: 'b.png', width: 30, height: 20 },
        { id: 3, file_name: 'c.png', width: 30, height: 20 },
        { id: 4, file_name: 'd.jpg', width: 640, height: 480 },
      ],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], area: 25, iscrowd: 0 },
        { id: 2, image_id: 2, category_id: 1, bbox: [0, 0, 5, 5], area: 25, iscrowd: 0 },
      ],
      categories: [{ id: 1, name: 'a' }],
    }
    const ds = await openDataset(file('gt.json', JSON.stringify(gt)), { imagesDir: images })
    expect(ds.images.map((im) => im.id)).toEqual([1, 3, 4])
    expect(ds.annotations.map((a) => a.id)).toEqual([1])
    expect(ds.warnings).toEqual([
      `1 image(s) of the JSON are not in "${images}" and were skipped with their 1 annotation(s): "b.png"`,
      '2 image(s) differ in size from the JSON\'s width/height (1 of them turned by their EXIF orientation: the JSON gives the stored size, the picture displays a quarter turn round); boxes may not line up with the pixels: "c.png" is 20×30, JSON says 30×20, "d.jpg" is 480×640, JSON says 640×480',
    ])
  })

  it('reads detections and counts those the dataset cannot score', async () => {
    const coco = await openDataset(instances)
    const dets = [
      { image_id: 9, category_id: 1, bbox: [1, 2, 3, 4], score: 0.9 },
      { image_id: 123456, category_id: 1, bbox: [1, 2, 3, 4], score: 0.8 },
      { image_id: 9, category_id: 12, bbox: [1, 2, 3, 4], score: 0.7 },
    ]
    const read = await openDetections(file('dets.json', JSON.stringify(dets)))
    expect(read).toHaveLength(3)
    const check = checkDetections(coco, read)
    expect(check).toMatchObject({
      unknownImage: { detections: 1, imageIds: [123456] },
      unknownCategory: { detections: 1, categoryIds: [12] },
      imagesWithoutDetections: 127,
    })
    expect(describeDetectionCheck(check)).toHaveLength(2)
  })
})
