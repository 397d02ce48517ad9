/**
 * The renderer's one way to reach Quantscope: every method of `shared/api.ts`, resolving to a Result and
 * never rejecting, plus events. Stores use it; components never see a transport or `window.quantscope`.
 *
 * Transport choice: the Electron preload bridge when `window.quantscope` exists, otherwise a WebSocket to
 * the `serve` host the page was loaded from.
 */
import type {
  ApiArgs,
  ApiClientMethods,
  ApiEvent,
  ApiEvents,
  ApiMethod,
  ApiResult,
  ModelRecord,
  PreloadBridge,
  Result,
} from '../../../src-main/shared/api'
import { bytesToBase64 } from './base64'
import { createBridgeTransport } from './bridge-transport'
import { apiSocketUrl, hrefWithoutToken, resolveToken, type TokenStorage } from './serve-url'
import { describeThrown, failure, type ConnectionStatus, type Transport } from './transport'
import { createWebSocketTransport } from './ws-transport'

export type { ConnectionStatus } from './transport'

/**
 * Mirrors `MAX_UPLOAD_BYTES` in `src-main/shared/schemas.ts` (not imported: that module pulls zod into
 * the bundle). Checked here so a huge file is refused before the browser reads it all into memory.
 */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024

export interface ApiClient extends ApiClientMethods {
  readonly transport: Transport['kind']
  /** Always `open` for the Electron bridge. */
  readonly status: ConnectionStatus
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  /** Electron only: the absolute path of a dropped or picked File; null in a browser. */
  pathForFile(file: File): string | null
  /**
   * Open a model the user dropped or picked: by its path when main can see it (Electron), otherwise by
   * sending its bytes (`models.openBytes`).
   */
  openFile(file: File): Promise<Result<ModelRecord>>
  dispose(): void
}

export function createApiClient(transport: Transport): ApiClient {
  const method =
    <M extends ApiMethod>(name: M) =>
    (args: ApiArgs<M>): Promise<Result<ApiResult<M>>> =>
      transport.call(name, args) as Promise<Result<ApiResult<M>>>

  // Listed one by one (not generated from API_METHODS): a method added to the contract and missing here
  // fails type-checking, and the renderer imports nothing but types from `src-main/shared`.
  const methods: ApiClientMethods = {
    'app.info': method('app.info'),
    'models.list': method('models.list'),
    'models.get': method('models.get'),
    'models.open': method('models.open'),
    'models.openBytes': method('models.openBytes'),
    'models.remove': method('models.remove'),
    'datasets.open': method('datasets.open'),
    'datasets.list': method('datasets.list'),
    'runs.list': method('runs.list'),
    'runs.get': method('runs.get'),
    'runs.tag': method('runs.tag'),
    'runs.untag': method('runs.untag'),
    'runs.setNotes': method('runs.setNotes'),
    'runs.delete': method('runs.delete'),
    'runs.exportCsv': method('runs.exportCsv'),
    'runs.exportBundle': method('runs.exportBundle'),
    'runs.importBundle': method('runs.importBundle'),
    'runs.importResults': method('runs.importResults'),
  }

  async function openFile(file: File): Promise<Result<ModelRecord>> {
    const path = transport.pathForFile(file)
    if (path !== null) return methods['models.open']({ path })
    if (file.size > MAX_UPLOAD_BYTES) {
      return failure(
        'INVALID_ARGUMENT',
        `"${file.name}" is ${file.size} bytes, more than the ${MAX_UPLOAD_BYTES} bytes a browser may send; open it by path instead.`,
      )
    }
    let dataBase64: string
    try {
      dataBase64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()))
    } catch (error) {
      return failure('IO', `Could not read "${file.name}" in the browser: ${describeThrown(error)}`)
    }
    return methods['models.openBytes']({ fileName: file.name, dataBase64 })
  }

  return {
    ...methods,
    transport: transport.kind,
    get status() {
      return transport.status
    },
    on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      return transport.on(event, listener as (payload: unknown) => void)
    },
    onStatus: (listener) => transport.onStatus(listener),
    pathForFile: (file) => transport.pathForFile(file),
    openFile,
    dispose: () => transport.dispose(),
  }
}

/** What `createDefaultTransport` reads of the page (typed apart from the DOM so it runs in unit tests). */
export interface PageGlobals {
  quantscope?: PreloadBridge
  location: { href: string }
  sessionStorage?: TokenStorage
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void }
}

/** The transport for this page: the preload bridge in Electron, else a WebSocket to the serving host. */
export function createDefaultTransport(page: PageGlobals = globalThis as unknown as PageGlobals): Transport {
  if (page.quantscope) return createBridgeTransport(page.quantscope)
  const href = page.location.href
  let storage: TokenStorage | null = null
  try {
    storage = page.sessionStorage ?? null
  } catch {
    // Reading sessionStorage throws when the browser blocks storage for the page: go on without it.
  }
  const token = resolveToken(href, storage)
  const cleaned = hrefWithoutToken(href)
  if (cleaned !== null) page.history.replaceState(page.history.state, '', cleaned)
  return createWebSocketTransport({ url: apiSocketUrl(href, token) })
}

let shared: ApiClient | null = null

/** The page's client, created on first use. */
export function getApiClient(): ApiClient {
  shared ??= createApiClient(createDefaultTransport())
  return shared
}

/** Replace the page's client (tests, or a host that builds its own transport). */
export function setApiClient(client: ApiClient | null): void {
  shared = client
}
