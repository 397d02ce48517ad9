/** The whole API, implemented once for every host. */
import type { ApiHandlers } from '../shared/api'
import { appHandlers } from './app-handlers'
import type { ApiContext } from './context'
import { datasetHandlers } from './dataset-handlers'
import { modelHandlers } from './model-handlers'
import { runHandlers } from './run-handlers'

export function createHandlers(ctx: ApiContext): ApiHandlers {
  return {
    ...appHandlers(ctx),
    ...modelHandlers(ctx),
    ...datasetHandlers(ctx),
    ...runHandlers(ctx),
  } satisfies ApiHandlers
}
