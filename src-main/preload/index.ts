/**
 * The preload: exposes exactly the methods and events of `shared/api.ts` on `window.quantscope`, and
 * nothing generic (no raw ipcRenderer, no arbitrary channel). Runs sandboxed, so it can only import
 * 'electron' and what the bundler inlines.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import {
  API_EVENTS,
  API_METHODS,
  type ApiClientMethods,
  type ApiEvent,
  type ApiEvents,
  type PreloadBridge,
} from '../shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel } from '../shared/ipc'

const invoke = Object.fromEntries(
  API_METHODS.map((method) => [method, (args: unknown) => ipcRenderer.invoke(ipcChannel(method), args)]),
) as unknown as ApiClientMethods

const bridge: PreloadBridge = {
  invoke,
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    if (!(API_EVENTS as readonly string[]).includes(event)) throw new Error(`unknown event ${String(event)}`)
    const wrapped = (_e: IpcRendererEvent, message: { event: string; payload: unknown }): void => {
      if (message.event === event) listener(message.payload as ApiEvents[E])
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped)
    }
  },
  pathForFile: (file: File) => webUtils.getPathForFile(file),
}

contextBridge.exposeInMainWorld('quantscope', bridge)
