/** A ModelFileHost over the real file system, for tests (core itself never touches fs). */
import { statSync } from 'node:fs'
import path from 'node:path'
import type { ModelFileHost } from '../../src-main/core/formats/model-format'

/** Sizes of files beside `modelPath`; null when missing or not a regular file. */
export function fsModelHost(modelPath: string): ModelFileHost {
  const folder = path.dirname(modelPath)
  return {
    siblingSize(location: string): number | null {
      const stat = statSync(path.resolve(folder, location), { throwIfNoEntry: false })
      return stat?.isFile() ? stat.size : null
    },
  }
}

/** A host for models that must not touch external data: any request fails the test. */
export const noSiblingsHost: ModelFileHost = {
  siblingSize(location: string): number | null {
    throw new Error(`unexpected external data request for ${JSON.stringify(location)}`)
  },
}
