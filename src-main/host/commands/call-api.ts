/**
 * CLI commands call the same handlers as the window, through the same validation (`dispatch`), in a
 * workspace opened for the command and closed after it.
 */
import type { Command } from 'commander'
import { QuantscopeError } from '../../core/errors'
import { defaultWorkspaceDir, openWorkspace, type Workspace } from '../../services/store/workspace'
import type { ApiArgs, ApiMethod, ApiResult, ErrorCode } from '../../shared/api'

/** An API error surfaced in the CLI with its code (decides the exit code). */
export class ApiCallError extends QuantscopeError {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export interface CliApi {
  workspace: Workspace
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>>
}

export async function withApi<T>(
  workspaceDir: string | undefined,
  fn: (api: CliApi) => Promise<T>,
): Promise<T> {
  // Loaded on demand, so commands that do not touch the API start fast (zod alone takes ~100 ms).
  const [{ dispatch }, { createHandlers }] = await Promise.all([
    import('../../api/dispatch'),
    import('../../api/handlers'),
  ])
  const workspace = openWorkspace(workspaceDir ?? defaultWorkspaceDir())
  try {
    const handlers = createHandlers({ host: 'cli', workspace, emit: () => {} })
    return await fn({
      workspace,
      call: async (method, args) => {
        const result = await dispatch(handlers, method, args)
        if (!result.ok) throw new ApiCallError(result.error.code, result.error.message)
        return result.value as ApiResult<typeof method>
      },
    })
  } finally {
    workspace.close()
  }
}

/** The `--workspace DIR` option every command that touches the store takes. */
export function workspaceOption(command: Command): Command {
  return command.option('--workspace <dir>', 'workspace folder (default: the desktop app’s)')
}
