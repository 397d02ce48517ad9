/** `?ids=3,1,2` (or repeated `ids`) → [3, 1, 2]: positive integers, first occurrence kept, order kept. */
export function parseIds(raw: unknown): number[] {
  const parts = (Array.isArray(raw) ? raw : [raw])
    .filter((p): p is string => typeof p === 'string')
    .flatMap((p) => p.split(','))
  const out: number[] = []
  for (const part of parts) {
    const n = Number(part.trim())
    if (Number.isInteger(n) && n > 0 && !out.includes(n)) out.push(n)
  }
  return out
}
