/**
 * The renderer's WebSocket transport and client over a real socket (Node 22's WebSocket against a `ws`
 * server on loopback). The server here only scripts wire frames; `serve` itself is tested in
 * test/integration and, with this client in Chromium, in test/e2e.
 */
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import type { PreloadBridge, Result, WireRequest } from '../../../../src-main/shared/api'
import { createApiClient, createDefaultTransport } from '../../../../src-renderer/src/api/client'
import type { ConnectionStatus } from '../../../../src-renderer/src/api/transport'
import { createWebSocketTransport, reconnectDelayMs } from '../../../../src-renderer/src/api/ws-transport'

interface ScriptedServer {
  url: string
  port: number
  requests: WireRequest[]
  sockets: Set<WebSocket>
  /** Query strings of the upgrade requests. */
  connectUrls: string[]
  close(): Promise<void>
}

const servers: ScriptedServer[] = []
const disposers: Array<() => void> = []

/** A `ws` server that answers each request with `answer(request)` (or not at all when it returns undefined). */
async function scriptedServer(
  answer: (request: WireRequest, socket: WebSocket) => Result<unknown> | undefined = () => ({
    ok: true,
    value: null,
  }),
  port = 0,
): Promise<ScriptedServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/api' })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const actualPort = (wss.address() as AddressInfo).port
  const server: ScriptedServer = {
    url: `ws://127.0.0.1:${actualPort}/api`,
    port: actualPort,
    requests: [],
    sockets: new Set(),
    connectUrls: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of server.sockets) s.terminate()
        wss.close(() => resolve())
      }),
  }
  wss.on('connection', (socket, req) => {
    server.sockets.add(socket)
    server.connectUrls.push(req.url ?? '')
    socket.on('close', () => server.sockets.delete(socket))
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as WireRequest
      server.requests.push(request)
      const result = answer(request, socket)
      if (result !== undefined) socket.send(JSON.stringify({ id: request.id, result }))
    })
  })
  servers.push(server)
  return server
}

function waitForStatus(
  transport: { onStatus(l: (s: ConnectionStatus) => void): () => void; status: ConnectionStatus },
  wanted: ConnectionStatus,
): Promise<void> {
  if (transport.status === wanted) return Promise.resolve()
  return new Promise((resolve) => {
    const off = transport.onStatus((s) => {
      if (s === wanted) {
        off()
        resolve()
      }
    })
  })
}

function transportTo(url: string) {
  const transport = createWebSocketTransport({ url, initialDelayMs: 10, maxDelayMs: 40, random: () => 0.5 })
  disposers.push(() => transport.dispose())
  return transport
}

afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('WebSocket transport', () => {
  it('sends {id, method, args} and resolves each call with the Result of its own id', async () => {
    const server = await scriptedServer((req) => ({ ok: true, value: { echo: req.method, args: req.args } }))
    const transport = transportTo(server.url)
    const [a, b] = await Promise.all([
      transport.call('models.get', { id: 7 }),
      transport.call('models.list', {}),
    ])
    expect(a).toEqual({ ok: true, value: { echo: 'models.get', args: { id: 7 } } })
    expect(b).toEqual({ ok: true, value: { echo: 'models.list', args: {} } })
    expect(server.requests.map((r) => r.method).sort()).toEqual(['models.get', 'models.list'])
    expect(new Set(server.requests.map((r) => r.id)).size).toBe(2)
  })

  it('matches responses that arrive out of order', async () => {
    const held: Array<{ req: WireRequest; socket: WebSocket }> = []
    const server = await scriptedServer((req, socket) => {
      held.push({ req, socket })
      if (held.length === 2) {
        for (const h of [...held].reverse()) {
          h.socket.send(JSON.stringify({ id: h.req.id, result: { ok: true, value: h.req.method } }))
        }
      }
      return undefined
    })
    const transport = transportTo(server.url)
    const results = await Promise.all([transport.call('app.info', {}), transport.call('models.list', {})])
    expect(results).toEqual([
      { ok: true, value: 'app.info' },
      { ok: true, value: 'models.list' },
    ])
  })

  it('passes domain errors through as they came', async () => {
    const server = await scriptedServer(() => ({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no file "/x"' },
    }))
    const transport = transportTo(server.url)
    expect(await transport.call('models.open', { path: '/x' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no file "/x"' },
    })
  })

  it('delivers events to their listeners until they unsubscribe', async () => {
    const server = await scriptedServer()
    const transport = transportTo(server.url)
    await waitForStatus(transport, 'open')
    const seen: unknown[] = []
    const off = transport.on('models.changed', (p) => seen.push(p))
    const other: unknown[] = []
    transport.on('app.openPath', (p) => other.push(p))
    const push = (frame: unknown) => {
      for (const s of server.sockets) s.send(JSON.stringify(frame))
    }
    push({ event: 'models.changed', payload: { ids: [1] } })
    await expect.poll(() => seen).toEqual([{ ids: [1] }])
    off()
    push({ event: 'models.changed', payload: { ids: [2] } })
    push({ event: 'app.openPath', payload: { path: '/m.onnx' } })
    await expect.poll(() => other).toEqual([{ path: '/m.onnx' }])
    expect(seen).toEqual([{ ids: [1] }])
  })

  it('answers a malformed response with an INTERNAL error instead of hanging', async () => {
    const server = await scriptedServer((req, socket) => {
      socket.send(JSON.stringify({ id: req.id, result: { nonsense: true } }))
      return undefined
    })
    const transport = transportTo(server.url)
    const result = await transport.call('models.list', {})
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error.code).toBe('INTERNAL')
    expect(!result.ok && result.error.message).toMatch(/malformed response to "models.list"/)
  })

  it('fails in-flight calls when the connection drops, then reconnects and works again', async () => {
    let dropNext = true
    const server = await scriptedServer((req, socket) => {
      if (dropNext) {
        dropNext = false
        socket.terminate()
        return undefined
      }
      return { ok: true, value: req.method }
    })
    const transport = transportTo(server.url)
    const statuses: ConnectionStatus[] = []
    transport.onStatus((s) => statuses.push(s))

    const lost = await transport.call('models.open', { path: '/big.onnx' })
    expect(lost.ok).toBe(false)
    expect(!lost.ok && lost.error.code).toBe('INTERNAL')
    expect(!lost.ok && lost.error.message).toMatch(/connection to Quantscope was lost/)

    await waitForStatus(transport, 'open')
    expect(await transport.call('models.list', {})).toEqual({ ok: true, value: 'models.list' })
    expect(statuses).toEqual(['open', 'reconnecting', 'open'])
  })

  it('fails calls with a "could not connect" error while no server listens, and connects once one does', async () => {
    // Find a free port, then close the server on it so nothing listens there for now.
    const probe = await scriptedServer()
    const port = probe.port
    await probe.close()
    servers.splice(servers.indexOf(probe), 1)

    const transport = transportTo(`ws://127.0.0.1:${port}/api`)
    const failed = await transport.call('app.info', {})
    expect(!failed.ok && failed.error.code).toBe('INTERNAL')
    expect(!failed.ok && failed.error.message).toMatch(/Could not connect to Quantscope/)

    await scriptedServer((req) => ({ ok: true, value: req.method }), port)
    await waitForStatus(transport, 'open')
    expect(await transport.call('app.info', {})).toEqual({ ok: true, value: 'app.info' })
  })

  it('fails calls made while the server is gone with "connection lost", not "could not connect"', async () => {
    const server = await scriptedServer()
    const transport = transportTo(server.url)
    await waitForStatus(transport, 'open')
    await server.close()
    servers.splice(servers.indexOf(server), 1)
    await waitForStatus(transport, 'reconnecting')
    const result = await transport.call('models.list', {})
    expect(!result.ok && result.error.code).toBe('INTERNAL')
    expect(!result.ok && result.error.message).toMatch(/^The connection to Quantscope was lost/)
  })

  it('says UNAUTHORIZED when the server closes with a policy-violation code', async () => {
    const server = await scriptedServer((_req, socket) => {
      socket.close(1008, 'bad token')
      return undefined
    })
    const transport = transportTo(server.url)
    const result = await transport.call('app.info', {})
    expect(!result.ok && result.error.code).toBe('UNAUTHORIZED')
    expect(!result.ok && result.error.message).toMatch(/token is missing or wrong/)
  })

  it('fails pending calls on dispose and refuses new ones', async () => {
    const server = await scriptedServer(() => undefined)
    const transport = transportTo(server.url)
    const pending = transport.call('models.list', {})
    await expect.poll(() => server.requests.length).toBe(1)
    transport.dispose()
    const result = await pending
    expect(!result.ok && result.error.code).toBe('INTERNAL')
    expect(transport.status).toBe('closed')
    const after = await transport.call('models.list', {})
    expect(!after.ok && after.error.message).toMatch(/client was closed/)
  })

  it('backs off exponentially with jitter, capped', () => {
    expect(reconnectDelayMs(0, 250, 10_000, 0)).toBe(125)
    expect(reconnectDelayMs(0, 250, 10_000, 0.999)).toBe(250)
    expect(reconnectDelayMs(3, 250, 10_000, 0.5)).toBe(1500)
    expect(reconnectDelayMs(40, 250, 10_000, 0.999)).toBe(9995)
  })
})

