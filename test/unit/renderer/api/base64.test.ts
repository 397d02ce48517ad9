import { describe, expect, it } from 'vitest'
import { bytesToBase64, bytesToBase64Chunked } from '../../../../src-renderer/src/api/base64'

function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe('bytesToBase64', () => {
  it('matches Node’s encoder for every length around the chunk boundary (padding only at the end)', () => {
    for (const length of [0, 1, 2, 3, 4, 24_575, 24_576, 24_577, 49_151, 49_152, 49_153, 100_000]) {
      const bytes = pseudoRandomBytes(length, length + 1)
      expect(bytesToBase64Chunked(bytes), `length ${length}`).toBe(Buffer.from(bytes).toString('base64'))
      expect(bytesToBase64(bytes), `length ${length}`).toBe(Buffer.from(bytes).toString('base64'))
    }
  })

  it('encodes a subarray view, not the whole underlying buffer', () => {
    const whole = pseudoRandomBytes(1000)
    const view = whole.subarray(100, 200)
    expect(bytesToBase64Chunked(view)).toBe(Buffer.from(view).toString('base64'))
  })

  it('encodes 100 MB without overflowing the stack', () => {
    const bytes = pseudoRandomBytes(100 * 1024 * 1024, 7)
    const encoded = bytesToBase64Chunked(bytes)
    // Compared whole, not with toBe (whose diff of a 140 MB string would be unreadable).
    expect(encoded === Buffer.from(bytes).toString('base64')).toBe(true)
  }, 60_000)
})
