import { describe, expect, it } from 'vitest'
import { findJsonError, parseJsonText } from '../../../../src-main/core/datasets/json-text'

describe('findJsonError', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]} ', '"s"', '0']) {
      expect(findJsonError(text)).toBeNull()
    }
  })

  it('finds the position V8 reports when V8 reports one', () => {
    for (const text of ['{"a":1,}', '{"a":\n  1 2}', '{"a": "x', '[1, 2', '{"a" 1}']) {
      let v8: number | null = null
      try {
        JSON.parse(text)
      } catch (error) {
        const m = /position (\d+)/.exec((error as Error).message)
        v8 = m ? Number(m[1]) : null
      }
      const found = findJsonError(text)
      expect(found).not.toBeNull()
      if (v8 !== null) expect(found?.position).toBe(v8)
    }
  })

  it('explains what it found', () => {
    expect(findJsonError('[1,,2]')).toEqual({ position: 3, reason: 'unexpected ","' })
    expect(findJsonError('{"a": NaN}')).toEqual({ position: 6, reason: 'unexpected "N"' })
    expect(findJsonError('{} x')?.reason).toBe('unexpected "x" after the end of the JSON value')
  })
})

describe('parseJsonText', () => {
  it('strips a byte-order mark', () => {
    expect(parseJsonText('\uFEFF{"a": 1}', 'f.json')).toEqual({ a: 1 })
  })

  it('names file, line, column and the text nearby', () => {
    expect(() => parseJsonText('[\n  1,\n  2 3\n]', 'f.json')).toThrow(
      /"f\.json" is not valid JSON: expected ',' or '\]', found "3" at line 3 column 5 \(character 11\), near /,
    )
  })
})