describe('api client', () => {
  it('sends a dropped file as models.openBytes with its name and base64 bytes when no path is known', async () => {
    const server = await scriptedServer((req) => ({ ok: true, value: { id: 1, echo: req.args } }))
    const client = createApiClient(transportTo(server.url))
    const bytes = new Uint8Array([0x08, 0x07, 0x12, 0x00, 0xff, 0x10])
    const result = await client.openFile(new File([bytes], 'tiny.onnx'))
    expect(result.ok).toBe(true)
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({
      method: 'models.openBytes',
      args: { fileName: 'tiny.onnx', dataBase64: Buffer.from(bytes).toString('base64') },
    })
  })

  it('opens a dropped file by its path in Electron, and turns a throwing bridge into an INTERNAL Result', async () => {
    const calls: Array<[string, unknown]> = []
    const invoke = new Proxy(
      {},
      {
        get:
          (_t, method: string) =>
          async (args: unknown): Promise<Result<unknown>> => {
            calls.push([method, args])
            if (method === 'models.list') throw new Error('IPC channel closed')
            return { ok: true, value: { id: 3 } }
          },
      },
    ) as PreloadBridge['invoke']
    const bridge: PreloadBridge = {
      invoke,
      on: () => () => {},
      pathForFile: (file) => `/home/me/models/${file.name}`,
    }
    const client = createApiClient(
      createDefaultTransport({
        quantscope: bridge,
        location: { href: 'file:///x/index.html' },
        history: { state: null, replaceState: () => {} },
      }),
    )
    expect(client.transport).toBe('bridge')
    expect(client.status).toBe('open')

    expect(await client.openFile(new File([new Uint8Array([1])], 'm.onnx'))).toEqual({
      ok: true,
      value: { id: 3 },
    })
    expect(calls).toEqual([['models.open', { path: '/home/me/models/m.onnx' }]])

    const broken = await client['models.list']({})
    expect(broken).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'Calling "models.list" failed inside Quantscope: IPC channel closed',
      },
    })
  })

  it('in a browser page, connects to ws://<host>/api?token=… and takes the token out of the address bar', async () => {
    const server = await scriptedServer((req) => ({ ok: true, value: req.method }))
    const stored: Record<string, string> = {}
    const replaced: string[] = []
    const transport = createDefaultTransport({
      location: { href: `http://127.0.0.1:${server.port}/?token=feed42#/models` },
      sessionStorage: { getItem: (k) => stored[k] ?? null, setItem: (k, v) => void (stored[k] = v) },
      history: { state: null, replaceState: (_s, _u, url) => void replaced.push(url) },
    })
    disposers.push(() => transport.dispose())
    expect(transport.kind).toBe('websocket')
    expect(await transport.call('app.info', {})).toEqual({ ok: true, value: 'app.info' })
    expect(server.connectUrls).toEqual(['/api?token=feed42'])
    expect(replaced).toEqual([`http://127.0.0.1:${server.port}/#/models`])
    expect(Object.values(stored)).toEqual(['feed42'])
  })
})
