import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  formatGiga,
  formatInteger,
  formatMega,
  formatPercent,
} from '../../../../src-renderer/src/format/numbers'
import { formatDim, formatShape } from '../../../../src-renderer/src/format/shape'
import { formatTimestamp } from '../../../../src-renderer/src/format/dates'

describe('numbers', () => {
  it('groups integers with commas whatever the locale', () => {
    expect(formatInteger(904_481)).toBe('904,481')
    expect(formatInteger(522_553_408)).toBe('522,553,408')
    expect(formatInteger(0)).toBe('0')
  })

  it('gives three significant digits in G and M', () => {
    expect(formatGiga(522_553_408)).toBe('0.523')
    expect(formatGiga(8_700_000_000)).toBe('8.70')
    expect(formatGiga(1_234_567_000_000)).toBe('1,235')
    expect(formatGiga(0)).toBe('0')
    expect(formatMega(904_481)).toBe('0.904')
    expect(formatMega(941_863)).toBe('0.942')
  })

  it('gives byte sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(3_678_356)).toBe('3.51 MiB')
    expect(formatBytes(150 * 1024 * 1024)).toBe('150 MiB')
  })

  it('keeps tiny shares visible instead of rounding them to 0%', () => {
    expect(formatPercent(0.4137)).toBe('41.4%')
    expect(formatPercent(0.0003)).toBe('0.03%')
    expect(formatPercent(0)).toBe('0%')
  })
})

describe('shapes', () => {
  it('shows fixed dims as numbers, symbolic dims by name and unknown dims as ?', () => {
    expect(formatShape([1, 3, 416, 416])).toBe('[1, 3, 416, 416]')
    expect(formatShape(['batch', 3, 'height', 'width'])).toBe('[batch, 3, height, width]')
    expect(formatShape([null, 85])).toBe('[?, 85]')
    expect(formatShape([])).toBe('[]')
    expect(formatShape(null)).toBe('unknown')
    expect(formatDim(0)).toBe('0')
  })
})

describe('timestamps', () => {
  it('formats an ISO instant as local YYYY-MM-DD HH:mm and leaves garbage as it is', () => {
    const iso = '2025-11-22T05:03:00.000Z'
    const d = new Date(iso)
    const pad = (n: number) => String(n).padStart(2, '0')
    expect(formatTimestamp(iso)).toBe(
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`,
    )
    expect(formatTimestamp('not a date')).toBe('not a date')
  })
})
