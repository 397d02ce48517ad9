/**
 * The three checksums a HEF container header may carry: XXH3-64 (header versions 2 and 3), CRC-32
 * (version 1) and MD5 (version 0). All are synchronous and pure, because the model readers are.
 *
 * XXH3-64 is written here: no maintained pure-JS or WASM package offers it synchronously (xxhash-wasm
 * has XXH32/XXH64 only, hash-wasm's API is async, js-xxhash is XXH32 only). It follows the xxHash
 * specification (seed 0, the default 192-byte secret) and is checked in tests against vectors produced
 * by libxxhash 0.8.1 for every length class (0, 1–3, 4–8, 9–16, 17–128, 129–240 and long inputs).
 * MD5 comes from @noble/hashes (audited, pure JS). CRC-32 is the zlib/IEEE one (reflected polynomial
 * 0xEDB88320); HailoRT's sources do not name the variant, see docs/hailo-formats.md section 8.
 */
import { md5 } from '@noble/hashes/legacy.js'

const TWO32 = 4294967296

/** The default XXH3 secret (kSecret), 192 bytes. */
const SECRET = new Uint8Array([
  0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c, 0xde, 0xd4,
  0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f, 0xcb, 0x79, 0xe6, 0x4e,
  0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21, 0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43,
  0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c, 0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb,
  0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3, 0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19,
  0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8, 0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7,
  0xc7, 0x0b, 0x4f, 0x1d, 0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78,
  0x73, 0x64, 0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
  0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e, 0x2b, 0x16,
  0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce, 0x45, 0xcb, 0x3a, 0x8f,
  0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
])
const SECRET_VIEW = new DataView(SECRET.buffer)

const MASK64 = (1n << 64n) - 1n
const PRIME32_1 = 0x9e3779b1
const PRIME32_2 = 0x85ebca77
const PRIME32_3 = 0xc2b2ae3d
const PRIME64_1 = 0x9e3779b185ebca87n
const PRIME64_2 = 0xc2b2ae3d27d4eb4fn
const PRIME64_3 = 0x165667b19e3779f9n
const PRIME64_4 = 0x85ebca77c2b2ae63n
const PRIME64_5 = 0x27d4eb2f165667c5n
const PRIME_MX1 = 0x165667919e3779f9n
const PRIME_MX2 = 0x9fb21c651e98df25n

const STRIPE_LEN = 64
const SECRET_CONSUME_RATE = 8
const STRIPES_PER_BLOCK = (SECRET.length - STRIPE_LEN) / SECRET_CONSUME_RATE
const BLOCK_LEN = STRIPE_LEN * STRIPES_PER_BLOCK
const SECRET_LASTACC_START = 7
const SECRET_MERGEACCS_START = 11
const MIDSIZE_LASTOFFSET = 17
const SECRET_SIZE_MIN = 136

// ---------------------------------------------------------------------------------------------------
// Short inputs (at most 240 bytes) are hashed once per call: BigInt keeps them readable.

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function read64(v: DataView, at: number): bigint {
  return v.getBigUint64(at, true)
}

function secret64(at: number): bigint {
  return SECRET_VIEW.getBigUint64(at, true)
}

function mul128Fold64(a: bigint, b: bigint): bigint {
  const product = a * b
  return (product & MASK64) ^ (product >> 64n)
}

function rotl64(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK64
}

function xxh64Avalanche(h: bigint): bigint {
  h ^= h >> 33n
  h = (h * PRIME64_2) & MASK64
  h ^= h >> 29n
  h = (h * PRIME64_3) & MASK64
  return h ^ (h >> 32n)
}

function xxh3Avalanche(h: bigint): bigint {
  h ^= h >> 37n
  h = (h * PRIME_MX1) & MASK64
  return h ^ (h >> 32n)
}

function rrmxmx(h: bigint, len: number): bigint {
  h ^= rotl64(h, 49n) ^ rotl64(h, 24n)
  h = (h * PRIME_MX2) & MASK64
  h ^= (h >> 35n) + BigInt(len)
  h = (h * PRIME_MX2) & MASK64
  return h ^ (h >> 28n)
}

function swap64(x: bigint): bigint {
  let out = 0n
  for (let i = 0n; i < 8n; i++) out = (out << 8n) | ((x >> (8n * i)) & 0xffn)
  return out
}

