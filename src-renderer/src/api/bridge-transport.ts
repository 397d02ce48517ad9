/** The Electron transport: the preload's `window.quantscope`, already typed by the contract. */
import type { ApiEvent, ApiMethod, PreloadBridge, Result } from '../../../src-main/shared/api'
import { describeThrown, failure, isResult, type ConnectionStatus, type Transport } from './transport'

type AnyInvoke = Record<string, ((args: unknown) => Promise<unknown>) | undefined>

export function createBridgeTransport(bridge: PreloadBridge): Transport {
  const invoke = bridge.invoke as unknown as AnyInvoke
  return {
    kind: 'bridge',
    status: 'open',
    async call(method: ApiMethod, args: unknown): Promise<Result<unknown>> {
      const fn = invoke[method]
      if (typeof fn !== 'function') {
        return failure(
          'INTERNAL',
          `The Quantscope window does not expose "${method}": the preload is older than this page.`,
        )
      }
      try {
        const result = await fn(args)
        if (isResult(result)) return result
        return failure(
          'INTERNAL',
          `Quantscope answered "${method}" with something that is not a Result (a bug).`,
        )
      } catch (error) {
        // IPC itself failed (main crashed, handler missing): still a Result, never a rejection.
        return failure('INTERNAL', `Calling "${method}" failed inside Quantscope: ${describeThrown(error)}`)
      }
    },
    on(event: ApiEvent, listener: (payload: unknown) => void): () => void {
      return bridge.on(event, listener)
    },
    onStatus(listener: (status: ConnectionStatus) => void): () => void {
      void listener
      return () => {}
    },
    pathForFile(file: File): string | null {
      try {
        const path = bridge.pathForFile(file)
        return path === '' ? null : path
      } catch {
        return null
      }
    },
    dispose() {},
  }
}
