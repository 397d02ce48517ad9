/** `app.*`: what this Quantscope is and where its workspace lives. */
import { createRequire } from 'node:module'
import type { ApiHandlers } from '../shared/api'
import { sqliteVersion } from '../services/store/database'
import { QUANTSCOPE_VERSION } from '../shared/version'
import type { ApiContext } from './context'

/** Versions of the native libraries, read from their package.json (no native load needed). */
function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url)
    return (require(`${name}/package.json`) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

export function appHandlers(ctx: ApiContext): Pick<ApiHandlers, 'app.info'> {
  return {
    'app.info': async () => ({
      name: 'Quantscope',
      version: QUANTSCOPE_VERSION,
      host: ctx.host,
      workspace: ctx.workspace.dir,
      versions: {
        node: process.versions.node,
        sqlite: sqliteVersion(ctx.workspace.db),
        'better-sqlite3': packageVersion('better-sqlite3'),
        'onnxruntime-node': packageVersion('onnxruntime-node'),
        ...ctx.hostVersions,
      },
    }),
  }
}
