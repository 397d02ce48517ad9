/** A decoded picture as core sees it: 8-bit RGB, rows top to bottom, pixels interleaved (HWC). */
export interface RgbImage {
  width: number
  height: number
  /** width · height · 3 bytes: R, G, B of pixel (x, y) at (y · width + x) · 3. */
  data: Uint8Array
}
