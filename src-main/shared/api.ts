/**
 * The one contract between the renderer (untrusted) and main. Every method has one argument object and
 * one result; handlers in `src-main/api` implement it with `satisfies ApiHandlers`, the preload exposes
 * exactly these methods, `serve` answers them over WebSocket, and the CLI calls the same handlers.
 * Every argument is validated by the zod schema of the same name in `schemas.ts` before a handler runs.
 */
import type { ModelFormat, ModelSummary } from './model-summary'
import type { Result } from './result'
import type { RunDetail, RunStatus, RunSummary } from './run'

export type { Result, ApiError, ErrorCode } from './result'
export type * from './model-summary'
export type * from './run'

/** A dataset the user evaluated against, as the store keeps it (one row per fingerprint). */
export interface DatasetRecord {
  id: number
  /** The file opened: COCO instances JSON or YOLO data.yaml. */
  path: string
  format: 'coco' | 'yolo'
  split: string | null
  imagesDir: string | null
  fingerprint: string
  classNames: { id: number; name: string }[]
  imageCount: number
  boxCount: number
  openedAt: string
  /** Things the reader noticed (missing images, odd boxes …) the last time it was opened. */
  warnings?: string[]
}

/** Filters and order for the runs table (all optional; sort keys are whitelisted in the store). */
export interface RunListQuery {
  stage?: string
  backend?: string
  status?: RunStatus
  modelId?: number
  datasetId?: number
  label?: string
  tag?: string
  protocolHash?: string
  optimizationLevel?: number
  sort?: string
  order?: 'asc' | 'desc'
  limit?: number
  offset?: number
}

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
  /** Weight elements: ONNX initializers, HAR weights of its state; null when the file holds none (HEF, HN, .alls). */
  parameters: number | null
  /** Multiply-accumulates (ONNX only); null for other formats. */
  macs: number | null
  /** One line saying what the file is beyond its numbers, e.g. `HAILO8P · SDK 3.31.0 · yolov8 NMS on host`. */
  detail: string
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
  /** Read a dataset (COCO JSON with an optional images folder, or a YOLO data.yaml) and store it. */
  'datasets.open': { args: { path: string; imagesDir?: string; split?: string }; result: DatasetRecord }
  'datasets.list': { args: Record<string, never>; result: DatasetRecord[] }
  'runs.list': { args: RunListQuery; result: RunSummary[] }
  'runs.get': { args: { id: number }; result: RunDetail }
  'runs.tag': { args: { id: number; tag: string }; result: RunSummary }
  'runs.untag': { args: { id: number; tag: string }; result: RunSummary }
  'runs.setNotes': { args: { id: number; notes: string }; result: RunSummary }
  'runs.delete': { args: { id: number }; result: { deleted: boolean } }
  /** The runs table (same filters as runs.list) as CSV text. */
  'runs.exportCsv': { args: RunListQuery; result: { csv: string } }
  /** One or many runs as a bundle (JSON text) for another workspace. */
  'runs.exportBundle': { args: { ids: number[] }; result: { json: string; runs: number } }
  /** Import a bundle (JSON text); runs already here (same uid) are skipped. */
  'runs.importBundle': { args: { json: string }; result: { imported: number[]; skipped: string[] } }
  /** Score a COCO results JSON file from a device or another tool as a run. */
  'runs.importResults': {
    args: {
      path: string
      datasetId: number
      modelId?: number
      stage: string
      backend: string
      label?: string
      notes?: string
      protocol?: Record<string, unknown>
      yolo80?: boolean
    }
    result: { run: RunSummary; warnings: string[] }
  }
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
  'datasets.open',
  'datasets.list',
  'runs.list',
  'runs.get',
  'runs.tag',
  'runs.untag',
  'runs.setNotes',
  'runs.delete',
  'runs.exportCsv',
  'runs.exportBundle',
  'runs.importBundle',
  'runs.importResults',
] as const satisfies readonly ApiMethod[]

// A compile-time check that API_METHODS lists every method: fails to type-check when one is missing.
type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>
const _allMethodsListed: Missing extends never ? true : Missing = true
void _allMethodsListed

/** Events main pushes to the renderer. Subscribing returns an unsubscribe function. */
export interface ApiEvents {
  /** The stored model list changed (opened, re-opened or removed). */
  'models.changed': { ids: number[] }
  /** Runs were added, changed (status, tags, notes) or deleted. */
  'runs.changed': { ids: number[] }
  'datasets.changed': { ids: number[] }
  /** The native menu (File › Open Model…, Open Recent) or the OS asked to open a file; the renderer calls `models.open`. */
  'app.openPath': { path: string }
}
export type ApiEvent = keyof ApiEvents
export const API_EVENTS = [
  'models.changed',
  'runs.changed',
  'datasets.changed',
  'app.openPath',
] as const satisfies readonly ApiEvent[]

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
