/** Electron IPC channel names: one per API method, one for all events. */
import type { ApiMethod } from './api'

export const ipcChannel = (method: ApiMethod): string => `quantscope:${method}`
export const IPC_EVENT_CHANNEL = 'quantscope:event'
