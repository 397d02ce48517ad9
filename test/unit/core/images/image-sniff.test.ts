/** Picture signatures and missing end markers, on real coco128 bytes. */
import { describe, expect, it } from 'vitest'
import { looksTruncated, sniffPictureFormat } from '../../../../src-main/core/images/image-sniff'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'
import { tinyPng } from '../../../helpers/bad-files'

describe('image-sniff', () => {
  const jpeg = readBytes(sharedFixture('coco128', 'images', 'train2017', '000000000009.jpg'))

  it('names formats by signature, and nothing else', () => {
    expect(sniffPictureFormat(jpeg)).toBe('jpeg')
    expect(sniffPictureFormat(new Uint8Array(tinyPng))).toBe('png')
    expect(sniffPictureFormat(new TextEncoder().encode('RIFF\x10\0\0\0WEBPVP8 '))).toBe('webp')
    expect(sniffPictureFormat(new TextEncoder().encode('{"not": "a picture"}'))).toBeNull()
  })

  it('a JPEG or PNG cut anywhere misses its end marker', () => {
    expect(looksTruncated(jpeg, 'jpeg')).toBe(false)
    expect(looksTruncated(jpeg.subarray(0, jpeg.length - 1), 'jpeg')).toBe(true)
    expect(looksTruncated(jpeg.subarray(0, 5000), 'jpeg')).toBe(true)
    expect(looksTruncated(new Uint8Array(tinyPng), 'png')).toBe(false)
    expect(looksTruncated(new Uint8Array(tinyPng).subarray(0, 40), 'png')).toBe(true)
  })
})
