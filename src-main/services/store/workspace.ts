/**
 * A workspace is a folder: `quantscope.db` (SQLite) and `imports/` (copies of files opened from bytes,
 * e.g. dropped into a browser). The desktop app, `serve` and the CLI may open the same workspace at once.
 */
import { mkdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { FileAccessError, quote } from '../../core/errors'
import { openDatabase, type Db } from './database'
import { DatasetRepository } from './dataset-repository'
import { ModelRepository } from './model-repository'
import { RunRepository } from './run-repository'

export const DATABASE_FILE = 'quantscope.db'
export const IMPORTS_DIR = 'imports'

export interface Workspace {
  dir: string
  db: Db
  models: ModelRepository
  datasets: DatasetRepository
  runs: RunRepository
  /** Runs found `running` by a dead process at open time, now `interrupted`. */
  recovered: number[]
  close(): void
}

/**
 * The OS user-data folder Electron uses for an app named "Quantscope" (`app.getPath('userData')`),
 * plus `workspace/`, so the CLI and the desktop app share one workspace by default.
 */
export function defaultWorkspaceDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  const home = homedir()
  let userData: string
  if (platform === 'win32') userData = join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Quantscope')
  else if (platform === 'darwin') userData = join(home, 'Library', 'Application Support', 'Quantscope')
  else userData = join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Quantscope')
  return join(userData, 'workspace')
}

export function openWorkspace(dir: string): Workspace {
  const abs = resolve(dir)
  try {
    mkdirSync(abs, { recursive: true })
  } catch (error) {
    throw new FileAccessError(
      `cannot create the workspace folder ${quote(abs)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another with --workspace`,
      { cause: error },
    )
  }
  if (!statSync(abs).isDirectory()) {
    throw new FileAccessError(
      `the workspace ${quote(abs)} is a file, not a folder; choose a folder with --workspace`,
    )
  }
  const db = openDatabase(join(abs, DATABASE_FILE))
  const runs = new RunRepository(db)
  let recovered: number[]
  try {
    recovered = runs.recoverInterrupted()
  } catch (error) {
    db.close()
    throw error
  }
  return {
    dir: abs,
    db,
    models: new ModelRepository(db),
    datasets: new DatasetRepository(db),
    runs,
    recovered,
    close: () => db.close(),
  }
}
