/**
 * What the api client needs from a way of reaching main: a call that resolves to a Result, events, and
 * (WebSocket only) a connection state. Two implementations: `bridge-transport.ts` (Electron preload) and
 * `ws-transport.ts` (`quantscope serve`).
 */
import type { ApiError, ApiEvent, ApiMethod, Result } from '../../../src-main/shared/api'

/**
 * `connecting`: the first attempt is under way. `open`: calls go through. `reconnecting`: the connection
 * dropped (or never came up) and the next attempt is scheduled. `closed`: the client was disposed.
 * The Electron bridge is always `open`.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface Transport {
  readonly kind: 'bridge' | 'websocket'
  readonly status: ConnectionStatus
  /** Never rejects: transport failures become `{ ok: false, error: { code: 'INTERNAL' … } }`. */
  call(method: ApiMethod, args: unknown): Promise<Result<unknown>>
  on(event: ApiEvent, listener: (payload: unknown) => void): () => void
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  /** Electron only: where a dropped or picked File lives on disk. null when the host cannot know. */
  pathForFile(file: File): string | null
  dispose(): void
}

export function failure(code: ApiError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

/** True for anything shaped like a Result: what crossed a process boundary is checked, not trusted. */
export function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const r = value as { ok?: unknown; error?: unknown }
  if (r.ok === true) return 'value' in r
  if (r.ok !== false || typeof r.error !== 'object' || r.error === null) return false
  const e = r.error as { code?: unknown; message?: unknown }
  return typeof e.code === 'string' && typeof e.message === 'string'
}

export function describeThrown(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