function mix16B(v: DataView, at: number, secretAt: number): bigint {
  return mul128Fold64(read64(v, at) ^ secret64(secretAt), read64(v, at + 8) ^ secret64(secretAt + 8))
}

function len0to16(v: DataView, len: number): bigint {
  if (len > 8) {
    const lo = read64(v, 0) ^ (secret64(24) ^ secret64(32))
    const hi = read64(v, len - 8) ^ (secret64(40) ^ secret64(48))
    const acc = (BigInt(len) + swap64(lo) + hi + mul128Fold64(lo, hi)) & MASK64
    return xxh3Avalanche(acc)
  }
  if (len >= 4) {
    const in1 = BigInt(v.getUint32(0, true))
    const in2 = BigInt(v.getUint32(len - 4, true))
    const keyed = (in2 + (in1 << 32n)) ^ (secret64(8) ^ secret64(16))
    return rrmxmx(keyed, len)
  }
  if (len > 0) {
    const c1 = v.getUint8(0)
    const c2 = v.getUint8(len >> 1)
    const c3 = v.getUint8(len - 1)
    const combined = ((c1 << 16) | (c2 << 24) | c3 | (len << 8)) >>> 0
    const bitflip = (SECRET_VIEW.getUint32(0, true) ^ SECRET_VIEW.getUint32(4, true)) >>> 0
    return xxh64Avalanche(BigInt((combined ^ bitflip) >>> 0))
  }
  return xxh64Avalanche(secret64(56) ^ secret64(64))
}

function len17to128(v: DataView, len: number): bigint {
  let acc = (BigInt(len) * PRIME64_1) & MASK64
  if (len > 32) {
    if (len > 64) {
      if (len > 96) {
        acc += mix16B(v, 48, 96) + mix16B(v, len - 64, 112)
      }
      acc += mix16B(v, 32, 64) + mix16B(v, len - 48, 80)
    }
    acc += mix16B(v, 16, 32) + mix16B(v, len - 32, 48)
  }
  acc += mix16B(v, 0, 0) + mix16B(v, len - 16, 16)
  return xxh3Avalanche(acc & MASK64)
}

function len129to240(v: DataView, len: number): bigint {
  let acc = (BigInt(len) * PRIME64_1) & MASK64
  const rounds = Math.floor(len / 16)
  for (let i = 0; i < 8; i++) acc += mix16B(v, 16 * i, 16 * i)
  acc = xxh3Avalanche(acc & MASK64)
  for (let i = 8; i < rounds; i++) acc += mix16B(v, 16 * i, 16 * (i - 8) + 3)
  acc += mix16B(v, len - 16, SECRET_SIZE_MIN - MIDSIZE_LASTOFFSET)
  return xxh3Avalanche(acc & MASK64)
}

// ---------------------------------------------------------------------------------------------------
// Long inputs: the stripe loop runs once per 8 input bytes, so it works on 32-bit halves (hi, lo)
// held in two Uint32Arrays instead of BigInt.

/** Adds the 64-bit product of two unsigned 32-bit numbers into lane `i`. */
function addProduct32(hi: Uint32Array, lo: Uint32Array, i: number, a: number, b: number): void {
  const aLo = a & 0xffff
  const aHi = a >>> 16
  const bLo = b & 0xffff
  const bHi = b >>> 16
  const ll = aLo * bLo
  const mid = aHi * bLo + aLo * bHi + (ll >>> 16)
  const pHi = aHi * bHi + Math.floor(mid / 65536)
  const pLo = Math.imul(a, b) >>> 0
  const sumLo = (lo[i] as number) + pLo
  lo[i] = sumLo >>> 0
  hi[i] = ((hi[i] as number) + pHi + (sumLo >= TWO32 ? 1 : 0)) >>> 0
}

function accumulate512(
  hi: Uint32Array,
  lo: Uint32Array,
  input: DataView,
  at: number,
  secretAt: number,
): void {
  for (let i = 0; i < 8; i++) {
    const dLo = input.getUint32(at + 8 * i, true)
    const dHi = input.getUint32(at + 8 * i + 4, true)
    const kLo = (dLo ^ SECRET_VIEW.getUint32(secretAt + 8 * i, true)) >>> 0
    const kHi = (dHi ^ SECRET_VIEW.getUint32(secretAt + 8 * i + 4, true)) >>> 0
    const j = i ^ 1
    const sumLo = (lo[j] as number) + dLo
    lo[j] = sumLo >>> 0
    hi[j] = ((hi[j] as number) + dHi + (sumLo >= TWO32 ? 1 : 0)) >>> 0
    addProduct32(hi, lo, i, kLo, kHi)
  }
}

