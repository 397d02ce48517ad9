/**
 * `serve` with a real HTTP server, a real WebSocket and a real workspace: the token is required on every
 * request and connection, foreign origins and hosts are refused, and API calls are validated.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startServer, type RunningServer } from '../../src-main/host/serve'
import { openWorkspace, type Workspace } from '../../src-main/services/store/workspace'
import type { WireEvent, WireResponse } from '../../src-main/shared/api'
import { yoloxNano } from '../helpers/bad-files'
import { tempDir } from '../helpers/temp'

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function call(ws: WebSocket, id: number, method: string, args: unknown): Promise<WireResponse> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(String(data)) as WireResponse | WireEvent
      if ('id' in msg && msg.id === id) {
        ws.off('message', onMessage)
        resolve(msg)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ id, method, args }))
  })
}

describe('quantscope serve', () => {
  const temp = tempDir()
  let workspace: Workspace
  let server: RunningServer
  let wsUrl: string

  beforeAll(async () => {
    const renderer = join(temp.dir, 'renderer')
    mkdirSync(join(renderer, 'assets'), { recursive: true })
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Quantscope</title>')
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
    workspace = openWorkspace(join(temp.dir, 'ws'))
    server = await startServer({ workspace, rendererDir: renderer })
    wsUrl = `ws://127.0.0.1:${server.port}/api`
  })
  afterAll(async () => {
    await server.close()
    workspace.close()
    temp.remove()
  })

  it('binds to loopback with a 48-hex-digit token in the printed URL', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
    expect(server.token).toMatch(/^[0-9a-f]{48}$/)
    expect(server.urlWithToken).toBe(`${server.url}?token=${server.token}`)
  })

  it('refuses HTTP requests without the token or with a wrong one', async () => {
    expect((await fetch(server.url)).status).toBe(401)
    expect((await fetch(`${server.url}assets/app.js`)).status).toBe(401)
    expect((await fetch(`${server.url}?token=${'0'.repeat(48)}`)).status).toBe(401)
    expect((await fetch(server.url, { headers: { authorization: 'Bearer nope' } })).status).toBe(401)
  })

  it('serves the app with the token and sets a strict cookie that later requests may use', async () => {
    const res = await fetch(server.urlWithToken)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>Quantscope</title>')
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/qs_token=[0-9a-f]{48}; HttpOnly; SameSite=Strict; Path=\//)
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    const asset = await fetch(`${server.url}assets/app.js`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    // client-side routes get the app, missing assets a 404, traversal is refused
    expect((await fetch(`${server.url}models?token=${server.token}`)).status).toBe(200)
    expect((await fetch(`${server.url}assets/nope.js?token=${server.token}`)).status).toBe(404)
    // `..` cannot leave the renderer folder: the decoded path is normalized against it, so an escape
    // attempt finds no file there and gets the app (client route) instead of /etc/passwd.
    const escape = await fetch(`${server.url}..%2f..%2f..%2fetc%2fpasswd?token=${server.token}`)
    expect(await escape.text()).toContain('<title>Quantscope</title>')
    const escapeAsset = await fetch(`${server.url}..%2f..%2fpackage.json?token=${server.token}`)
    expect(escapeAsset.status).toBe(404)
  })

  it('refuses other origins and unknown Host headers (DNS rebinding)', async () => {
    const foreign = await fetch(server.urlWithToken, { headers: { origin: 'http://evil.example' } })
    expect(foreign.status).toBe(403)
    await expect(
      connect(`${wsUrl}?token=${server.token}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow(/403/)
    await expect(
      connect(`${wsUrl}?token=${server.token}`, { host: `evil.example:${server.port}` }),
    ).rejects.toThrow(/421/)
  })

  it('refuses WebSocket connections without the token', async () => {
    await expect(connect(wsUrl)).rejects.toThrow(/401/)
    await expect(connect(`${wsUrl}?token=wrong`)).rejects.toThrow(/401/)
  })

  it('answers API calls over the WebSocket, validates them, and pushes events', async () => {
    const ws = await connect(`${wsUrl}?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` })
    try {
      const info = await call(ws, 1, 'app.info', {})
      expect(info.result).toMatchObject({ ok: true, value: { host: 'serve' } })

      const invalid = await call(ws, 2, 'models.open', { path: 42 })
      expect(invalid.result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
      const missing = await call(ws, 3, 'models.open', undefined)
      expect(missing.result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })

      const event = new Promise<WireEvent>((resolve) =>
        ws.on('message', (d) => {
          const m = JSON.parse(String(d)) as WireEvent
          if ('event' in m) resolve(m)
        }),
      )
      const opened = await call(ws, 4, 'models.open', { path: yoloxNano })
      expect(opened.result).toMatchObject({ ok: true, value: { fileName: 'yolox_nano.onnx' } })
      expect((await event).event).toBe('models.changed')

      ws.send('not json')
      const malformed = await new Promise<WireResponse>((resolve) =>
        ws.on('message', (d) => {
          const m = JSON.parse(String(d)) as WireResponse
          if ('id' in m && m.id === -1) resolve(m)
        }),
      )
      expect(malformed.result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
      // the server survived: it still answers
      expect((await call(ws, 5, 'models.list', {})).result).toMatchObject({ ok: true })
    } finally {
      ws.close()
    }
  })
})
