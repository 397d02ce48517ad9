/** How tensor shapes read: fixed sizes as numbers, symbolic dims by their names, unknown dims as `?`. */
import type { Dim } from '../../../src-main/shared/api'

export function formatDim(dim: Dim): string {
  if (dim === null) return '?'
  return typeof dim === 'number' ? String(dim) : dim
}

/** `[1, 3, 416, 416]`, `[batch, 3, 640, 640]`; a graph that declares no shape reads `unknown`. */
export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return 'unknown'
  return `[${shape.map(formatDim).join(', ')}]`
}
