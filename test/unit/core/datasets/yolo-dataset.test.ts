import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { COCO80_NAMES, COCO80_TO_91 } from '../../../../src-main/core/datasets/coco-classes'
import {
  parseDataYaml,
  parseYoloLabels,
  readYoloDataset,
  yoloClassIndexMap,
} from '../../../../src-main/core/datasets/yolo-dataset'
import { DatasetError, NotFoundError } from '../../../../src-main/core/errors'
import { nodeDatasetHost } from '../../../../src-main/services/files/dataset-files'
import { pngBytes } from '../../../helpers/images'
import { tempDir } from '../../../helpers/temp'

describe('parseYoloLabels', () => {
  it('reads box lines, skipping blank lines, any line ending', () => {
    const r = parseYoloLabels('0 0.5 0.5 0.2 0.4\r\n\n  \n1 0.25 0.75 0.1 0.1\n', 'a.txt', 2)
    expect(r.errors).toEqual([])
    expect(r.labels).toEqual([
      { classIndex: 0, cx: 0.5, cy: 0.5, w: 0.2, h: 0.4, line: 1 },
      { classIndex: 1, cx: 0.25, cy: 0.75, w: 0.1, h: 0.1, line: 4 },
    ])
  })

  it('turns polygon lines into the min/max box of their points', () => {
    const r = parseYoloLabels('2 0.1 0.2 0.5 0.2 0.5 0.6 0.1 0.6\n0 0.3 0.3 0.4 0.5 0.35 0.9\n', 'p.txt', 3)
    expect(r.errors).toEqual([])
    expect(r.labels[0]).toMatchObject({ classIndex: 2, line: 1 })
    expect(r.labels[0]?.cx).toBeCloseTo(0.3, 12)
    expect(r.labels[0]?.cy).toBeCloseTo(0.4, 12)
    expect(r.labels[0]?.w).toBeCloseTo(0.4, 12)
    expect(r.labels[0]?.h).toBeCloseTo(0.4, 12)
    expect(r.labels[1]).toMatchObject({ classIndex: 0 })
    expect(r.labels[1]?.w).toBeCloseTo(0.1, 12)
    expect(r.labels[1]?.h).toBeCloseTo(0.6, 12)
  })

  it('reads a box line inside a polygon file as a 2-point polygon, as Ultralytics does, and flags it', () => {
    const r = parseYoloLabels('0 0.1 0.1 0.3 0.1 0.3 0.3\n1 0.5 0.5 0.2 0.2\n', 'm.txt', 2)
    expect(r.boxInSegmentFile).toEqual([2])
    // points (0.5, 0.5) and (0.2, 0.2): box from 0.2 to 0.5
    expect(r.labels[1]?.cx).toBeCloseTo(0.35, 12)
    expect(r.labels[1]?.w).toBeCloseTo(0.3, 12)
  })

  it('names file and line for a class ≥ nc, non-numeric fields and wrong field counts', () => {
    const r = parseYoloLabels(
      [
        '0 0.5 0.5 0.1 0.1',
        '80 0.5 0.5 0.1 0.1',
        '1 0.5 abc 0.1 0.1',
        '1 0.5 0.5 0.1',
        '1 0.5 0.5 0.1 0.1 0.2',
        '1.5 0.5 0.5 0.1 0.1',
        '-1 0.5 0.5 0.1 0.1',
      ].join('\n'),
      'labels/x.txt',
      80,
    )
    expect(r.labels).toHaveLength(1)
    expect(r.errors).toEqual([
      'labels/x.txt:2: class 80 is not below nc=80; data.yaml names 80 classes (0..79) — fix the label or add the class to names',
      'labels/x.txt:3: field 3 "abc" is not a number',
      'labels/x.txt:4: expected 5 fields "class cx cy w h" (or a polygon "class x1 y1 x2 y2 x3 y3 …"); got 4: "1 0.5 0.5 0.1"',
      'labels/x.txt:5: expected 5 fields "class cx cy w h" (or a polygon "class x1 y1 x2 y2 x3 y3 …"); got 6: "1 0.5 0.5 0.1 0.1 0.2"',
      'labels/x.txt:6: class "1.5" must be an integer from 0 to 79',
      'labels/x.txt:7: class "-1" must be an integer from 0 to 79',
    ])
  })

  it('flags coordinates outside [0, 1], degenerate boxes, and drops exact duplicates', () => {
    const r = parseYoloLabels(
      '0 0.5 0.5 1.2 0.1\n0 0.5 0.5 0 0.1\n0 0.5 0.5 1.2 0.1\n0 0.50000000001 0.5 1.2 0.1\n',
      'd.txt',
      1,
    )
    expect(r.outside).toEqual([1, 3, 4])
    expect(r.degenerate).toEqual([2])
    expect(r.duplicates).toEqual([3, 4])
    expect(r.labels.map((l) => l.line)).toEqual([1, 2])
  })
})

