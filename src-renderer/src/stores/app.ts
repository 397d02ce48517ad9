/** What the header shows: the host's `app.info` and the state of the connection to it. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '../../../src-main/shared/api'
import { getApiClient, type ConnectionStatus } from '../api/client'
import { useErrorsStore } from './errors'

export const useAppStore = defineStore('app', () => {
  const client = getApiClient()
  const errors = useErrorsStore()

  const info = ref<AppInfo | null>(null)
  const status = ref<ConnectionStatus>(client.status)
  const transport = client.transport
  let started = false

  async function loadInfo(): Promise<void> {
    const result = await client['app.info']({})
    if (result.ok) info.value = result.value
    else errors.report(result.error, 'Asking Quantscope for its workspace')
  }

  /** Load `app.info` and follow the connection; after a reconnect the info is read again. */
  function start(): void {
    if (started) return
    started = true
    client.onStatus((next) => {
      const wasDown = status.value !== 'open'
      status.value = next
      if (next === 'open' && wasDown && info.value === null) void loadInfo()
    })
    void loadInfo()
  }

  return { info, status, transport, start, loadInfo }
})
