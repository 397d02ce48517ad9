/**
 * The HEF checksums against reference values: XXH3-64 vectors produced by libxxhash 0.8.1 over the
 * xxHash sanity buffer (one length per code path), CRC-32 and MD5 check values from their standards.
 */
import { describe, expect, it } from 'vitest'
import { crc32, hex32, hex64, md5Digest, toHex, xxh3_64 } from '../../../../src-main/core/hailo/checksum'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'

/** xxHash's sanity buffer: byte i is the top byte of PRIME32 · PRIME64^i (mod 2^64). */
function sanityBuffer(length: number): Uint8Array {
  const buf = new Uint8Array(length)
  let gen = 2654435761n
  for (let i = 0; i < length; i++) {
    buf[i] = Number((gen >> 56n) & 0xffn)
    gen = (gen * 11400714785074694797n) & ((1n << 64n) - 1n)
  }
  return buf
}

// XXH3_64bits(sanityBuffer[0..len)) from libxxhash 0.8.1 (seed 0), via ctypes.
const XXH3_VECTORS: Array<[number, string]> = [
  [0, '2d06800538d394c2'],
  [1, 'c44bdff4074eecdb'],
  [2, '7a9978044cb8a8bb'],
  [3, '54247382a8d6b94d'],
  [4, 'e5dc74bc51848a51'],
  [5, 'e4243f00720306bb'],
  [8, '24ccc9acaa9f65e4'],
  [9, '14d5001c15dd3f2b'],
  [12, 'a713daf0dfbb77e7'],
  [16, '981b17d36c7498c9'],
  [17, '796f5acd3a60f862'],
  [31, '5d516692ca764c50'],
  [32, '9feaddbdbf57eed3'],
  [33, 'abfb2d081b400a10'],
  [48, '397da259ecba1f11'],
  [64, '9cb48487720ec49d'],
  [65, 'fd81aac4bebc3883'],
  [96, '935a769a7f94776f'],
  [97, 'ca4ca268fd3c3a6c'],
  [127, '2408ed71323d6096'],
  [128, 'fcff24126754d861'],
  [129, '98f1b0a679a2ca29'],
  [130, '7f6c531cf53eeb30'],
  [160, '9d03a319ed4cbd2b'],
  [200, 'bddca58935d7c038'],
  [239, '16ce2b9d3b28805d'],
  [240, '81c3c2b67f568ccf'],
  [241, 'c5a639ecd2030e5e'],
  [255, 'e98f979f4ed8a197'],
  [256, '55de574ad89d0ac5'],
  [1023, '87a8f7b2f2e22496'],
  [1024, 'dd85c9b5c1109c5c'],
  [1025, 'd870c0fa13211c6a'],
  [1088, 'cc1450ea6b52a8f4'],
  [2047, 'b36ece19fca2197f'],
  [2048, 'dd59e2c3a5f038e0'],
  [2240, '6e73a90539cf2948'],
  [2241, 'e800eca585fe92d9'],
  [4200, '65955451a0bd1810'],
]

describe('xxh3_64', () => {
  const buffer = sanityBuffer(4200)
  it.each(XXH3_VECTORS)('length %i matches libxxhash', (len, expected) => {
    expect(hex64(xxh3_64(buffer.subarray(0, len)))).toBe(expected)
  })

  it('reads views at any byte offset (HEF sections are subarrays)', () => {
    const shifted = new Uint8Array(4203)
    shifted.set(buffer, 3)
    expect(hex64(xxh3_64(shifted.subarray(3, 3 + 2048)))).toBe('dd59e2c3a5f038e0')
  })

  it('gives the sample HEF body and proto hashes (docs/hailo-formats.md 2.1)', () => {
    const hef = readBytes(sharedFixture('hailo', 'yolov8n.hef'))
    expect(hex64(xxh3_64(hef.subarray(44)))).toBe('7f048e5a53496001')
    expect(hex64(xxh3_64(hef.subarray(44, 44 + 1_074_368)))).toBe('76c4b578c2a8118a')
  })
})

describe('crc32', () => {
  it('is the zlib/IEEE CRC-32 (check value of "123456789" is cbf43926)', () => {
    expect(hex32(crc32(new TextEncoder().encode('123456789')))).toBe('cbf43926')
    expect(hex32(crc32(new Uint8Array(0)))).toBe('00000000')
    expect(hex32(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog')))).toBe(
      '414fa339',
    )
  })
})

describe('md5', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ])('RFC 1321 vector %j', (text, expected) => {
    expect(toHex(md5Digest(new TextEncoder().encode(text)))).toBe(expected)
  })
})
