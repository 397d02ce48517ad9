import { describe, expect, it } from 'vitest'
import {
  constantFields,
  diffRecords,
  flatten,
  formatValue,
  valueKey,
} from '../../../../src-renderer/src/compare/diff'
import { parseIds } from '../../../../src-renderer/src/compare/ids'

describe('flatten', () => {
  it('turns nested objects into dotted keys and keeps arrays whole', () => {
    expect(flatten({ nms: { iou: 0.7, classAware: true }, size: [640, 640], empty: {} })).toEqual({
      'nms.iou': 0.7,
      'nms.classAware': true,
      size: [640, 640],
      empty: {},
    })
  })
})

describe('valueKey', () => {
  it('gives equal text to objects that differ only in key order', () => {
    expect(valueKey({ a: 1, b: 2 })).toBe(valueKey({ b: 2, a: 1 }))
    expect(valueKey(undefined)).not.toBe(valueKey(null))
  })
})

describe('diffRecords', () => {
  const a = { nms: { iou: 0.7, conf: 0.001 }, preprocess: { size: 640 } }
  const b = { nms: { iou: 0.6, conf: 0.001 }, preprocess: { size: 640 }, source: 'imported' }

  it('lists every key, sorted, and marks the ones that differ', () => {
    expect(diffRecords([a, b])).toEqual([
      { key: 'nms.conf', values: [0.001, 0.001], differs: false },
      { key: 'nms.iou', values: [0.7, 0.6], differs: true },
      { key: 'preprocess.size', values: [640, 640], differs: false },
      { key: 'source', values: [undefined, 'imported'], differs: true },
    ])
  })

  it('keeps only differences when asked, and nothing for equal records', () => {
    expect(diffRecords([a, b], { differencesOnly: true }).map((r) => r.key)).toEqual(['nms.iou', 'source'])
    expect(diffRecords([a, structuredClone(a)], { differencesOnly: true })).toEqual([])
  })

  it('compares three records against each other, not only the first two', () => {
    const rows = diffRecords([{ x: 1 }, { x: 1 }, { x: 2 }], { differencesOnly: true })
    expect(rows).toEqual([{ key: 'x', values: [1, 1, 2], differs: true }])
  })
})

describe('constantFields', () => {
  it('names the fields equal across all rows (what "differences only" hides)', () => {
    const rows = [
      { stage: 'original', backend: 'ort', level: null },
      { stage: 'quantized', backend: 'ort', level: null },
    ]
    expect(constantFields(rows, ['stage', 'backend', 'level'])).toEqual(['backend', 'level'])
    expect(constantFields([], ['stage'])).toEqual([])
  })
})

describe('formatValue', () => {
  it('reads missing values as a dash and rounds long floats', () => {
    expect(formatValue(undefined)).toBe('—')
    expect(formatValue(0.1 + 0.2)).toBe('0.3')
    expect(formatValue({ b: 1, a: [1] })).toBe('{"a":[1],"b":1}')
  })
})

describe('parseIds', () => {
  it('reads ?ids=3,1,2 in order, dropping junk and repeats', () => {
    expect(parseIds('3,1,2')).toEqual([3, 1, 2])
    expect(parseIds(['4', '5,4', 'x', '-1', '0', '1.5'])).toEqual([4, 5])
    expect(parseIds(undefined)).toEqual([])
  })
})
