/**
 * The stored runs: the list (`runs.list`, all of it: the table filters and sorts in the window), tags and
 * notes, export and import, the datasets an import scores against, and a cache of run details for the
 * Ladder and Compare views. Follows `runs.changed` and `datasets.changed`; lists again after a reconnect.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ApiArgs, DatasetRecord, RunDetail, RunSummary } from '../../../src-main/shared/api'
import { getApiClient } from '../api/client'
import { downloadText } from '../runs/download'
import { useErrorsStore } from './errors'

export const useRunsStore = defineStore('runs', () => {
  const client = getApiClient()
  const errors = useErrorsStore()

  const items = shallowRef<RunSummary[]>([])
  const listLoaded = ref(false)
  const datasets = shallowRef<DatasetRecord[]>([])
  const busy = ref<string | null>(null)
  const details = new Map<number, RunDetail>()

  let stopFns: Array<() => void> = []
  let lastStatus = client.status
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  async function refresh(): Promise<void> {
    const result = await client['runs.list']({})
    if (!result.ok) {
      errors.report(result.error, 'Listing the runs')
      return
    }
    items.value = result.value
    listLoaded.value = true
  }

  async function loadDatasets(): Promise<void> {
    const result = await client['datasets.list']({})
    if (result.ok) datasets.value = result.value
    else errors.report(result.error, 'Listing the datasets')
  }

  /** Many `runs.changed` in a burst (an import of many runs) list once. */
  function scheduleRefresh(ids: number[]): void {
    for (const id of ids) details.delete(id)
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      void refresh()
    }, 50)
  }

  function replace(summary: RunSummary): void {
    items.value = items.value.map((r) => (r.id === summary.id ? summary : r))
    details.delete(summary.id)
  }

  async function addTag(ids: readonly number[], rawTag: string): Promise<boolean> {
    const tag = rawTag.trim()
    if (tag === '') {
      errors.report({ code: 'INVALID_ARGUMENT', message: 'Type a tag first.' }, 'Tagging runs')
      return false
    }
    let ok = true
    for (const id of ids) {
      const result = await client['runs.tag']({ id, tag })
      if (result.ok) replace(result.value)
      else {
        ok = false
        errors.report(result.error, `Tagging run #${id} "${tag}"`)
      }
    }
    return ok
  }

  async function removeTag(id: number, tag: string): Promise<void> {
    const result = await client['runs.untag']({ id, tag })
    if (result.ok) replace(result.value)
    else errors.report(result.error, `Removing tag "${tag}" from run #${id}`)
  }

  /** Make a run's tags equal to `tags` (adds and removes what differs). */
  async function setTags(id: number, tags: readonly string[]): Promise<void> {
    const run = items.value.find((r) => r.id === id)
    if (!run) return
    const wanted = [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))]
    for (const tag of run.tags.filter((t) => !wanted.includes(t))) await removeTag(id, tag)
    const toAdd = wanted.filter((t) => !run.tags.includes(t))
    for (const tag of toAdd) await addTag([id], tag)
  }

  async function setNotes(id: number, notes: string): Promise<void> {
    const result = await client['runs.setNotes']({ id, notes })
    if (result.ok) replace(result.value)
    else errors.report(result.error, `Saving the notes of run #${id}`)
  }

  async function track<T>(what: string, work: () => Promise<T>): Promise<T> {
    busy.value = what
    try {
      return await work()
    } finally {
      busy.value = null
    }
  }

  async function exportCsv(): Promise<void> {
    const result = await track('Exporting CSV', () => client['runs.exportCsv']({}))
    if (result.ok) downloadText('quantscope-runs.csv', result.value.csv, 'text/csv')
    else errors.report(result.error, 'Exporting the runs as CSV')
  }

  async function exportBundle(ids: readonly number[]): Promise<void> {
    const result = await track('Exporting bundle', () => client['runs.exportBundle']({ ids: [...ids] }))
    if (result.ok) downloadText(`quantscope-runs-${ids.length}.json`, result.value.json, 'application/json')
    else errors.report(result.error, `Exporting ${ids.length} run(s) as a bundle`)
  }

  /** Import a bundle file picked in the window; resolves to the message to show, or null on failure. */
  async function importBundle(file: File): Promise<string | null> {
    const json = await file.text()
    const result = await track('Importing bundle', () => client['runs.importBundle']({ json }))
    if (!result.ok) {
      errors.report(result.error, `Importing the bundle ${file.name}`)
      return null
    }
    void refresh()
    const { imported, skipped } = result.value
    return `Imported ${imported.length} run(s)${skipped.length ? `, skipped ${skipped.length} already here` : ''}.`
  }

  async function importResults(args: ApiArgs<'runs.importResults'>): Promise<string | null> {
    const result = await track('Importing results', () => client['runs.importResults'](args))
    if (!result.ok) {
      errors.report(result.error, `Importing results ${args.path}`)
      return null
    }
    void refresh()
    const { run, warnings } = result.value
    return `Imported run #${run.id} (${run.stage} on ${run.backend}).${warnings.length ? ` ${warnings.join(' ')}` : ''}`
  }

  /** The details of these runs, in this order; failures are reported and left out. */
  async function getDetails(ids: readonly number[]): Promise<RunDetail[]> {
    const out = await Promise.all(
      ids.map(async (id) => {
        const cached = details.get(id)
        if (cached) return cached
        const result = await client['runs.get']({ id })
        if (!result.ok) {
          errors.report(result.error, `Reading run #${id}`)
          return null
        }
        details.set(id, result.value)
        return result.value
      }),
    )
    return out.filter((d): d is RunDetail => d !== null)
  }

  function start(): () => void {
    if (stopFns.length === 0) {
      stopFns = [
        client.on('runs.changed', ({ ids }) => scheduleRefresh(ids)),
        client.on('datasets.changed', () => void loadDatasets()),
        client.onStatus((status) => {
          if (status === 'open' && lastStatus === 'reconnecting') {
            details.clear()
            void refresh()
            void loadDatasets()
          }
          lastStatus = status
        }),
      ]
      void refresh()
      void loadDatasets()
    }
    return stop
  }

  function stop(): void {
    for (const fn of stopFns) fn()
    stopFns = []
  }

  return {
    items,
    listLoaded,
    datasets,
    busy,
    refresh,
    loadDatasets,
    addTag,
    removeTag,
    setTags,
    setNotes,
    exportCsv,
    exportBundle,
    importBundle,
    importResults,
    getDetails,
    start,
    stop,
  }
})
