import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  FIRST_HEAD_BYTES,
  jpegBytesNeeded,
  probeImageSize,
} from '../../../../src-main/core/datasets/image-header'
import { DatasetError } from '../../../../src-main/core/errors'
import { nodeDatasetHost } from '../../../../src-main/services/files/dataset-files'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'
import { jpegWithHeaders, pngBytes } from '../../../helpers/images'
import { tempDir } from '../../../helpers/temp'

const host = nodeDatasetHost()
const coco9 = sharedFixture('coco128', 'images', 'train2017', '000000000009.jpg') // 640×480

describe('probeImageSize', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())
  const write = (name: string, bytes: Uint8Array): string => {
    const path = join(temp.dir, name)
    writeFileSync(path, bytes)
    return path
  }

  it('reads a real JPEG from its first bytes', async () => {
    const header = await probeImageSize(host, coco9)
    expect(header).toEqual({ width: 640, height: 480, type: 'jpg', bytesRead: FIRST_HEAD_BYTES })
  })

  it('reads a PNG', async () => {
    expect(await probeImageSize(host, write('a.png', pngBytes(37, 21)))).toMatchObject({
      width: 37,
      height: 21,
      type: 'png',
    })
  })

  it('reaches a frame header behind 200 KB of APP segments, reading only up to it', async () => {
    const original = readBytes(coco9)
    const path = write('padded.jpg', jpegWithHeaders(original, { paddingBytes: 200_000 }))
    const header = await probeImageSize(host, path)
    expect(header).toMatchObject({ width: 640, height: 480 })
    expect(header.bytesRead).toBeGreaterThan(200_000)
    expect(header.bytesRead).toBeLessThan(200_000 + 2 * FIRST_HEAD_BYTES + 1024)
  })

  it('swaps width and height for EXIF orientations 5 to 8, not for 1 to 4', async () => {
    const original = readBytes(coco9)
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const path = write(
        `o${orientation}.jpg`,
        jpegWithHeaders(original, { orientation, paddingBytes: 70_000 }),
      )
      const header = await probeImageSize(host, path)
      const turned = orientation >= 5
      expect(header, `orientation ${orientation}`).toMatchObject({
        width: turned ? 480 : 640,
        height: turned ? 640 : 480,
        orientation,
      })
    }
  })

  it('fails with the path when the header is cut off or the file is no image', async () => {
    const cut = write('cut.jpg', readBytes(coco9).subarray(0, 100))
    await expect(probeImageSize(host, cut)).rejects.toThrow(DatasetError)
    await expect(probeImageSize(host, cut)).rejects.toThrow(
      /cannot read the image size of ".*cut\.jpg" from its header/,
    )
    const text = write('text.jpg', new TextEncoder().encode('not an image at all'))
    await expect(probeImageSize(host, text)).rejects.toThrow(/the file is damaged or not an image/)
  })
})

describe('jpegBytesNeeded', () => {
  it('asks for the next segment header until the frame header is in', () => {
    const jpeg = jpegWithHeaders(readBytes(coco9), { paddingBytes: 100_000 })
    expect(jpegBytesNeeded(jpeg.subarray(0, 1000))).toBe(2 + 60_004 + 4)
    expect(jpegBytesNeeded(jpeg)).toBe(0)
  })
})
