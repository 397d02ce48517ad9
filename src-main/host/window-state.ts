/**
 * The desktop window's remembered position and size. Pure: the Electron shell reads and writes the JSON
 * file and passes the displays' work areas in, so a window saved on a monitor that is gone reopens on
 * a visible one.
 */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  bounds: Rect
  maximized: boolean
}

export const DEFAULT_WINDOW: WindowState = {
  bounds: { x: 0, y: 0, width: 1400, height: 900 },
  maximized: false,
}
const MIN = { width: 800, height: 560 }

function isRect(v: unknown): v is Rect {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Record<string, unknown>
  return ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]))
}

/** Parse a saved state; anything malformed gives the default (never throws: a bad file must not block startup). */
export function parseWindowState(json: string | undefined): WindowState | undefined {
  if (!json) return undefined
  try {
    const v = JSON.parse(json) as { bounds?: unknown; maximized?: unknown }
    if (!isRect(v.bounds)) return undefined
    return { bounds: v.bounds, maximized: v.maximized === true }
  } catch {
    return undefined
  }
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

/**
 * The bounds to open with: the saved ones when at least a quarter of the window (or of the display, for a
 * window larger than it) is on some display,
 * clamped to that display; otherwise the default size centered on the first display.
 */
export function restoreBounds(saved: WindowState | undefined, workAreas: Rect[]): WindowState {
  const primary = workAreas[0] ?? DEFAULT_WINDOW.bounds
  const centered = (): Rect => {
    const width = Math.min(DEFAULT_WINDOW.bounds.width, primary.width)
    const height = Math.min(DEFAULT_WINDOW.bounds.height, primary.height)
    return {
      x: primary.x + Math.round((primary.width - width) / 2),
      y: primary.y + Math.round((primary.height - height) / 2),
      width,
      height,
    }
  }
  if (!saved) return { bounds: centered(), maximized: false }
  const b = saved.bounds
  const best = workAreas
    .map((area) => ({ area, shared: overlap(b, area) }))
    .sort((p, q) => q.shared - p.shared)[0]
  const visibleEnough = (area: Rect, shared: number): boolean =>
    shared >= Math.min(b.width * b.height, area.width * area.height) / 4
  if (!best || !visibleEnough(best.area, best.shared))
    return { bounds: centered(), maximized: saved.maximized }
  const area = best.area
  const width = Math.max(MIN.width, Math.min(b.width, area.width))
  const height = Math.max(MIN.height, Math.min(b.height, area.height))
  return {
    bounds: {
      width,
      height,
      x: Math.min(Math.max(b.x, area.x), area.x + area.width - width),
      y: Math.min(Math.max(b.y, area.y), area.y + area.height - height),
    },
    maximized: saved.maximized,
  }
}
