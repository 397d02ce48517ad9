/** The whole API, implemented once for every host. */
import type { ApiHandlers } from '../shared/api'
import { appHandlers } from './app-handlers'
import type { ApiContext } from './context'
import { modelHandlers } from './model-handlers'

export function createHandlers(ctx: ApiContext): ApiHandlers {
  return {
    ...appHandlers(ctx),
    ...modelHandlers(ctx),
  } satisfies ApiHandlers
}
