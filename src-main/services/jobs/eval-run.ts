/**
 * An evaluation as a stored run: the model and dataset are registered (by hash and fingerprint), a run is
 * created and driven through the job queue (heartbeat, cancel, failure recorded), and its result — metrics,
 * per-class AP, curves, per-image outcomes, predictions, timings — lands in one transaction.
 */
import { hostname, platform, cpus } from 'node:os'
import { datasetFingerprint } from '../../core/datasets/dataset-fingerprint'
import { openModelBytes } from '../../core/formats/registry'
import { scoreRun } from '../../core/runs/run-result'
import type { Dataset } from '../../core/datasets/dataset'
import type { RunSummary, Stage } from '../../shared/run'
import { QUANTSCOPE_VERSION } from '../../shared/version'
import { readModelFile } from '../files/model-file'
import type { Workspace } from '../store/workspace'
import { evaluate, type EvaluateOptions, type EvaluationResult } from './evaluate'
import { JobQueue, type JobProgress } from './job-queue'

export interface EvalRunOptions extends Omit<EvaluateOptions, 'signal' | 'onProgress'> {
  /** Where the dataset was read from, so the store can find it again. */
  datasetSource: { path: string; imagesDir?: string; split?: string }
  stage?: Stage
  backend?: string
  label?: string
  signal?: AbortSignal
  onProgress?: (p: JobProgress & { errors: number }) => void
}

export interface EvalRun {
  run: RunSummary
  result: EvaluationResult
}

function packageVersions(): Record<string, string> {
  return { quantscope: QUANTSCOPE_VERSION, node: process.versions.node }
}

export async function evaluateAsRun(ws: Workspace, options: EvalRunOptions): Promise<EvalRun> {
  const file = readModelFile(options.modelPath)
  const summary = openModelBytes(file.bytes, file.host, file.fileName)
  const model = ws.models.upsert({
    path: file.path,
    fileName: file.fileName,
    sha256: file.sha256,
    sizeBytes: file.sizeBytes,
    format: summary.format,
    summary,
  })
  const dataset: Dataset = options.dataset
  const fingerprint = await datasetFingerprint(dataset)
  const storedDataset = ws.datasets.upsert(dataset, {
    path: options.datasetSource.path,
    fingerprint,
    split: dataset.format === 'yolo' ? (options.datasetSource.split ?? 'val') : null,
    imagesDir: options.datasetSource.imagesDir ?? null,
  })
  const created = ws.runs.create({
    status: 'queued',
    stage: options.stage ?? 'original',
    backend: options.backend ?? 'ort-cpu',
    label: options.label ?? '',
    modelId: model.id,
    modelSha256: model.sha256,
    datasetId: storedDataset.id,
    datasetFingerprint: fingerprint,
    // The protocol is resolved by evaluate() from the model and the choices; stored when it is known.
    protocol: { pending: true },
    protocolHash: 'pending',
    host: { hostname: hostname(), platform: platform(), cpu: cpus()[0]?.model ?? 'unknown' },
    versions: packageVersions(),
  })

  let result: EvaluationResult | undefined
  let failure: unknown
  const queue = new JobQueue(
    ws.runs,
    options.onProgress ? { onProgress: (p) => options.onProgress!({ ...p, errors: 0 }) } : {},
  )
  const cancel = (): void => void queue.cancel(created.id)
  options.signal?.addEventListener('abort', cancel, { once: true })
  try {
    await queue.enqueue(created.id, async ({ signal, progress }) => {
      try {
        const {
          datasetSource: _s,
          stage: _st,
          backend: _b,
          label: _l,
          onProgress,
          signal: _sig,
          ...evalOptions
        } = options
        result = await evaluate({
          ...evalOptions,
          signal,
          onProgress: (p) => {
            progress({ done: p.done, total: p.total, ...(p.etaMs === null ? {} : { etaMs: p.etaMs }) })
            onProgress?.({
              runId: created.id,
              done: p.done,
              total: p.total,
              errors: p.errors,
              ...(p.etaMs === null ? {} : { etaMs: p.etaMs }),
            })
          },
        })
      } catch (error) {
        failure = error
        throw error
      }
      ws.runs.setProtocol(
        created.id,
        result.protocol as unknown as Record<string, unknown>,
        result.protocolHash,
      )
      // Score against the pictures evaluate() scored (a --limit, failed pictures), as its own metrics do.
      const ids = new Set(result.scoredImageIds)
      const gt = {
        images: dataset.images.filter((im) => ids.has(im.id)),
        categories: dataset.categories,
        annotations: dataset.annotations.filter((a) => ids.has(a.imageId)),
      }
      const scored = scoreRun(gt, result.predictions)
      const failed = result.errors.map((e) => ({
        imageId: e.imageId,
        tp: 0,
        fp: 0,
        fn: 0,
        error: `${e.reason}: ${e.message}`,
      }))
      return {
        ...scored,
        imageOutcomes: [...scored.imageOutcomes, ...failed],
        timings: {
          preprocessMs: result.speed.preprocess,
          inferenceMs: result.speed.inference,
          postprocessMs: result.speed.postprocess,
          totalMs: result.wallMs,
        },
        imageCount: result.images,
        errorCount: result.errors.length,
      }
    })
  } finally {
    options.signal?.removeEventListener('abort', cancel)
  }
  if (failure !== undefined) throw failure
  if (options.signal?.aborted) throw options.signal.reason
  return { run: ws.runs.summary(created.id), result: result! }
}
