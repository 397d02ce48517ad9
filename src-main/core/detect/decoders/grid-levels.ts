/**
 * The grid levels of a detection head: one per stride, ceil(input / stride) cells along each side (a
 * stride-2 3×3 convolution with padding 1 rounds up), flattened row-major (y, then x) and concatenated in
 * ascending stride order, as YOLOX, NanoDet and Ultralytics lay out their anchor points.
 */
import type { DecodeContext } from '../detection-types'

export const DEFAULT_STRIDES: readonly number[] = [8, 16, 32]
/** Four-level heads: YOLOv5/YOLOv8 P6 models, NanoDet-Plus. */
export const P6_STRIDES: readonly number[] = [8, 16, 32, 64]

export interface GridLevel {
  stride: number
  width: number
  height: number
  /** Index of this level's first cell in the concatenated rows. */
  start: number
}

export function gridLevels(
  ctx: Pick<DecodeContext, 'inputWidth' | 'inputHeight'>,
  strides: readonly number[],
): GridLevel[] {
  const levels: GridLevel[] = []
  let start = 0
  for (const stride of strides) {
    const width = Math.ceil(ctx.inputWidth / stride)
    const height = Math.ceil(ctx.inputHeight / stride)
    levels.push({ stride, width, height, start })
    start += width * height
  }
  return levels
}

/** Total cells over the levels (YOLOX's N, Ultralytics' anchor count). */
export function cellCount(levels: readonly GridLevel[]): number {
  return levels.reduce((n, l) => n + l.width * l.height, 0)
}

/** Cell counts the usual stride sets give for this input: 3549 (8/16/32) and 3718 (8/16/32/64) at 416². */
export function anchorFreeCounts(
  ctx: Pick<DecodeContext, 'inputWidth' | 'inputHeight' | 'strides'>,
): number[] {
  const sets = ctx.strides ? [ctx.strides] : [DEFAULT_STRIDES, P6_STRIDES]
  return sets.map((s) => cellCount(gridLevels(ctx, s)))
}

export function stridesText(strides: readonly number[]): string {
  return strides.join('/')
}

/** The stride of a grid `cells` long over `input` pixels: input / cells to the nearest power of two (grids are ceil-sized). */
export function strideOf(input: number, cells: number): number {
  return 2 ** Math.round(Math.log2(input / cells))
}
