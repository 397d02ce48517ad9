/** `datasets.*`: read a dataset from disk, fingerprint it, keep it in the store. */
import { resolve } from 'node:path'
import { datasetFingerprint } from '../core/datasets/dataset-fingerprint'
import type { ApiHandlers, DatasetRecord } from '../shared/api'
import { openDataset } from '../services/files/dataset-files'
import type { Workspace } from '../services/store/workspace'
import type { ApiContext } from './context'

/** Read and store a dataset; shared by the handler, `quantscope eval` and imports. */
export async function openAndStoreDataset(
  ws: Workspace,
  request: { path: string; imagesDir?: string; split?: string },
): Promise<{ record: DatasetRecord; dataset: Awaited<ReturnType<typeof openDataset>> }> {
  const path = resolve(request.path)
  const imagesDir = request.imagesDir ? resolve(request.imagesDir) : undefined
  const dataset = await openDataset(path, {
    ...(imagesDir ? { imagesDir } : {}),
    ...(request.split ? { split: request.split } : {}),
  })
  const fingerprint = await datasetFingerprint(dataset)
  const record = ws.datasets.upsert(dataset, {
    path,
    fingerprint,
    split: dataset.format === 'yolo' ? (request.split ?? 'val') : null,
    imagesDir: imagesDir ?? null,
  })
  return { record: { ...record, warnings: dataset.warnings }, dataset }
}

export function datasetHandlers(ctx: ApiContext): Pick<ApiHandlers, 'datasets.open' | 'datasets.list'> {
  return {
    'datasets.open': async (args) => {
      const { record } = await openAndStoreDataset(ctx.workspace, args)
      ctx.emit('datasets.changed', { ids: [record.id] })
      return record
    },
    'datasets.list': async () => ctx.workspace.datasets.list(),
  }
}
