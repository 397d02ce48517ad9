/**
 * Where the browser finds `quantscope serve`'s API and how it proves it may talk to it. `serve` prints
 * `http://127.0.0.1:<port>/?token=<hex>`; the first page load sets an auth cookie, and the WebSocket also
 * carries the token as `?token=` (kept in sessionStorage, so a reload after the URL was cleaned still works).
 */

export const TOKEN_STORAGE_KEY = 'quantscope.token'
const TOKEN_PARAM = 'token'

export interface TokenStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** The token from the page URL (remembered in `storage`), else the one remembered earlier, else null. */
export function resolveToken(href: string, storage: TokenStorage | null): string | null {
  const fromUrl = new URL(href).searchParams.get(TOKEN_PARAM)
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl)
    } catch {
      // Storage disabled (privacy mode): the cookie still authenticates this tab.
    }
    return fromUrl
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) || null
  } catch {
    return null
  }
}

/** `ws(s)://<host>/api[?token=…]` for the page at `href`. */
export function apiSocketUrl(href: string, token: string | null): string {
  const page = new URL(href)
  const url = new URL('/api', page)
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:'
  url.search = ''
  url.hash = ''
  if (token) url.searchParams.set(TOKEN_PARAM, token)
  return url.toString()
}

/**
 * The page URL without its token, or null when it has none: the token should not linger in the address
 * bar, the history or a screenshot once it is remembered.
 */
export function hrefWithoutToken(href: string): string | null {
  const url = new URL(href)
  if (!url.searchParams.has(TOKEN_PARAM)) return null
  url.searchParams.delete(TOKEN_PARAM)
  return url.toString()
}
