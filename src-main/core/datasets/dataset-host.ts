/**
 * What the dataset readers may ask of the file system. Core stays pure (DESIGN rule 2): the services
 * implement this over node:fs (`services/files/dataset-files.ts`), tests use the same real host.
 * Asynchronous, so that reading 5,000 label files and image headers never blocks the main process.
 */

export type PathKind = 'file' | 'dir' | 'other'

export interface DirEntry {
  name: string
  kind: PathKind
}

export interface DatasetHost {
  /** The whole file as UTF-8 text. Throws NotFoundError when it does not exist. */
  readText(path: string): Promise<string>
  /** The first `maxBytes` bytes of the file, fewer when the file is shorter. Throws NotFoundError when missing. */
  readHead(path: string, maxBytes: number): Promise<Uint8Array>
  /** The entries of a folder (names only, any order). Throws NotFoundError when it does not exist. */
  listDir(path: string): Promise<DirEntry[]>
  /** What is at `path` (symbolic links followed), or null when nothing is: exists / isFile / isDir in one call. */
  kind(path: string): Promise<PathKind | null>
}

/** Run `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
