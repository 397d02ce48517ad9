/** `models.*`: open model files, summarize them with the pure readers, keep them in the store. */
import { join } from 'node:path'
import type { ApiHandlers, ModelRecord } from '../shared/api'
import { openModelBytes } from '../core/formats/registry'
import { readModelFile, saveImportedFile } from '../services/files/model-file'
import { IMPORTS_DIR } from '../services/store/workspace'
import type { ApiContext } from './context'

type ModelHandlers = Pick<
  ApiHandlers,
  'models.list' | 'models.get' | 'models.open' | 'models.openBytes' | 'models.remove'
>

export function modelHandlers(ctx: ApiContext): ModelHandlers {
  const { models } = ctx.workspace

  /** Read, summarize, and only then write: bad input never touches the store. */
  function openPath(path: string): ModelRecord {
    const file = readModelFile(path)
    const summary = openModelBytes(file.bytes, file.host, file.fileName)
    const record = models.upsert({
      path: file.path,
      fileName: file.fileName,
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      format: summary.format,
      summary,
    })
    ctx.emit('models.changed', { ids: [record.id] })
    return record
  }

  return {
    'models.list': async () => models.list(),
    'models.get': async ({ id }) => models.get(id),
    'models.open': async ({ path }) => openPath(path),
    'models.openBytes': async ({ fileName, dataBase64 }) => {
      const bytes = Buffer.from(dataBase64, 'base64')
      // Summarize before saving so a bad drop leaves no file behind in the workspace.
      openModelBytes(bytes, { siblingSize: () => null }, fileName)
      const saved = saveImportedFile(join(ctx.workspace.dir, IMPORTS_DIR), fileName, bytes)
      return openPath(saved)
    },
    'models.remove': async ({ id }) => {
      const removed = models.remove(id)
      if (removed) ctx.emit('models.changed', { ids: [id] })
      return { removed }
    },
  }
}