describe('parseDataYaml', () => {
  it('resolves a relative path against the yaml folder and splits against path', () => {
    const y = parseDataYaml(
      'path: ../datasets/coco128\ntrain: images/train2017\nval: [images/a, lists/b.txt]\nnames: [a, b]\n',
      '/work/cfg/data.yaml',
    )
    expect(y.root).toBe('/work/datasets/coco128')
    expect(y.splits['train']).toEqual([
      { written: 'images/train2017', path: '/work/datasets/coco128/images/train2017' },
    ])
    expect(y.splits['val']?.map((e) => e.path)).toEqual([
      '/work/datasets/coco128/images/a',
      '/work/datasets/coco128/lists/b.txt',
    ])
    expect(parseDataYaml('val: v\nnames: [a]\n', '/d/data.yaml').root).toBe('/d')
    expect(
      parseDataYaml('path: /abs/ds\nval: /elsewhere/v\nnames: [a]\n', '/d/data.yaml').splits['val']?.[0]
        ?.path,
    ).toBe('/elsewhere/v')
  })

  it('reads names as a list or a map, and checks nc', () => {
    expect(parseDataYaml('val: v\nnames:\n  1: dog\n  0: cat\n', '/d/y.yaml').names).toEqual(['cat', 'dog'])
    expect(parseDataYaml("val: v\nnames: {'0': cat, '1': dog}\nnc: 2\n", '/d/y.yaml').names).toEqual([
      'cat',
      'dog',
    ])
    expect(parseDataYaml('val: v\nnc: 2\n', '/d/y.yaml').names).toEqual(['class_0', 'class_1'])
    expect(() => parseDataYaml('val: v\nnames: [a, b]\nnc: 3\n', '/d/y.yaml')).toThrow(
      '"/d/y.yaml": nc: 3 but names has 2 entries; they must match — fix nc or the names list',
    )
    expect(() => parseDataYaml('val: v\nnames: {0: a, 2: b}\n', '/d/y.yaml')).toThrow(
      /names has the key "2"; with 2 names the keys must be the class indices 0..1/,
    )
    expect(() => parseDataYaml('val: v\n', '/d/y.yaml')).toThrow(/names is missing/)
    expect(() => parseDataYaml('val: [v\nnames: [a]', '/d/y.yaml')).toThrow(
      /"\/d\/y.yaml" is not valid YAML: .*line/,
    )
    expect(() => parseDataYaml('val: 3\nnames: [a]\n', '/d/y.yaml')).toThrow(
      /val must be a folder, a .txt list of images, or a list of those; got "3"/,
    )
  })
})

describe('yoloClassIndexMap', () => {
  it("maps COCO's 80 names through 80→91 (Darknet spellings too), anything else to index + 1", () => {
    expect(yoloClassIndexMap(COCO80_NAMES)).toEqual(COCO80_TO_91)
    const darknet = COCO80_NAMES.map((n) => (n === 'motorcycle' ? 'motorbike' : n === 'tv' ? 'tvmonitor' : n))
    expect(yoloClassIndexMap(darknet)).toEqual(COCO80_TO_91)
    expect(yoloClassIndexMap(['cat', 'dog'])).toEqual([1, 2])
    expect(yoloClassIndexMap(COCO80_NAMES.slice(0, 79))).toEqual(Array.from({ length: 79 }, (_, i) => i + 1))
  })
})

