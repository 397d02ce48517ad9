/** What handlers need from the host that runs them (Electron, `serve` or the CLI). */
import type { ApiEvent, ApiEvents, AppInfo } from '../shared/api'
import type { Workspace } from '../services/store/workspace'

export interface ApiContext {
  host: AppInfo['host']
  workspace: Workspace
  /** Push an event to every connected renderer. */
  emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void
  /** Extra versions the host knows (electron, chrome). */
  hostVersions?: Record<string, string>
}
