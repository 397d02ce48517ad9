/**
 * Bytes to base64 for `models.openBytes`. A 100 MB model must not overflow the stack (no spreading of
 * the whole array into `String.fromCharCode`) nor stall on quadratic string building.
 */

/** A multiple of 3, so every chunk but the last encodes without padding and the pieces concatenate. */
const CHUNK_BYTES = 3 * 8192

export function bytesToBase64Chunked(bytes: Uint8Array): string {
  const parts: string[] = []
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    const chunk = bytes.subarray(offset, offset + CHUNK_BYTES)
    // 24,576 arguments: well under every engine's argument limit.
    parts.push(btoa(String.fromCharCode.apply(null, chunk as unknown as number[])))
  }
  return parts.join('')
}

/** Uses `Uint8Array.prototype.toBase64` where the engine has it (Chromium 140+), else the chunked encoder. */
export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64
  return typeof native === 'function' ? native.call(bytes) : bytesToBase64Chunked(bytes)
}
