/**
 * The opened models: the list (`models.list`), the selected model's full record (`models.get`), and the
 * three ways in (a path, dropped or picked files, the native menu's `app.openPath`). Follows
 * `models.changed`, and lists again after a lost connection comes back (events may have been missed).
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ModelListItem, ModelRecord } from '../../../src-main/shared/api'
import { getApiClient } from '../api/client'
import { useErrorsStore } from './errors'

/** Newest first; ties by id so the order never flickers. */
function byOpenedAtDesc(a: ModelListItem, b: ModelListItem): number {
  return a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : b.id - a.id
}

export const useModelsStore = defineStore('models', () => {
  const client = getApiClient()
  const errors = useErrorsStore()

  const items = ref<ModelListItem[]>([])
  /** False until the first `models.list` answered (to tell "loading" from "empty"). */
  const listLoaded = ref(false)
  const listLoading = ref(false)
  const selectedId = ref<number | null>(null)
  const selected = ref<ModelRecord | null>(null)
  const selectedLoading = ref(false)
  /** Names of the paths or files being opened right now, for the busy indicator. */
  const opening = ref<string[]>([])
  const removingId = ref<number | null>(null)

  const sortedItems = computed(() => [...items.value].sort(byOpenedAtDesc))
  const isOpening = computed(() => opening.value.length > 0)

  let stopFns: Array<() => void> = []
  let lastStatus = client.status
  /** Increases per selection, so a slow `models.get` cannot overwrite a later choice. */
  let selectToken = 0

  async function refresh(): Promise<void> {
    listLoading.value = true
    const result = await client['models.list']({})
    listLoading.value = false
    if (!result.ok) {
      errors.report(result.error, 'Listing the opened models')
      return
    }
    const first = !listLoaded.value
    items.value = result.value
    listLoaded.value = true
    if (selectedId.value !== null && !result.value.some((m) => m.id === selectedId.value)) {
      clearSelection()
    }
    // On first load, show the most recently opened model rather than an empty panel.
    const newest = sortedItems.value[0]
    if (first && selectedId.value === null && newest) void select(newest.id)
  }

  function clearSelection(): void {
    selectToken += 1
    selectedId.value = null
    selected.value = null
    selectedLoading.value = false
  }

  async function select(id: number): Promise<void> {
    if (selectedId.value === id && selected.value?.id === id) return
    const token = ++selectToken
    selectedId.value = id
    selectedLoading.value = true
    const result = await client['models.get']({ id })
    if (token !== selectToken) return
    selectedLoading.value = false
    if (result.ok) {
      selected.value = result.value
    } else {
      selected.value = null
      errors.report(result.error, `Reading model #${id}`)
    }
  }

  function showOpened(record: ModelRecord): void {
    selectToken += 1
    selectedId.value = record.id
    selected.value = record
    selectedLoading.value = false
    // The list row comes from the server (`models.list`, refreshed by the caller and by `models.changed`):
    // main is the one place that derives list facts from a summary.
  }

  async function track<T>(name: string, work: () => Promise<T>): Promise<T> {
    opening.value = [...opening.value, name]
    try {
      return await work()
    } finally {
      const i = opening.value.indexOf(name)
      if (i >= 0) opening.value = [...opening.value.slice(0, i), ...opening.value.slice(i + 1)]
    }
  }

  /** Open a file on the machine that runs Quantscope. Resolves true when it opened. */
  async function openPath(rawPath: string): Promise<boolean> {
    const path = rawPath.trim()
    if (path === '') {
      errors.report(
        { code: 'INVALID_ARGUMENT', message: 'Type the path of an ONNX model first.' },
        'Opening a model',
      )
      return false
    }
    const result = await track(path, () => client['models.open']({ path }))
    if (!result.ok) {
      errors.report(result.error, `Opening ${path}`)
      return false
    }
    showOpened(result.value)
    void refresh()
    return true
  }

  /** Open dropped or picked files one after the other; the last one that opens is selected. */
  async function openFiles(files: readonly File[]): Promise<void> {
    for (const file of files) {
      const result = await track(file.name, () => client.openFile(file))
      if (result.ok) showOpened(result.value)
      else errors.report(result.error, `Opening ${file.name}`)
    }
    if (files.length > 0) void refresh()
  }

  async function remove(id: number): Promise<void> {
    removingId.value = id
    const result = await client['models.remove']({ id })
    removingId.value = null
    if (!result.ok) {
      errors.report(result.error, `Removing model #${id}`)
      return
    }
    items.value = items.value.filter((m) => m.id !== id)
    if (selectedId.value === id) clearSelection()
    void refresh()
  }

  /** Subscribe to the host's events and load the list. Idempotent; returns the unsubscribe. */
  function start(): () => void {
    if (stopFns.length === 0) {
      stopFns = [
        client.on('models.changed', () => void refresh()),
        client.on('app.openPath', ({ path }) => void openPath(path)),
        client.onStatus((status) => {
          // Back after a drop: events sent meanwhile were missed, so list again.
          if (status === 'open' && lastStatus === 'reconnecting') void refresh()
          lastStatus = status
        }),
      ]
      void refresh()
    }
    return stop
  }

  function stop(): void {
    for (const fn of stopFns) fn()
    stopFns = []
  }

  return {
    items,
    sortedItems,
    listLoaded,
    listLoading,
    selectedId,
    selected,
    selectedLoading,
    opening,
    isOpening,
    removingId,
    refresh,
    select,
    clearSelection,
    openPath,
    openFiles,
    remove,
    start,
    stop,
  }
})
