import { describe, expect, it } from 'vitest'
import { imageListSha256, selectCalibrationImages } from '../../../../src-main/core/quant/calibration-set'

const items = Array.from({ length: 20 }, (_, i) => `img${i}.jpg`)

describe('selectCalibrationImages', () => {
  it('first N, or a seeded sample that replays and differs by seed', () => {
    expect(selectCalibrationImages(items, 3, 'first')).toEqual(['img0.jpg', 'img1.jpg', 'img2.jpg'])
    const a = selectCalibrationImages(items, 8, 'seeded', 1)
    expect(selectCalibrationImages(items, 8, 'seeded', 1)).toEqual(a)
    expect(new Set(a).size).toBe(8)
    expect(selectCalibrationImages(items, 8, 'seeded', 2)).not.toEqual(a)
    expect(selectCalibrationImages(items, 50, 'seeded', 0).slice().sort()).toEqual(items.slice().sort())
  })

  it('refuses 0 images and an empty dataset', () => {
    expect(() => selectCalibrationImages(items, 0, 'first')).toThrow(/at least 1/)
    expect(() => selectCalibrationImages([], 4, 'first')).toThrow(/no images/)
  })

  it('hashes the list in order', async () => {
    const h = await imageListSha256(['a', 'b'])
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(await imageListSha256(['b', 'a'])).not.toBe(h)
  })
})