function scramble(hi: Uint32Array, lo: Uint32Array): void {
  const secretAt = SECRET.length - STRIPE_LEN
  for (let i = 0; i < 8; i++) {
    // acc ^= acc >> 47; acc ^= key; acc *= PRIME32_1 (mod 2^64)
    const h = hi[i] as number
    let l = ((lo[i] as number) ^ (h >>> 15)) >>> 0
    let hh = h
    l = (l ^ SECRET_VIEW.getUint32(secretAt + 8 * i, true)) >>> 0
    hh = (hh ^ SECRET_VIEW.getUint32(secretAt + 8 * i + 4, true)) >>> 0
    // (hh·2^32 + l)·p mod 2^64 = l·p + ((hh·p) mod 2^32)·2^32
    hi[i] = Math.imul(hh, PRIME32_1) >>> 0
    lo[i] = 0
    addProduct32(hi, lo, i, l, PRIME32_1)
  }
}

function hashLong(input: DataView, len: number): bigint {
  const init = [PRIME32_3, PRIME64_1, PRIME64_2, PRIME64_3, PRIME64_4, PRIME32_2, PRIME64_5, PRIME32_1]
  const hi = new Uint32Array(8)
  const lo = new Uint32Array(8)
  init.forEach((p, i) => {
    const big = BigInt(p)
    hi[i] = Number(big >> 32n)
    lo[i] = Number(big & 0xffffffffn)
  })
  const blocks = Math.floor((len - 1) / BLOCK_LEN)
  for (let n = 0; n < blocks; n++) {
    for (let s = 0; s < STRIPES_PER_BLOCK; s++) {
      accumulate512(hi, lo, input, n * BLOCK_LEN + s * STRIPE_LEN, s * SECRET_CONSUME_RATE)
    }
    scramble(hi, lo)
  }
  const stripes = Math.floor((len - 1 - BLOCK_LEN * blocks) / STRIPE_LEN)
  for (let s = 0; s < stripes; s++) {
    accumulate512(hi, lo, input, blocks * BLOCK_LEN + s * STRIPE_LEN, s * SECRET_CONSUME_RATE)
  }
  accumulate512(hi, lo, input, len - STRIPE_LEN, SECRET.length - STRIPE_LEN - SECRET_LASTACC_START)
  const acc = Array.from({ length: 8 }, (_, i) => (BigInt(hi[i] as number) << 32n) | BigInt(lo[i] as number))
  let result = (BigInt(len) * PRIME64_1) & MASK64
  for (let i = 0; i < 4; i++) {
    const at = SECRET_MERGEACCS_START + 16 * i
    result += mul128Fold64(
      (acc[2 * i] as bigint) ^ secret64(at),
      (acc[2 * i + 1] as bigint) ^ secret64(at + 8),
    )
  }
  return xxh3Avalanche(result & MASK64)
}

/** XXH3-64 with seed 0 and the default secret, as a bigint in [0, 2^64). */
export function xxh3_64(bytes: Uint8Array): bigint {
  const v = view(bytes)
  const len = bytes.byteLength
  if (len <= 16) return len0to16(v, len)
  if (len <= 128) return len17to128(v, len)
  if (len <= 240) return len129to240(v, len)
  return hashLong(v, len)
}

// ---------------------------------------------------------------------------------------------------

let crcTable: Uint32Array | undefined

function crc32Table(): Uint32Array {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  return crcTable
}

/** CRC-32 as zlib computes it (IEEE 802.3, reflected, init and final XOR 0xFFFFFFFF). */
export function crc32(bytes: Uint8Array): number {
  const table = crc32Table()
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) {
    c = (table[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8)
  }
  return (c ^ 0xffffffff) >>> 0
}

/** MD5 digest, 16 bytes. */
export function md5Digest(bytes: Uint8Array): Uint8Array {
  return md5(bytes)
}

/** Lower-case hex of a byte string. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}

/** A 64-bit value as 16 hex digits; a 32-bit one as 8. */
export function hex64(value: bigint): string {
  return value.toString(16).padStart(16, '0')
}

export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0')
}