describe('readYoloDataset on files', () => {
  let temp: ReturnType<typeof tempDir> | undefined
  afterEach(() => temp?.remove())
  const host = nodeDatasetHost()

  /** Write files under a fresh temp dir; strings as text, Buffers as bytes. */
  function tree(files: Record<string, string | Buffer>): string {
    temp = tempDir()
    for (const [rel, content] of Object.entries(files)) {
      const path = join(temp.dir, rel)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, content)
    }
    return temp.dir
  }

  it('reads a folder split with names as a map, relative path, nested images, labels by the images→labels rule', async () => {
    const root = tree({
      'cfg/data.yaml': 'path: ../ds\nval: images/val\nnames:\n  0: cat\n  1: dog\n',
      'ds/images/val/b.png': pngBytes(200, 100),
      'ds/images/val/sub/a.png': pngBytes(50, 40),
      'ds/images/val/.hidden.png': pngBytes(1, 1),
      'ds/images/val/notes.md': 'not an image',
      'ds/labels/val/b.txt': '1 0.5 0.5 0.5 0.5\n0 0.1 0.2 0.1 0.2\n',
      'ds/labels/val/sub/a.txt': '0 0.1 0.1 0.3 0.1 0.3 0.5 0.1 0.5\n',
      'ds/labels/val/orphan.txt': '0 0.5 0.5 0.1 0.1\n',
    })
    const ds = await readYoloDataset(join(root, 'cfg/data.yaml'), host)
    expect(ds.format).toBe('yolo')
    expect(ds.images).toEqual([
      { id: 1, fileName: 'b.png', width: 200, height: 100, path: join(root, 'ds/images/val/b.png') },
      { id: 2, fileName: 'a.png', width: 50, height: 40, path: join(root, 'ds/images/val/sub/a.png') },
    ])
    expect(ds.categories).toEqual([
      { id: 1, name: 'cat' },
      { id: 2, name: 'dog' },
    ])
    expect(ds.classIndexToCategoryId).toEqual([1, 2])
    expect(ds.annotations).toHaveLength(3)
    expect(ds.annotations[0]).toEqual({
      id: 1,
      imageId: 1,
      categoryId: 2,
      bbox: [50, 25, 100, 50],
      area: 5000,
      iscrowd: false,
    })
    expect(ds.annotations[1]?.bbox.map((v) => Number(v.toFixed(9)))).toEqual([10, 10, 20, 20])
    // the polygon, in pixels of a 50×40 image: x 0.1..0.3 → 5..15, y 0.1..0.5 → 4..20
    expect(ds.annotations[2]?.bbox.map((v) => Number(v.toFixed(9)))).toEqual([5, 4, 10, 16])
    expect(ds.annotations[2]?.area).toBeCloseTo(160, 9)
    expect(ds.warnings).toEqual([
      expect.stringMatching(/^1 label file\(s\) have no image and are ignored.*orphan\.txt"$/),
    ])
  })

  it('uses numeric stems as image ids when all are unique integers', async () => {
    const root = tree({
      'data.yaml': 'val: images\nnames: [a]\n',
      'images/000000000009.png': pngBytes(4, 4),
      'images/000000000025.png': pngBytes(4, 4),
    })
    const ds = await readYoloDataset(join(root, 'data.yaml'), host)
    expect(ds.images.map((im) => im.id)).toEqual([9, 25])
    expect(ds.warnings).toEqual([
      expect.stringMatching(
        /^no label file found for any of the 2 images \(looked for e\.g\. ".*labels\/000000000009\.txt"/,
      ),
    ])
  })

  it('reads .txt lists, warning about and skipping images that are missing on disk', async () => {
    const root = tree({
      'data.yaml': 'path: .\nval: val.txt\nnames: [a, b]\n',
      'val.txt': './images/1.png\nimages/2.png\n./images/gone.png\n\n./images/readme.txt\n',
      'images/1.png': pngBytes(10, 10),
      'images/2.png': pngBytes(20, 10),
      'labels/1.txt': '1 0.5 0.5 1 1\n',
      'labels/2.txt': '',
    })
    const ds = await readYoloDataset(join(root, 'data.yaml'), host)
    expect(ds.images.map((im) => [im.id, im.fileName])).toEqual([
      [1, '1.png'],
      [2, '2.png'],
    ])
    expect(ds.annotations).toEqual([
      { id: 1, imageId: 1, categoryId: 2, bbox: [0, 0, 10, 10], area: 100, iscrowd: false },
    ])
    expect(ds.warnings).toEqual([
      '1 line(s) of the val list are not image files and were skipped: "./images/readme.txt"',
      `1 image(s) listed for val do not exist and were skipped: "${join(root, 'images/gone.png')}"`,
    ])
  })

  it('skips an image whose header cannot be read, with a warning', async () => {
    const root = tree({
      'data.yaml': 'val: images\nnames: [a]\n',
      'images/a.png': pngBytes(3, 3),
      'images/b.jpg': 'text',
    })
    const ds = await readYoloDataset(join(root, 'data.yaml'), host)
    expect(ds.images.map((im) => im.fileName)).toEqual(['a.png'])
    expect(ds.warnings).toContainEqual(
      expect.stringMatching(/^1 image\(s\) whose size could not be read .*b\.jpg"$/),
    )
  })

  it('refuses a label with a class ≥ nc, naming the file and line; gathers several', async () => {
    const root = tree({
      'data.yaml': 'val: images\nnames: [a, b]\n',
      'images/x.png': pngBytes(8, 8),
      'images/y.png': pngBytes(8, 8),
      'labels/x.txt': '0 0.5 0.5 0.1 0.1\n2 0.5 0.5 0.1 0.1\n',
      'labels/y.txt': '1 0.5 0.5 0.1 zero\n',
    })
    const error = await readYoloDataset(join(root, 'data.yaml'), host).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatasetError)
    expect((error as Error).message).toBe(
      [
        '2 problems:',
        `${join(root, 'labels/x.txt')}:2: class 2 is not below nc=2; data.yaml names 2 classes (0..1) — fix the label or add the class to names`,
        `${join(root, 'labels/y.txt')}:1: field 5 "zero" is not a number`,
      ].join('\n'),
    )
  })

  it('names the split that is missing, and the folder that does not exist', async () => {
    const root = tree({ 'data.yaml': 'train: images\nnames: [a]\n', 'images/a.png': pngBytes(2, 2) })
    await expect(readYoloDataset(join(root, 'data.yaml'), host)).rejects.toThrow(
      /has no "val" split; it has "train"/,
    )
    const gone = tree({ 'data.yaml': 'val: images/val\nnames: [a]\n' })
    const error = await readYoloDataset(join(gone, 'data.yaml'), host).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotFoundError)
    expect((error as Error).message).toContain(
      `val: "images/val" resolves to "${join(gone, 'images/val')}", which does not exist`,
    )
    expect(await readYoloDataset(join(root, 'data.yaml'), host, { split: 'train' })).toMatchObject({
      images: [{ fileName: 'a.png' }],
    })
  })

  it('says why a split has no images: every listed image is missing', async () => {
    const root = tree({
      'data.yaml': 'val: val.txt\nnames: [a]\n',
      'val.txt': '/elsewhere/1.jpg\n/elsewhere/2.jpg\n',
    })
    const error = await readYoloDataset(join(root, 'data.yaml'), host).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DatasetError)
    expect((error as Error).message).toMatch(
      /the val split has no images .*\n2 image\(s\) listed for val do not exist and were skipped: "\/elsewhere\/1.jpg", "\/elsewhere\/2.jpg"$/,
    )
  })

  it('warns about coordinates outside [0, 1] and keeps the box', async () => {
    const root = tree({
      'data.yaml': 'val: images\nnames: [a]\n',
      'images/a.png': pngBytes(10, 10),
      'labels/a.txt': '0 0.5 0.5 1.5 0.5\n',
    })
    const ds = await readYoloDataset(join(root, 'data.yaml'), host)
    expect(ds.annotations).toHaveLength(1)
    expect(ds.warnings).toEqual([
      expect.stringMatching(/^1 label line\(s\) have coordinates outside \[0, 1\] .*labels\/a\.txt:1$/),
    ])
  })
})
