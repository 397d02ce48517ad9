/**
 * Runs: one evaluation of a model or variant × dataset × protocol × stage × backend. Plain JSON-safe
 * data shared by the store, the API, the CLI and the renderer.
 */

/** The deployment ladder's stages, in ladder order; users may add their own labels. */
export const STAGES = ['original', 'parsed', 'fp_optimized', 'quantized', 'hardware', 'emulator'] as const
export type KnownStage = (typeof STAGES)[number]
export type Stage = KnownStage | (string & {})

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** Columns the runs table can be sorted by (the store maps each to SQL; nothing else reaches SQL). */
export const RUN_SORT_KEYS = [
  'id',
  'createdAt',
  'finishedAt',
  'stage',
  'backend',
  'status',
  'label',
  'modelId',
  'datasetId',
  'optimizationLevel',
  'calibrationSetId',
  'clipping',
  'map50_95',
  'map50',
  'precision',
  'recall',
] as const
export type RunSortKey = (typeof RUN_SORT_KEYS)[number]

/** Everything that produced a variant; open-ended, the quantization issue fills it. Columns worth filtering on are copied out. */
export interface Recipe {
  endNodes?: string[]
  optimizationLevel?: number
  calibrationSetId?: number
  calibrationMethod?: string
  /** e.g. 'none', 'percentile:99.99', 'mse' */
  clipping?: string
  weightGranularity?: 'per-tensor' | 'per-channel'
  /** Layer (or pattern) → precision mode: a8_w8, a8_w4, a16_w8, a16_w16, fp32. */
  precisionModes?: Record<string, string>
  excludedNodes?: string[]
  [key: string]: unknown
}

/** pycocotools' 12 numbers, in its order: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl. */
export type CocoStats = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
]

export interface RunMetrics {
  coco: { stats: CocoStats }
  ultralytics?: {
    precision: number
    recall: number
    f1: number
    map50: number
    map75: number
    map50_95: number
    confidence: number
  }
  /** Precision and recall at the protocol's reporting confidence and IoU (confusion-matrix semantics). */
  atConfidence?: {
    conf: number
    iou: number
    precision: number
    recall: number
    tp: number
    fp: number
    fn: number
  }
}

export interface RunClassMetrics {
  categoryId: number
  name: string
  /** COCO AP@[.5:.95], AP50, AP75 for this class; -1 where undefined (no ground truth). */
  ap: number
  ap50: number
  ap75: number
  nGt: number
  nDt: number
}

/** One PR curve: precision at 101 recall points (COCO's recThrs), -1 where undefined. */
export interface PrCurveData {
  /** -1 for the mean over classes. */
  categoryId: number
  iou: number
  precision: number[]
}

/** Per image: what happened at IoU 0.5 (counts; matches come with the predictions). */
export interface ImageOutcome {
  imageId: number
  tp: number
  fp: number
  fn: number
  /** Failed images (decode errors …) carry the message. */
  error?: string
}

export interface RunTimings {
  /** Milliseconds per image. */
  preprocessMs?: number
  inferenceMs?: number
  postprocessMs?: number
  totalMs?: number
}

/** A row of the runs table. */
export interface RunSummary {
  id: number
  /** A random UUID given at creation: identifies the run across workspaces (bundle imports merge on it). */
  uid: string
  status: RunStatus
  stage: Stage
  backend: string
  label: string
  modelId: number | null
  variantId: number | null
  datasetId: number | null
  protocolHash: string
  optimizationLevel: number | null
  calibrationSetId: number | null
  clipping: string | null
  weightGranularity: string | null
  precisionModes: Record<string, string> | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  /** Denormalized for sorting: COCO AP@[.5:.95] and AP50, and Ultralytics P/R; null until completed. */
  map50_95: number | null
  map50: number | null
  precision: number | null
  recall: number | null
  imageCount: number | null
  errorCount: number
  tags: string[]
  notes: string
  error: string | null
}

export interface RunDetail extends RunSummary {
  /** The hashes that tie the run to its model and dataset, kept even when those rows are removed. */
  modelSha256: string | null
  datasetFingerprint: string | null
  protocol: Record<string, unknown>
  recipe: Recipe
  metrics: RunMetrics | null
  perClass: RunClassMetrics[]
  curves: PrCurveData[]
  timings: RunTimings
  host: Record<string, string>
  versions: Record<string, string>
  predictions: { count: number; sha256: string } | null
}
