import { describe, expect, it } from 'vitest'
import {
  TOKEN_STORAGE_KEY,
  apiSocketUrl,
  hrefWithoutToken,
  resolveToken,
  type TokenStorage,
} from '../../../../src-renderer/src/api/serve-url'

function memoryStorage(
  initial: Record<string, string> = {},
): TokenStorage & { data: Record<string, string> } {
  const data = { ...initial }
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => {
      data[k] = v
    },
  }
}

describe('serve URL and token', () => {
  it('takes the token from the page URL and remembers it for a reload', () => {
    const storage = memoryStorage()
    expect(resolveToken('http://127.0.0.1:5123/?token=abc123#/models', storage)).toBe('abc123')
    expect(storage.data[TOKEN_STORAGE_KEY]).toBe('abc123')
    expect(resolveToken('http://127.0.0.1:5123/#/models', storage)).toBe('abc123')
  })

  it('has no token when neither the URL nor the storage has one, or storage throws', () => {
    expect(resolveToken('http://127.0.0.1:5123/', memoryStorage())).toBeNull()
    expect(resolveToken('http://127.0.0.1:5123/', null)).toBeNull()
    const throwing: TokenStorage = {
      getItem: () => {
        throw new Error('SecurityError')
      },
      setItem: () => {
        throw new Error('SecurityError')
      },
    }
    expect(resolveToken('http://127.0.0.1:5123/', throwing)).toBeNull()
    expect(resolveToken('http://127.0.0.1:5123/?token=t', throwing)).toBe('t')
  })

  it('builds ws://host/api with the token, and wss:// for an https page', () => {
    expect(apiSocketUrl('http://127.0.0.1:5123/?token=zz#/models', 'zz')).toBe(
      'ws://127.0.0.1:5123/api?token=zz',
    )
    expect(apiSocketUrl('http://localhost:8080/sub/page', null)).toBe('ws://localhost:8080/api')
    expect(apiSocketUrl('https://example.test/', 'a b')).toBe('wss://example.test/api?token=a+b')
  })

  it('strips the token from the address but keeps other parameters and the route', () => {
    expect(hrefWithoutToken('http://127.0.0.1:5123/?token=abc#/models')).toBe(
      'http://127.0.0.1:5123/#/models',
    )
    expect(hrefWithoutToken('http://127.0.0.1:5123/?x=1&token=abc')).toBe('http://127.0.0.1:5123/?x=1')
    expect(hrefWithoutToken('http://127.0.0.1:5123/#/models')).toBeNull()
  })
})
