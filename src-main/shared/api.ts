/**
 * The one contract between the renderer (untrusted) and main. Every method has one argument object and
 * one result; handlers in `src-main/api` implement it with `satisfies ApiHandlers`, the preload exposes
 * exactly these methods, `serve` answers them over WebSocket, and the CLI calls the same handlers.
 * Every argument is validated by the zod schema of the same name in `schemas.ts` before a handler runs.
 */
import type { ModelFormat, ModelSummary } from './model-summary'
import type { Result } from './result'

export type { Result, ApiError, ErrorCode } from './result'
export type * from './model-summary'

/** A model file the user opened, as the store keeps it. */
export interface ModelRecord {
  id: number
  /** Absolute path on the machine that runs main. */
  path: string
  fileName: string
  sha256: string
  sizeBytes: number
  format: ModelFormat
  summary: ModelSummary
  /** ISO 8601, UTC. */
  firstOpenedAt: string
  openedAt: string
}

/** A model in the list: the record without its (possibly large) summary. */
export type ModelListItem = Omit<ModelRecord, 'summary'> & {
  inputs: string
  outputs: string
  parameters: number
  macs: number
}

export interface AppInfo {
  name: 'Quantscope'
  version: string
  /** `electron` in the desktop window, `serve` in a browser, `cli` from a script. */
  host: 'electron' | 'serve' | 'cli'
  workspace: string
  versions: Record<string, string>
}

export interface ApiMethods {
  'app.info': { args: Record<string, never>; result: AppInfo }
  'models.list': { args: Record<string, never>; result: ModelListItem[] }
  'models.get': { args: { id: number }; result: ModelRecord }
  /** Read a model file from a path on the machine that runs main, summarize it and store it. */
  'models.open': { args: { path: string }; result: ModelRecord }
  /**
   * Open a model whose bytes come from the renderer (drag and drop in a browser, where no path is known).
   * Main copies the bytes into the workspace's `imports/` folder and opens that copy.
   */
  'models.openBytes': { args: { fileName: string; dataBase64: string }; result: ModelRecord }
  /** Forget a model (the file on disk is not touched). */
  'models.remove': { args: { id: number }; result: { removed: boolean } }
}

export type ApiMethod = keyof ApiMethods
export type ApiArgs<M extends ApiMethod> = ApiMethods[M]['args']
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result']

/** The list the preload and the hosts iterate: exactly the keys of ApiMethods. */
export const API_METHODS = [
  'app.info',
  'models.list',
  'models.get',
  'models.open',
  'models.openBytes',
  'models.remove',
] as const satisfies readonly ApiMethod[]

// A compile-time check that API_METHODS lists every method: fails to type-check when one is missing.
type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>
const _allMethodsListed: Missing extends never ? true : Missing = true
void _allMethodsListed

/** Events main pushes to the renderer. Subscribing returns an unsubscribe function. */
export interface ApiEvents {
  /** The stored model list changed (opened, re-opened or removed). */
  'models.changed': { ids: number[] }
  /** The native menu (File › Open Model…, Open Recent) or the OS asked to open a file; the renderer calls `models.open`. */
  'app.openPath': { path: string }
}
export type ApiEvent = keyof ApiEvents
export const API_EVENTS = ['models.changed', 'app.openPath'] as const satisfies readonly ApiEvent[]

/** Main's side: one async function per method. Arguments arrive already validated. */
export type ApiHandlers = {
  [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiResult<M>>
}

/** The renderer's side: every call resolves to a Result, never rejects for a domain error. */
export type ApiClientMethods = {
  [M in ApiMethod]: (args: ApiArgs<M>) => Promise<Result<ApiResult<M>>>
}

/** What the preload puts on `window.quantscope` (Electron only). */
export interface PreloadBridge {
  invoke: ApiClientMethods
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
  /** Electron only: the absolute path of a dropped File (sandboxed renderers cannot read `File.path`). */
  pathForFile(file: File): string
}

/** Wire format of `serve`'s WebSocket (JSON text frames). */
export type WireRequest = { id: number; method: string; args: unknown }
export type WireResponse = { id: number; result: Result<unknown> }
export type WireEvent = { event: ApiEvent; payload: unknown }
