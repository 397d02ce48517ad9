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
