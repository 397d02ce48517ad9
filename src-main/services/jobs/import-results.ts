/**
 * Import detections made elsewhere — a Hailo device, an Edge TPU, OpenVINO — as a run: a COCO results
 * JSON scored against a stored dataset with the same metrics as every other run. This is how hardware
 * results enter the ladder.
 */
import { createHash } from 'node:crypto'
import { hostname, platform } from 'node:os'
import { checkDetections, describeDetectionCheck } from '../../core/datasets/coco-results'
import { datasetFingerprint } from '../../core/datasets/dataset-fingerprint'
import { DatasetError, InvalidArgumentError, quote } from '../../core/errors'
import { canonicalJson } from '../../core/canonical-json'
import { scoreRun } from '../../core/runs/run-result'
import type { RunSummary, Stage } from '../../shared/run'
import { QUANTSCOPE_VERSION } from '../../shared/version'
import { openDataset, openDetections } from '../files/dataset-files'
import type { Workspace } from '../store/workspace'

export interface ResultsImport {
  /** COCO results JSON: [{image_id, category_id, bbox [x,y,w,h] px, score}]. */
  file: string
  datasetId: number
  modelId?: number | null
  stage: Stage
  backend: string
  label?: string
  notes?: string
  /** The protocol the results were made with (preprocessing, NMS …), as the user knows it. */
  protocol?: Record<string, unknown>
  /** Detections carry class indices 0..79 instead of COCO category ids. */
  yolo80?: boolean
  tags?: string[]
}

export interface ImportedResults {
  run: RunSummary
  warnings: string[]
}

export async function importCocoResults(ws: Workspace, request: ResultsImport): Promise<ImportedResults> {
  if (!request.backend.trim())
    throw new InvalidArgumentError('give the backend the results came from (e.g. --backend hailo8)')
  const stored = ws.datasets.get(request.datasetId)
  if (request.modelId !== undefined && request.modelId !== null) ws.models.get(request.modelId) // exists?
  const dataset = await openDataset(stored.path, {
    ...(stored.split ? { split: stored.split } : {}),
    ...(stored.imagesDir ? { imagesDir: stored.imagesDir } : {}),
  })
  const fingerprint = await datasetFingerprint(dataset)
  if (fingerprint !== stored.fingerprint) {
    throw new DatasetError(
      `the dataset at ${quote(stored.path)} changed since it was stored (fingerprint ${fingerprint.slice(0, 12)}, stored ${stored.fingerprint.slice(0, 12)}); results scored against it would not be comparable — open it again as a new dataset`,
    )
  }
  const dets = await openDetections(request.file, { categoryIds: request.yolo80 ? 'yolo80' : 'coco' })
  const warnings = describeDetectionCheck(checkDetections(dataset, dets), 'imported detections')
  const scored = scoreRun(dataset, dets)
  const protocol = request.protocol ?? { source: 'imported', note: 'protocol not given at import' }
  const model = request.modelId ? ws.models.get(request.modelId) : null
  const now = new Date().toISOString()
  const run = ws.runs.insertFinished(
    {
      status: 'completed',
      stage: request.stage,
      backend: request.backend,
      label: request.label ?? '',
      notes: request.notes ?? '',
      modelId: model?.id ?? null,
      modelSha256: model?.sha256 ?? null,
      datasetId: stored.id,
      datasetFingerprint: stored.fingerprint,
      protocol,
      protocolHash: createHash('sha256').update(canonicalJson(protocol)).digest('hex'),
      host: { hostname: hostname(), platform: platform(), importedFrom: request.file },
      versions: { quantscope: QUANTSCOPE_VERSION },
      createdAt: now,
      startedAt: now,
      finishedAt: now,
    },
    { ...scored, timings: {}, imageCount: dataset.images.length, errorCount: 0 },
    request.tags ?? [],
  )
  return { run, warnings }
}
