/**
 * The browser transport: one WebSocket to `quantscope serve` (`/api`), JSON text frames
 * (`WireRequest` out; `WireResponse` and `WireEvent` in). Reconnects with exponential backoff; calls
 * that are in flight when the socket closes fail with an INTERNAL Result instead of hanging.
 */
import type { ApiEvent, ApiMethod, Result, WireRequest } from '../../../src-main/shared/api'
import { failure, isResult, type ConnectionStatus, type Transport } from './transport'

/** The part of the DOM WebSocket this transport uses (Node 22's global WebSocket has it too). */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onerror: ((event: unknown) => void) | null
}
export type WebSocketFactory = (url: string) => WebSocketLike

export interface WebSocketTransportOptions {
  url: string
  createSocket?: WebSocketFactory
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`. Milliseconds. */
  initialDelayMs?: number
  maxDelayMs?: number
  /** In [0, 1); tests pass a constant. */
  random?: () => number
}

const OPEN = 1
/** Close codes a server uses to say "your token is missing or wrong" (RFC 6455 policy violation, or 4401). */
const UNAUTHORIZED_CLOSE_CODES = new Set([1008, 4401])

interface Pending {
  method: string
  resolve: (result: Result<unknown>) => void
}

export function reconnectDelayMs(attempt: number, initialMs: number, maxMs: number, random: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30))
  // Jitter in [base/2, base): many tabs of one server do not reconnect in lock step.
  return Math.round(base / 2 + (base / 2) * random)
}

export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const createSocket: WebSocketFactory =
    options.createSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike)
  const initialDelayMs = options.initialDelayMs ?? 250
  const maxDelayMs = options.maxDelayMs ?? 10_000
  const random = options.random ?? Math.random

  let socket: WebSocketLike | null = null
  let status: ConnectionStatus = 'connecting'
  let attempt = 0
  /** True once any socket of this transport opened: a later failure is a lost connection, not a bad address. */
  let everConnected = false
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let nextId = 1
  /** Sent, waiting for their response. */
  const inFlight = new Map<number, Pending>()
  /** Made while the socket was not open; sent on the next open, failed if that attempt fails. */
  const queued: Array<{ request: WireRequest; pending: Pending }> = []
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>()
  const statusListeners = new Set<(status: ConnectionStatus) => void>()

  function setStatus(next: ConnectionStatus): void {
    if (status === next) return
    status = next
    for (const listener of [...statusListeners]) {
      try {
        listener(next)
      } catch (error) {
        console.error('Quantscope: a connection status listener threw', error)
      }
    }
  }

  function lostMessage(code: number, reason: string): string {
    const detail = reason ? `${reason}, code ${code}` : `code ${code}`
    const what = everConnected ? 'The connection to Quantscope was lost' : 'Could not connect to Quantscope'
    return `${what} (WebSocket closed: ${detail}). Check that \`quantscope serve\` is still running; the page reconnects by itself.`
  }

  function failAll(result: Result<never>): void {
    const all = [...inFlight.values(), ...queued.map((q) => q.pending)]
    inFlight.clear()
    queued.length = 0
    for (const pending of all) pending.resolve(result)
  }

  function send(request: WireRequest, pending: Pending): void {
    let text: string
    try {
      text = JSON.stringify(request)
    } catch (error) {
      pending.resolve(
        failure('INTERNAL', `Could not encode the arguments of "${request.method}": ${String(error)}`),
      )
      return
    }
    inFlight.set(request.id, pending)
    try {
      socket!.send(text)
    } catch (error) {
      inFlight.delete(request.id)
      pending.resolve(
        failure('INTERNAL', `Could not send "${request.method}" to Quantscope: ${String(error)}`),
      )
    }
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return
    let frame: unknown
    try {
      frame = JSON.parse(data)
    } catch {
      console.warn('Quantscope: ignored a WebSocket frame that is not JSON')
      return
    }
    if (typeof frame !== 'object' || frame === null) return
    const f = frame as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown }
    if (typeof f.event === 'string') {
      for (const listener of [...(eventListeners.get(f.event) ?? [])]) {
        try {
          listener(f.payload)
        } catch (error) {
          console.error(`Quantscope: a listener of "${f.event}" threw`, error)
        }
      }
      return
    }
    if (typeof f.id !== 'number') return
    const pending = inFlight.get(f.id)
    if (!pending) return
    inFlight.delete(f.id)
    pending.resolve(
      isResult(f.result)
        ? f.result
        : failure('INTERNAL', `Quantscope sent a malformed response to "${pending.method}" (a bug).`),
    )
  }

  function connect(): void {
    retryTimer = null
    if (status === 'closed') return
    let everOpened = false
    let ws: WebSocketLike
    try {
      ws = createSocket(options.url)
    } catch (error) {
      // A bad URL or a CSP refusal throws synchronously.
      failAll(failure('INTERNAL', `Could not connect to Quantscope at ${options.url}: ${String(error)}`))
      scheduleReconnect()
      return
    }
    socket = ws
    ws.onopen = () => {
      everOpened = true
      everConnected = true
      attempt = 0
      setStatus('open')
      for (const { request, pending } of queued.splice(0)) send(request, pending)
    }
    ws.onmessage = (event) => handleMessage(event.data)
    let handled = false
    const closed = (code: number, reason: string): void => {
      if (handled) return
      handled = true
      if (socket === ws) socket = null
      failAll(
        UNAUTHORIZED_CLOSE_CODES.has(code)
          ? failure(
              'UNAUTHORIZED',
              `Quantscope refused the connection: the access token is missing or wrong (${reason || `code ${code}`}). Open the URL that \`quantscope serve\` printed, with its ?token=…`,
            )
          : failure('INTERNAL', lostMessage(code, reason)),
      )
      if (status !== 'closed') scheduleReconnect()
    }
    ws.onerror = () => {
      // Browsers follow an error with a close event; Node's WebSocket does not when the connection is
      // refused. A socket that never opened is finished either way.
      if (!everOpened) {
        closed(1006, '')
        try {
          ws.close()
        } catch {
          // already closing
        }
      }
    }
    ws.onclose = (event) => closed(event.code, event.reason)
  }

  function scheduleReconnect(): void {
    if (status === 'closed' || retryTimer !== null) return
    setStatus('reconnecting')
    const delay = reconnectDelayMs(attempt, initialDelayMs, maxDelayMs, random())
    attempt += 1
    retryTimer = setTimeout(connect, delay)
  }

  connect()

  return {
    kind: 'websocket',
    get status() {
      return status
    },
    call(method: ApiMethod, args: unknown): Promise<Result<unknown>> {
      if (status === 'closed') {
        return Promise.resolve(
          failure('INTERNAL', `The Quantscope client was closed; "${method}" was not sent.`),
        )
      }
      return new Promise((resolve) => {
        const request: WireRequest = { id: nextId++, method, args }
        const pending: Pending = { method, resolve }
        if (socket !== null && socket.readyState === OPEN) send(request, pending)
        else queued.push({ request, pending })
      })
    },
    on(event: ApiEvent, listener: (payload: unknown) => void): () => void {
      let set = eventListeners.get(event)
      if (!set) eventListeners.set(event, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
    onStatus(listener: (status: ConnectionStatus) => void): () => void {
      statusListeners.add(listener)
      return () => {
        statusListeners.delete(listener)
      }
    },
    pathForFile(): string | null {
      return null
    },
    dispose() {
      setStatus('closed')
      if (retryTimer !== null) clearTimeout(retryTimer)
      retryTimer = null
      failAll(failure('INTERNAL', 'The Quantscope client was closed.'))
      const ws = socket
      socket = null
      ws?.close(1000, 'client closed')
    },
  }
}
