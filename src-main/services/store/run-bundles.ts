/** Export runs as a bundle; import a bundle, merging on run uids so nothing is duplicated. */
import type { Detection } from '../../core/datasets/dataset'
import { BUNDLE_FORMAT, BUNDLE_VERSION, type RunBundle } from '../../core/runs/run-bundle'
import type { CocoStats, ImageOutcome, PrCurveData, RunMetrics } from '../../shared/run'
import { QUANTSCOPE_VERSION } from '../../shared/version'
import type { Workspace } from './workspace'

export function exportRunBundle(ws: Workspace, ids: readonly number[]): RunBundle {
  const runs = ids.map((id) => {
    const run = ws.runs.get(id)
    const model = run.modelId !== null ? ws.models.get(run.modelId) : null
    const dataset = run.datasetId !== null ? ws.datasets.get(run.datasetId) : null
    const modelSha = model?.sha256 ?? run.modelSha256
    const fingerprint = dataset?.fingerprint ?? run.datasetFingerprint
    return {
      uid: run.uid,
      status: run.status,
      stage: run.stage,
      backend: run.backend,
      label: run.label,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      model: modelSha ? { sha256: modelSha, fileName: model?.fileName ?? '' } : null,
      dataset: fingerprint
        ? { fingerprint, format: dataset?.format ?? 'coco', path: dataset?.path ?? '' }
        : null,
      protocol: run.protocol,
      protocolHash: run.protocolHash,
      recipe: run.recipe,
      metrics: run.metrics as RunBundle['runs'][number]['metrics'],
      perClass: run.perClass,
      curves: run.curves,
      imageOutcomes: ws.runs.imageOutcomes(id),
      predictions: ws.runs
        .predictions(id)
        .map((d) => ({ ...d, bbox: [...d.bbox] as [number, number, number, number] })),
      timings: run.timings as Record<string, number>,
      host: run.host,
      versions: run.versions,
      tags: run.tags,
      notes: run.notes,
      imageCount: run.imageCount,
      errorCount: run.errorCount,
    }
  })
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: new Date().toISOString(),
    quantscopeVersion: QUANTSCOPE_VERSION,
    runs,
  }
}

export interface BundleImport {
  imported: number[]
  /** uids already in this workspace (skipped: no duplicates). */
  skipped: string[]
}

/** Import every run of a validated bundle in ONE transaction; runs whose uid exists are skipped. */
export function importRunBundle(ws: Workspace, bundle: RunBundle): BundleImport {
  return ws.runs.transaction(() => {
    const imported: number[] = []
    const skipped: string[] = []
    for (const run of bundle.runs) {
      if (ws.runs.byUid(run.uid)) {
        skipped.push(run.uid)
        continue
      }
      const model = run.model ? ws.models.bySha256(run.model.sha256) : undefined
      const dataset = run.dataset ? ws.datasets.byFingerprint(run.dataset.fingerprint) : undefined
      const summary = ws.runs.insertFinished(
        {
          uid: run.uid,
          status: run.status,
          stage: run.stage,
          backend: run.backend,
          label: run.label,
          modelId: model?.id ?? null,
          datasetId: dataset?.id ?? null,
          modelSha256: run.model?.sha256 ?? null,
          datasetFingerprint: run.dataset?.fingerprint ?? null,
          protocol: run.protocol,
          protocolHash: run.protocolHash,
          recipe: run.recipe,
          host: run.host,
          versions: run.versions,
          notes: run.notes,
          createdAt: run.createdAt,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
        },
        run.metrics
          ? {
              metrics: { ...run.metrics, coco: { stats: run.metrics.coco.stats as CocoStats } } as RunMetrics,
              perClass: run.perClass,
              curves: run.curves as PrCurveData[],
              imageOutcomes: run.imageOutcomes as ImageOutcome[],
              predictions: run.predictions as Detection[],
              timings: run.timings,
              imageCount: run.imageCount ?? 0,
              errorCount: run.errorCount,
            }
          : null,
        run.tags,
      )
      imported.push(summary.id)
    }
    return { imported, skipped }
  })
}
