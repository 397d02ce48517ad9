/**
 * Run orchestration: a FIFO queue that runs jobs one at a time by default, with progress events, cancel
 * (queued or running) and a run lifecycle in the store — queued → running (heartbeat every few seconds,
 * so other processes can tell it is alive) → completed | failed | cancelled. A crash leaves `running`,
 * which the next open of the workspace turns into `interrupted` (see RunRepository.recoverInterrupted).
 */
import type { RunResult, RunRepository } from '../store/run-repository'
import type { RunStatus } from '../../shared/run'

export interface JobProgress {
  runId: number
  /** Units done and total (images, usually). */
  done: number
  total: number
  /** Estimated milliseconds left, when known. */
  etaMs?: number
  message?: string
}

export interface JobContext {
  runId: number
  signal: AbortSignal
  progress(p: Omit<JobProgress, 'runId'>): void
}

/** The work of one run: produce its result, honouring `signal`. */
export type JobWork = (ctx: JobContext) => Promise<RunResult>

export interface JobEvents {
  onProgress?(p: JobProgress): void
  /** A run changed status (queued, running, completed, failed, cancelled). */
  onStatus?(runId: number, status: RunStatus, error?: string): void
}

interface QueuedJob {
  runId: number
  work: JobWork
  controller: AbortController
  done: Promise<RunStatus>
  settle(status: RunStatus): void
}

/** How often a running job refreshes its heartbeat (ms). */
export const HEARTBEAT_MS = 5_000

export class JobQueue {
  private readonly waiting: QueuedJob[] = []
  private readonly running = new Map<number, QueuedJob>()

  constructor(
    private readonly runs: RunRepository,
    private readonly events: JobEvents = {},
    private readonly concurrency = 1,
  ) {}

  /**
   * Queue the work for a run already created with status `queued`. Resolves when the run ends, with its
   * final status (never rejects: failures are recorded on the run).
   */
  enqueue(runId: number, work: JobWork): Promise<RunStatus> {
    let settle!: (s: RunStatus) => void
    const done = new Promise<RunStatus>((resolve) => (settle = resolve))
    this.waiting.push({ runId, work, controller: new AbortController(), done, settle })
    this.events.onStatus?.(runId, 'queued')
    this.pump()
    return done
  }

  /** Cancel a queued or running run. Returns false when the queue does not know it. */
  cancel(runId: number): boolean {
    const i = this.waiting.findIndex((j) => j.runId === runId)
    if (i >= 0) {
      const [job] = this.waiting.splice(i, 1)
      this.runs.end(runId, 'cancelled', 'cancelled before it started')
      this.events.onStatus?.(runId, 'cancelled')
      job!.settle('cancelled')
      return true
    }
    const job = this.running.get(runId)
    if (!job) return false
    job.controller.abort(new DOMException('cancelled by the user', 'AbortError'))
    return true
  }

  /** Runs queued or running now, in order. */
  pending(): number[] {
    return [...this.running.keys(), ...this.waiting.map((j) => j.runId)]
  }

  /** Cancel everything and wait for running jobs to stop (app quit). */
  async shutdown(): Promise<void> {
    for (const id of this.waiting.map((j) => j.runId)) this.cancel(id)
    const running = [...this.running.values()]
    for (const job of running) job.controller.abort(new DOMException('Quantscope is closing', 'AbortError'))
    await Promise.all(running.map((j) => j.done))
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!
      this.running.set(job.runId, job)
      void this.execute(job)
    }
  }

  private async execute(job: QueuedJob): Promise<void> {
    const { runId, controller } = job
    let status: RunStatus
    const beat = setInterval(() => this.runs.heartbeat(runId), HEARTBEAT_MS)
    beat.unref?.()
    try {
      this.runs.start(runId)
      this.events.onStatus?.(runId, 'running')
      const result = await job.work({
        runId,
        signal: controller.signal,
        progress: (p) => this.events.onProgress?.({ runId, ...p }),
      })
      controller.signal.throwIfAborted()
      this.runs.complete(runId, result)
      status = 'completed'
      this.events.onStatus?.(runId, status)
    } catch (error) {
      const cancelled = controller.signal.aborted
      status = cancelled ? 'cancelled' : 'failed'
      const message = cancelled
        ? String((controller.signal.reason as Error)?.message ?? 'cancelled')
        : errorText(error)
      this.runs.end(runId, cancelled ? 'cancelled' : 'failed', message)
      this.events.onStatus?.(runId, status, message)
    } finally {
      clearInterval(beat)
      this.running.delete(runId)
    }
    job.settle(status)
    this.pump()
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
