import { describe, expect, it } from 'vitest'
import { DEFAULT_WINDOW, parseWindowState, restoreBounds } from '../../../src-main/host/window-state'

const screen = { x: 0, y: 0, width: 1920, height: 1080 }
const second = { x: 1920, y: 0, width: 1280, height: 1024 }

describe('window state', () => {
  it('ignores malformed saved state', () => {
    expect(parseWindowState(undefined)).toBeUndefined()
    expect(parseWindowState('{not json')).toBeUndefined()
    expect(parseWindowState('{"bounds":{"x":"1"}}')).toBeUndefined()
    expect(parseWindowState('{"bounds":{"x":1,"y":2,"width":900,"height":700},"maximized":true}')).toEqual({
      bounds: { x: 1, y: 2, width: 900, height: 700 },
      maximized: true,
    })
  })

  it('centers the default size when nothing was saved', () => {
    const { bounds } = restoreBounds(undefined, [screen])
    expect(bounds).toEqual({
      x: 260,
      y: 90,
      width: DEFAULT_WINDOW.bounds.width,
      height: DEFAULT_WINDOW.bounds.height,
    })
  })

  it('keeps a window saved on a display that still exists', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 1000, height: 800 }, maximized: false }
    expect(restoreBounds(saved, [screen, second]).bounds).toEqual(saved.bounds)
  })

  it('moves a window saved on a display that is gone back onto the first one', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 1000, height: 800 }, maximized: true }
    const restored = restoreBounds(saved, [screen])
    expect(restored.maximized).toBe(true)
    expect(restored.bounds.x + restored.bounds.width).toBeLessThanOrEqual(1920)
  })

  it('clamps a window larger than its display', () => {
    const saved = { bounds: { x: -10, y: -10, width: 5000, height: 3000 }, maximized: false }
    expect(restoreBounds(saved, [screen]).bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1080 })
  })
})
