/** `runs.*`: the runs table, tags and notes, CSV and bundle exports, bundle and results imports. */
import { parseJsonText } from '../core/datasets/json-text'
import { parseRunBundle } from '../core/runs/run-bundle'
import { runsToCsv } from '../core/runs/runs-csv'
import type { ApiHandlers, RunListQuery } from '../shared/api'
import type { RunQuery } from '../services/store/run-repository'
import { exportRunBundle, importRunBundle } from '../services/store/run-bundles'
import { importCocoResults } from '../services/jobs/import-results'
import type { ApiContext } from './context'

type RunHandlers = Pick<
  ApiHandlers,
  | 'runs.list'
  | 'runs.get'
  | 'runs.tag'
  | 'runs.untag'
  | 'runs.setNotes'
  | 'runs.delete'
  | 'runs.exportCsv'
  | 'runs.exportBundle'
  | 'runs.importBundle'
  | 'runs.importResults'
>

export function runHandlers(ctx: ApiContext): RunHandlers {
  const { runs } = ctx.workspace
  const changed = (...ids: number[]): void => ctx.emit('runs.changed', { ids })
  // The schema already restricted `sort` to RUN_SORT_KEYS.
  const query = (q: RunListQuery): RunQuery => q as RunQuery
  return {
    'runs.list': async (q) => runs.list(query(q)),
    'runs.get': async ({ id }) => runs.get(id),
    'runs.tag': async ({ id, tag }) => {
      runs.tag(id, tag)
      changed(id)
      return runs.summary(id)
    },
    'runs.untag': async ({ id, tag }) => {
      runs.untag(id, tag)
      changed(id)
      return runs.summary(id)
    },
    'runs.setNotes': async ({ id, notes }) => {
      runs.setNotes(id, notes)
      changed(id)
      return runs.summary(id)
    },
    'runs.delete': async ({ id }) => {
      const deleted = runs.delete(id)
      if (deleted) changed(id)
      return { deleted }
    },
    'runs.exportCsv': async (q) => ({ csv: runsToCsv(runs.list(query(q))) }),
    'runs.exportBundle': async ({ ids }) => {
      const bundle = exportRunBundle(ctx.workspace, ids)
      return { json: JSON.stringify(bundle), runs: bundle.runs.length }
    },
    'runs.importBundle': async ({ json }) => {
      const bundle = parseRunBundle(parseJsonText(json, 'the bundle'), 'the bundle')
      const result = importRunBundle(ctx.workspace, bundle)
      if (result.imported.length) changed(...result.imported)
      return result
    },
    'runs.importResults': async ({ path, ...rest }) => {
      const result = await importCocoResults(ctx.workspace, { file: path, ...rest })
      changed(result.run.id)
      return result
    },
  }
}
