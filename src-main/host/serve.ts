/**
 * `quantscope serve`: the renderer over HTTP and the API over a WebSocket, for a browser on this machine.
 *
 * Security model: the API can read any file the user can, so only the person who started `serve` may use
 * it. It binds to loopback by default; a random token per start is required on every HTTP request and
 * WebSocket connection (from `?token=`, the `qs_token` cookie set when the printed URL is opened, or an
 * `Authorization: Bearer` header); the Host header must name this server (DNS rebinding) and any Origin
 * must be this server's own (other sites' pages cannot call it).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ApiEvent, ApiEvents, WireEvent, WireRequest, WireResponse } from '../shared/api'
import { MAX_UPLOAD_BYTES } from '../shared/schemas'
import { fail } from '../shared/result'
import { dispatch } from '../api/dispatch'
import { createHandlers } from '../api/handlers'
import type { Workspace } from '../services/store/workspace'

export interface ServeOptions {
  workspace: Workspace
  /** Folder holding the built renderer (index.html + assets). */
  rendererDir: string
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** Fixed token for tests; random (48 hex chars) otherwise. */
  token?: string
  log?: (line: string) => void
}

export interface RunningServer {
  url: string
  /** The URL to open, with the token. */
  urlWithToken: string
  token: string
  port: number
  close(): Promise<void>
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

const COOKIE = 'qs_token'

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie ?? ''
  for (const part of header.split(';')) {
    const [k, v] = part.trim().split('=')
    if (k === COOKIE && v) return decodeURIComponent(v)
  }
  return undefined
}

function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('hex')
  const rendererDir = resolve(options.rendererDir)
  const log = options.log ?? (() => {})
  const sockets = new Set<WebSocket>()

  function broadcast<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
    const frame = JSON.stringify({ event, payload } satisfies WireEvent)
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
  }
  const handlers = createHandlers({ host: 'serve', workspace: options.workspace, emit: broadcast })

  let port = 0
  /** Names under which this server may be addressed (Host header) and its own origins. */
  const allowedHosts = (): Set<string> => {
    const names = new Set([bindHost, ...(LOOPBACK_HOSTS.has(bindHost) ? LOOPBACK_HOSTS : [])])
    return new Set([...names].map((h) => (h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`)))
  }
  const hostAllowed = (req: IncomingMessage): boolean => allowedHosts().has(req.headers.host ?? '')
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin
    if (origin === undefined) return true // not a browser cross-site request (curl, the CLI, tests)
    return [...allowedHosts()].some((h) => origin === `http://${h}`)
  }
  const tokenOf = (req: IncomingMessage, url: URL): string | undefined =>
    url.searchParams.get('token') ?? bearerToken(req) ?? cookieToken(req)
  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const given = tokenOf(req, url)
    return given !== undefined && sameSecret(given, token)
  }

  function refuse(res: ServerResponse, status: number, message: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    res.end(`${message}\n`)
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '')
    let file = resolve(rendererDir, relative)
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return refuse(res, 403, 'forbidden path')
    const isFile = await stat(file).then(
      (st) => st.isFile(),
      () => false,
    )
    // Client-side routes (/models, /runs …) get the app; missing assets get a 404.
    if (!isFile) {
      if (extname(relative) !== '') return refuse(res, 404, `not found: ${url.pathname}`)
      file = join(rendererDir, 'index.html')
    }
    let body: Buffer
    try {
      body = await readFile(file)
    } catch {
      return refuse(
        res,
        500,
        `the renderer is not built (missing ${file}); run \`npm run build\` and start serve again`,
      )
    }
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer', // the token may be in the URL
      'x-frame-options': 'DENY',
      'cache-control': extname(file) === '.html' ? 'no-store' : 'private, max-age=3600',
    }
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`
    }
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    if (!hostAllowed(req))
      return refuse(res, 421, `unexpected Host header ${JSON.stringify(req.headers.host)}`)
    if (!originAllowed(req)) return refuse(res, 403, `requests from origin ${req.headers.origin} are refused`)
    if (!authorized(req, url)) {
      return refuse(res, 401, 'missing or wrong token: open the URL that `quantscope serve` printed')
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, `method ${req.method} not allowed`)
    serveStatic(req, res, url).catch((error: unknown) => refuse(res, 500, `internal error: ${String(error)}`))
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.ceil(MAX_UPLOAD_BYTES / 3) * 4 + 4096 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const deny = (status: string): void => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
      socket.destroy()
    }
    if (url.pathname !== '/api') return deny('404 Not Found')
    if (!hostAllowed(req)) return deny('421 Misdirected Request')
    if (!originAllowed(req)) return deny('403 Forbidden')
    if (!authorized(req, url)) return deny('401 Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let request: Partial<WireRequest>
        try {
          if (isBinary) throw new Error('binary frames are not accepted')
          request = JSON.parse(String(data)) as Partial<WireRequest>
          if (typeof request !== 'object' || request === null || typeof request.id !== 'number') {
            throw new Error('a request is {"id": number, "method": string, "args": object}')
          }
        } catch (error) {
          const reply: WireResponse = {
            id: -1,
            result: fail('INVALID_ARGUMENT', `malformed request: ${(error as Error).message}`),
          }
          ws.send(JSON.stringify(reply))
          return
        }
        const result = await dispatch(handlers, request.method, request.args)
        if (ws.readyState === ws.OPEN)
          ws.send(JSON.stringify({ id: request.id, result } satisfies WireResponse))
      })()
    })
  })

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
  port = (server.address() as AddressInfo).port
  const hostInUrl = bindHost.includes(':') ? `[${bindHost}]` : bindHost
  const url = `http://${hostInUrl}:${port}/`
  log(`workspace ${options.workspace.dir}`)

  return {
    url,
    urlWithToken: `${url}?token=${token}`,
    token,
    port,
    close: async () => {
      for (const ws of sockets) ws.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      const closed = new Promise<void>((r) => server.close(() => r()))
      server.closeAllConnections()
      await closed
    },
  }
}
