import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobQueue, type JobProgress } from '../../../../src-main/services/jobs/job-queue'
import { openWorkspace, type Workspace } from '../../../../src-main/services/store/workspace'
import type { RunStatus } from '../../../../src-main/shared/run'
import { syntheticNewRun, syntheticResult } from '../../../helpers/synthetic-run'
import { tempDir } from '../../../helpers/temp'

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('job queue', () => {
  let temp: ReturnType<typeof tempDir>
  let ws: Workspace
  beforeEach(() => {
    temp = tempDir()
    ws = openWorkspace(temp.dir)
  })
  afterEach(() => {
    ws.close()
    temp.remove()
  })

  const queued = (seed: number): number => ws.runs.create(syntheticNewRun(seed, { status: 'queued' })).id

  it('runs one job at a time, in order, and records each run completed with its outputs', async () => {
    const order: string[] = []
    const statuses: [number, RunStatus][] = []
    const queue = new JobQueue(ws.runs, { onStatus: (id, s) => statuses.push([id, s]) })
    const work = (name: string, seed: number) => async () => {
      order.push(`start ${name}`)
      await tick(20)
      order.push(`end ${name}`)
      return syntheticResult(seed, { predictions: 3 })
    }
    const a = queued(1)
    const b = queued(2)
    const results = await Promise.all([queue.enqueue(a, work('a', 1)), queue.enqueue(b, work('b', 2))])
    expect(results).toEqual(['completed', 'completed'])
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b'])
    expect(ws.runs.summary(a)).toMatchObject({ status: 'completed', startedAt: expect.any(String) })
    expect(ws.runs.get(b).perClass).toHaveLength(80)
    expect(statuses.filter(([id]) => id === a).map(([, s]) => s)).toEqual(['queued', 'running', 'completed'])
  })

  it('streams progress events', async () => {
    const events: JobProgress[] = []
    const queue = new JobQueue(ws.runs, { onProgress: (p) => events.push(p) })
    const id = queued(3)
    await queue.enqueue(id, async ({ progress }) => {
      for (let i = 1; i <= 3; i++) progress({ done: i, total: 3, etaMs: (3 - i) * 10 })
      return syntheticResult(3, { predictions: 1 })
    })
    expect(events).toEqual([
      { runId: id, done: 1, total: 3, etaMs: 20 },
      { runId: id, done: 2, total: 3, etaMs: 10 },
      { runId: id, done: 3, total: 3, etaMs: 0 },
    ])
  })

  it('cancels a running job through its signal and a queued one before it starts', async () => {
    const queue = new JobQueue(ws.runs)
    const running = queued(4)
    const waiting = queued(5)
    let sawAbort = false
    const first = queue.enqueue(running, async ({ signal }) => {
      while (!signal.aborted) await tick()
      sawAbort = true
      signal.throwIfAborted()
      return syntheticResult(4)
    })
    const second = queue.enqueue(waiting, async () => syntheticResult(5))
    await tick(20)
    expect(queue.pending()).toEqual([running, waiting])
    expect(queue.cancel(waiting)).toBe(true)
    expect(queue.cancel(running)).toBe(true)
    expect(await first).toBe('cancelled')
    expect(await second).toBe('cancelled')
    expect(sawAbort).toBe(true)
    expect(ws.runs.summary(running)).toMatchObject({ status: 'cancelled', error: 'cancelled by the user' })
    expect(ws.runs.get(running).metrics).toBeNull()
    expect(ws.runs.summary(waiting).status).toBe('cancelled')
    expect(queue.cancel(12345)).toBe(false)
  })

  it('records a failing job as failed with its message and goes on with the next', async () => {
    const queue = new JobQueue(ws.runs)
    const bad = queued(6)
    const good = queued(7)
    const results = await Promise.all([
      queue.enqueue(bad, async () => {
        throw new Error('model input is [1,3,640,640], not an image of 416')
      }),
      queue.enqueue(good, async () => syntheticResult(7, { predictions: 1 })),
    ])
    expect(results).toEqual(['failed', 'completed'])
    expect(ws.runs.summary(bad)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/not an image of 416/),
    })
  })

  it('shutdown cancels everything', async () => {
    const queue = new JobQueue(ws.runs)
    const a = queued(8)
    const b = queued(9)
    const pa = queue.enqueue(a, async ({ signal }) => {
      while (!signal.aborted) await tick()
      throw signal.reason
    })
    const pb = queue.enqueue(b, async () => syntheticResult(9))
    await tick(10)
    await queue.shutdown()
    expect(await pa).toBe('cancelled')
    expect(await pb).toBe('cancelled')
  })
})
