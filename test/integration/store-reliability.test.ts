/**
 * The store under crashes and concurrency, with real child processes writing to a real SQLite workspace:
 * SIGKILL at 20 random points, two writers at once. Afterwards the database passes integrity_check,
 * every finished run is intact, and an interrupted one is marked so.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { openWorkspace } from '../../src-main/services/store/workspace'
import { repoRoot } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'

function startWriter(
  dir: string,
  seed: number,
  count?: number,
): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      '--experimental-transform-types',
      '--no-warnings',
      '--import',
      './test/helpers/ts-resolve.mjs',
      'test/helpers/run-writer.ts',
      dir,
      String(seed),
      ...(count ? [String(count)] : []),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const lines: string[] = []
  let buffer = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    const parts = buffer.split('\n')
    buffer = parts.pop()!
    lines.push(...parts)
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) console.error(stderr)
      resolve(code)
    }),
  )
  return { child, lines, exited }
}

const idsOf = (lines: string[], word: string): number[] =>
  lines.filter((l) => l.startsWith(`${word} `)).map((l) => Number(l.split(' ')[1]))

function checkWorkspace(dir: string, done: Set<number>): { completed: number; interrupted: number } {
  const ws = openWorkspace(dir)
  try {
    expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(ws.db.pragma('foreign_key_check')).toEqual([])
    const runs = ws.runs.list()
    expect(runs.filter((r) => r.status === 'running')).toEqual([])
    for (const id of done) {
      const run = ws.runs.get(id)
      expect(run.status).toBe('completed')
      expect(run.perClass).toHaveLength(80)
      expect(ws.runs.predictions(id)).toHaveLength(2000)
    }
    for (const run of runs) {
      if (run.status === 'interrupted') {
        const detail = ws.runs.get(run.id)
        expect(detail.metrics).toBeNull()
        expect(detail.perClass).toEqual([])
      } else {
        expect(run.status).toBe('completed')
        expect(ws.runs.get(run.id).perClass).toHaveLength(80)
      }
    }
    return {
      completed: runs.filter((r) => r.status === 'completed').length,
      interrupted: runs.filter((r) => r.status === 'interrupted').length,
    }
  } finally {
    ws.close()
  }
}

describe('store reliability', () => {
  const temps: ReturnType<typeof tempDir>[] = []
  afterAll(() => temps.forEach((t) => t.remove()))

  it('survives SIGKILL at 20 random points while writing runs', async () => {
    const temp = tempDir()
    temps.push(temp)
    openWorkspace(temp.dir).close() // create the schema once, so kills land in run writes
    let seed = 12345
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const done = new Set<number>()
    let interruptedSeen = 0
    for (let kill = 0; kill < 20; kill++) {
      const writer = startWriter(temp.dir, 1000 * kill)
      // Wait until it writes (startup takes a few hundred ms), then kill it at a random moment.
      while (!writer.lines.some((l) => l.startsWith('started'))) await new Promise((r) => setTimeout(r, 10))
      await new Promise((r) => setTimeout(r, random() * 400))
      writer.child.kill('SIGKILL')
      await writer.exited
      idsOf(writer.lines, 'done').forEach((id) => done.add(id))
      const counts = checkWorkspace(temp.dir, done)
      interruptedSeen = counts.interrupted
    }
    expect(done.size).toBeGreaterThan(0)
    expect(interruptedSeen).toBeGreaterThan(0) // at least some kills landed mid-run
  }, 180_000)

  it('two processes writing runs at once lose nothing', async () => {
    const temp = tempDir()
    temps.push(temp)
    openWorkspace(temp.dir).close()
    const a = startWriter(temp.dir, 1, 15)
    const b = startWriter(temp.dir, 500, 15)
    expect(await a.exited).toBe(0)
    expect(await b.exited).toBe(0)
    const done = new Set([...idsOf(a.lines, 'done'), ...idsOf(b.lines, 'done')])
    expect(done.size).toBe(30)
    expect(checkWorkspace(temp.dir, done)).toEqual({ completed: 30, interrupted: 0 })
  }, 120_000)
})
