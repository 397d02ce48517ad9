/** Per-run payloads (predictions, image outcomes, curves) as gzip-compressed JSON with the hash of the JSON. */
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { StoreError } from '../../core/errors'

export interface EncodedArtifact {
  sha256: string
  itemCount: number
  rawBytes: number
  data: Buffer
}

export function encodeArtifact(items: readonly unknown[]): EncodedArtifact {
  const json = Buffer.from(JSON.stringify(items))
  return {
    sha256: createHash('sha256').update(json).digest('hex'),
    itemCount: items.length,
    rawBytes: json.byteLength,
    data: gzipSync(json, { level: 6 }),
  }
}

export function decodeArtifact<T>(data: Buffer, expectedSha256: string, what: string): T[] {
  let json: Buffer
  try {
    json = gunzipSync(data)
  } catch (error) {
    throw new StoreError(
      `the stored ${what} cannot be decompressed (${(error as Error).message}); the workspace may be damaged`,
    )
  }
  const sha = createHash('sha256').update(json).digest('hex')
  if (sha !== expectedSha256) {
    throw new StoreError(
      `the stored ${what} do not match their hash (${sha.slice(0, 12)} ≠ ${expectedSha256.slice(0, 12)}); the workspace may be damaged`,
    )
  }
  return JSON.parse(json.toString('utf8')) as T[]
}

/**
 * PR curves, read on every compare, are stored as float32 instead of gzip JSON (≈ 5× faster to read):
 * `[u32 header length][header JSON: [[categoryId, iou, points] …]][float32 values]`, little-endian.
 * Values were rounded to 6 decimals before storing; float32 keeps them to ±6e-8 for |v| ≤ 1, so rounding
 * again on read gives back the same numbers.
 */
export interface CurveRecord {
  categoryId: number
  iou: number
  precision: number[]
}

export function encodeCurves(curves: readonly CurveRecord[]): EncodedArtifact {
  const header = Buffer.from(JSON.stringify(curves.map((c) => [c.categoryId, c.iou, c.precision.length])))
  const points = curves.reduce((n, c) => n + c.precision.length, 0)
  const data = Buffer.alloc(4 + header.byteLength + points * 4)
  data.writeUInt32LE(header.byteLength, 0)
  header.copy(data, 4)
  let at = 4 + header.byteLength
  for (const c of curves) {
    for (const v of c.precision) {
      data.writeFloatLE(v, at)
      at += 4
    }
  }
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    itemCount: curves.length,
    rawBytes: data.byteLength,
    data,
  }
}

export function decodeCurves(data: Buffer, expectedSha256: string, what: string): CurveRecord[] {
  // Curves written before the binary layout are gzip JSON.
  if (data[0] === 0x1f && data[1] === 0x8b) return decodeArtifact<CurveRecord>(data, expectedSha256, what)
  const sha = createHash('sha256').update(data).digest('hex')
  if (sha !== expectedSha256) {
    throw new StoreError(`the stored ${what} do not match their hash; the workspace may be damaged`)
  }
  const headerLength = data.readUInt32LE(0)
  const index = JSON.parse(data.toString('utf8', 4, 4 + headerLength)) as [number, number, number][]
  const start = data.byteOffset + 4 + headerLength
  // An aligned copy, read as float32 (the layout is little-endian, as every platform Electron runs on).
  const values = new Float32Array(data.buffer.slice(start, data.byteOffset + data.byteLength))
  let at = 0
  return index.map(([categoryId, iou, length]) => {
    const precision = new Array<number>(length)
    for (let i = 0; i < length; i++) precision[i] = Math.round(values[at++]! * 1e6) / 1e6
    return { categoryId, iou, precision }
  })
}
