import { describe, expect, it } from 'vitest'
import {
  basenameOf,
  dirnameOf,
  extensionOf,
  isAbsolutePath,
  labelPathFor,
  relativeTo,
  resolvePath,
  stemOf,
} from '../../../../src-main/core/datasets/dataset-paths'

describe('dataset paths', () => {
  it('resolves relative paths against a folder and normalizes', () => {
    expect(resolvePath('/data/coco', '.')).toBe('/data/coco')
    expect(resolvePath('/data/coco', '../datasets/coco128')).toBe('/data/datasets/coco128')
    expect(resolvePath('/data/coco/', './images//val2017/')).toBe('/data/coco/images/val2017')
    expect(resolvePath('/data/coco', '/abs/x')).toBe('/abs/x')
    expect(resolvePath('/', '../../x')).toBe('/x')
  })

  it('understands Windows roots, where \\ separates too', () => {
    expect(isAbsolutePath('C:\\data\\x.yaml')).toBe(true)
    expect(resolvePath('C:\\data\\coco', 'images\\val')).toBe('C:/data/coco/images/val')
    expect(resolvePath('C:\\data\\coco', '..\\other')).toBe('C:/data/other')
    expect(resolvePath('/data', 'D:\\x')).toBe('D:/x')
    expect(dirnameOf('C:\\data\\data.yaml')).toBe('C:/data')
  })

  it('splits names', () => {
    expect(dirnameOf('/a/b/c.jpg')).toBe('/a/b')
    expect(dirnameOf('/c.jpg')).toBe('/')
    expect(basenameOf('/a/b/c.JPG')).toBe('c.JPG')
    expect(extensionOf('/a/b/c.JPG')).toBe('jpg')
    expect(extensionOf('/a/.hidden')).toBe('')
    expect(stemOf('/a/000000000009.jpg')).toBe('000000000009')
    expect(relativeTo('/data', '/data/images/a.jpg')).toBe('images/a.jpg')
    expect(relativeTo('/data', '/other/a.jpg')).toBe('/other/a.jpg')
  })

  it("finds labels by Ultralytics' rule: the last /images/ becomes /labels/, the extension .txt", () => {
    expect(labelPathFor('/d/images/train2017/000000000009.jpg')).toBe('/d/labels/train2017/000000000009.txt')
    expect(labelPathFor('/images/d/images/a.b.png')).toBe('/images/d/labels/a.b.txt')
    expect(labelPathFor('/d/pics/a.jpg')).toBe('/d/pics/a.txt')
    expect(labelPathFor('/d/my.images/x/a.jpeg')).toBe('/d/my.images/x/a.txt')
  })
})
