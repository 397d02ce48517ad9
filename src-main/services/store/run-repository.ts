/**
 * Runs in the workspace. Writes are short transactions: a run is created (`running`), then completed
 * with all its outputs in ONE transaction, so a crash leaves either a finished run or a `running` one
 * without outputs — which `recoverInterrupted` marks `interrupted` at the next open.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Detection } from '../../core/datasets/dataset'
import type { RunListQuery } from '../../shared/api'
import { InvalidArgumentError, NotFoundError } from '../../core/errors'
import type {
  ImageOutcome,
  PrCurveData,
  Recipe,
  RunClassMetrics,
  RunDetail,
  RunMetrics,
  RunStatus,
  RunSummary,
  RunSortKey,
  RunTimings,
  Stage,
} from '../../shared/run'
import {
  decodeArtifact,
  decodeCurves,
  encodeArtifact,
  encodeCurves,
  type EncodedArtifact,
} from './artifact-codec'
import type { Db } from './database'

/** What a new run is: everything known before its work starts. */
export interface NewRun {
  uid?: string
  status?: Extract<RunStatus, 'queued' | 'running'>
  stage: Stage
  backend: string
  label?: string
  modelId?: number | null
  variantId?: number | null
  datasetId?: number | null
  modelSha256?: string | null
  datasetFingerprint?: string | null
  protocol: Record<string, unknown>
  protocolHash: string
  recipe?: Recipe
  host?: Record<string, string>
  versions?: Record<string, string>
  notes?: string
  createdAt?: string
}

/** What a finished run adds. */
export interface RunResult {
  metrics: RunMetrics
  perClass: RunClassMetrics[]
  curves: PrCurveData[]
  imageOutcomes: ImageOutcome[]
  predictions: readonly Detection[]
  timings: RunTimings
  imageCount: number
  errorCount: number
  finishedAt?: string
}

interface RunRow {
  id: number
  uid: string
  status: RunStatus
  stage: string
  backend: string
  label: string
  model_id: number | null
  variant_id: number | null
  dataset_id: number | null
  model_sha256: string | null
  dataset_fingerprint: string | null
  protocol_json: string
  protocol_hash: string
  recipe_json: string
  optimization_level: number | null
  calibration_set_id: number | null
  clipping: string | null
  weight_granularity: string | null
  precision_modes_json: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  heartbeat_at: string | null
  owner: string | null
  error: string | null
  host_json: string
  versions_json: string
  timings_json: string
  map50_95: number | null
  map50: number | null
  precision: number | null
  recall: number | null
  image_count: number | null
  error_count: number
  notes: string
  tags: string | null
}

/** Columns a list may be sorted by (API names → SQL), so no user text reaches SQL. */
export const RUN_SORT_COLUMNS: Record<RunSortKey, string> = {
  id: 'r.id',
  createdAt: 'r.created_at',
  finishedAt: 'r.finished_at',
  stage: 'r.stage',
  backend: 'r.backend',
  status: 'r.status',
  label: 'r.label',
  modelId: 'r.model_id',
  datasetId: 'r.dataset_id',
  optimizationLevel: 'r.optimization_level',
  calibrationSetId: 'r.calibration_set_id',
  clipping: 'r.clipping',
  map50_95: 'r.map50_95',
  map50: 'r.map50',
  precision: 'r.precision',
  recall: 'r.recall',
}
export type RunSortColumn = RunSortKey

/** The runs table's filters (shared/api.ts), with `sort` narrowed to the whitelisted keys. */
export type RunQuery = Omit<RunListQuery, 'sort'> & { sort?: RunSortKey }

/** A run with no heartbeat for this long, owned by another machine, is considered dead (ms). */
export const STALE_HEARTBEAT_MS = 10 * 60 * 1000

const now = (): string => new Date().toISOString()
const thisOwner = (): string => `${hostname()}:${process.pid}`
const parse = <T>(json: string | null, fallback: T): T => (json ? (JSON.parse(json) as T) : fallback)

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    uid: row.uid,
    status: row.status,
    stage: row.stage,
    backend: row.backend,
    label: row.label,
    modelId: row.model_id,
    variantId: row.variant_id,
    datasetId: row.dataset_id,
    protocolHash: row.protocol_hash,
    optimizationLevel: row.optimization_level,
    calibrationSetId: row.calibration_set_id,
    clipping: row.clipping,
    weightGranularity: row.weight_granularity,
    precisionModes: parse<Record<string, string> | null>(row.precision_modes_json, null),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    map50_95: row.map50_95,
    map50: row.map50,
    precision: row.precision,
    recall: row.recall,
    imageCount: row.image_count,
    errorCount: row.error_count,
    tags: row.tags ? row.tags.split('\u001f').sort() : [],
    notes: row.notes,
    error: row.error,
  }
}

const SELECT_RUN = `select r.*, (select group_concat(tag, char(31)) from run_tags t where t.run_id = r.id) as tags from runs r`

export class RunRepository {
  constructor(private readonly db: Db) {}

  create(run: NewRun): RunSummary {
    const at = run.createdAt ?? now()
    const status = run.status ?? 'running'
    const recipe = run.recipe ?? {}
    const info = this.db
      .prepare(
        `insert into runs (uid, status, stage, backend, label, model_id, variant_id, dataset_id, model_sha256,
           dataset_fingerprint, protocol_json, protocol_hash, recipe_json, optimization_level, calibration_set_id,
           calibration_method, clipping, weight_granularity, precision_modes_json, excluded_nodes_json,
           created_at, started_at, heartbeat_at, owner, host_json, versions_json, notes)
         values (@uid, @status, @stage, @backend, @label, @modelId, @variantId, @datasetId, @modelSha256,
           @datasetFingerprint, @protocolJson, @protocolHash, @recipeJson, @optimizationLevel, @calibrationSetId,
           @calibrationMethod, @clipping, @weightGranularity, @precisionModesJson, @excludedNodesJson,
           @createdAt, @startedAt, @heartbeatAt, @owner, @hostJson, @versionsJson, @notes)`,
      )
      .run({
        uid: run.uid ?? randomUUID(),
        status,
        stage: run.stage,
        backend: run.backend,
        label: run.label ?? '',
        modelId: run.modelId ?? null,
        variantId: run.variantId ?? null,
        datasetId: run.datasetId ?? null,
        modelSha256: run.modelSha256 ?? null,
        datasetFingerprint: run.datasetFingerprint ?? null,
        protocolJson: JSON.stringify(run.protocol),
        protocolHash: run.protocolHash,
        recipeJson: JSON.stringify(recipe),
        optimizationLevel: recipe.optimizationLevel ?? null,
        calibrationSetId: recipe.calibrationSetId ?? null,
        calibrationMethod: recipe.calibrationMethod ?? null,
        clipping: recipe.clipping ?? null,
        weightGranularity: recipe.weightGranularity ?? null,
        precisionModesJson: recipe.precisionModes ? JSON.stringify(recipe.precisionModes) : null,
        excludedNodesJson: recipe.excludedNodes ? JSON.stringify(recipe.excludedNodes) : null,
        createdAt: at,
        startedAt: status === 'running' ? at : null,
        heartbeatAt: status === 'running' ? at : null,
        owner: status === 'running' ? thisOwner() : null,
        hostJson: JSON.stringify(run.host ?? {}),
        versionsJson: JSON.stringify(run.versions ?? {}),
        notes: run.notes ?? '',
      })
    return this.summary(Number(info.lastInsertRowid))
  }

  /**
   * Insert a run that already finished elsewhere (bundle or results import), with its outputs, in one
   * transaction. Call inside a larger transaction to import many at once.
   */
  insertFinished(
    run: Omit<NewRun, 'status'> & {
      status: RunStatus
      startedAt: string | null
      finishedAt: string | null
      error?: string | null
    },
    result: RunResult | null,
    tags: readonly string[] = [],
  ): RunSummary {
    const write = this.db.transaction(() => {
      const created = this.create({ ...run, status: 'running' })
      const id = created.id
      if (result) {
        this.writeOutputs(id, result)
        const m = result.metrics
        this.db
          .prepare(
            `update runs set timings_json = ?, map50_95 = ?, map50 = ?, precision = ?, recall = ?, image_count = ?, error_count = ? where id = ?`,
          )
          .run(
            JSON.stringify(result.timings),
            m.coco.stats[0],
            m.coco.stats[1],
            m.ultralytics?.precision ?? null,
            m.ultralytics?.recall ?? null,
            result.imageCount,
            result.errorCount,
            id,
          )
      }
      this.db
        .prepare(
          `update runs set status = ?, started_at = ?, finished_at = ?, heartbeat_at = null, owner = null, error = ? where id = ?`,
        )
        .run(run.status, run.startedAt, run.finishedAt, run.error ?? null, id)
      for (const tag of tags)
        this.db.prepare('insert or ignore into run_tags (run_id, tag) values (?, ?)').run(id, tag)
      return id
    })
    return this.summary(write())
  }

  /** Run `fn` in one write transaction (BEGIN IMMEDIATE): all of it lands or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  /** Record the protocol once it is resolved (evaluate() derives it from the model and the user's choices). */
  setProtocol(id: number, protocol: Record<string, unknown>, protocolHash: string): void {
    this.db
      .prepare('update runs set protocol_json = ?, protocol_hash = ? where id = ?')
      .run(JSON.stringify(protocol), protocolHash, id)
  }

  /** Mark a queued run as started by this process. */
  start(id: number): void {
    const at = now()
    this.db
      .prepare(
        `update runs set status = 'running', started_at = ?, heartbeat_at = ?, owner = ? where id = ? and status = 'queued'`,
      )
      .run(at, at, thisOwner(), id)
  }

  /** Called periodically while a run works, so other processes can tell it is alive. */
  heartbeat(id: number): void {
    this.db.prepare(`update runs set heartbeat_at = ? where id = ? and status = 'running'`).run(now(), id)
  }

  /** Store every output of a run and mark it completed, in one transaction. */
  complete(id: number, result: RunResult): RunSummary {
    const write = this.db.transaction(() => {
      const row = this.db.prepare('select status from runs where id = ?').get(id) as
        { status: RunStatus } | undefined
      if (!row) throw new NotFoundError(`no run with id ${id}`)
      if (row.status !== 'running') {
        throw new InvalidArgumentError(`run ${id} is ${row.status}, not running; it cannot be completed`)
      }
      this.writeOutputs(id, result)
      const m = result.metrics
      this.db
        .prepare(
          `update runs set status = 'completed', finished_at = @finishedAt, owner = null, error = null,
             timings_json = @timings, map50_95 = @map, map50 = @map50, precision = @p, recall = @r,
             image_count = @images, error_count = @errors
           where id = @id`,
        )
        .run({
          id,
          finishedAt: result.finishedAt ?? now(),
          timings: JSON.stringify(result.timings),
          map: m.coco.stats[0],
          map50: m.coco.stats[1],
          p: m.ultralytics?.precision ?? null,
          r: m.ultralytics?.recall ?? null,
          images: result.imageCount,
          errors: result.errorCount,
        })
    })
    write.immediate()
    return this.summary(id)
  }

  /** End a run without results (failed, cancelled, interrupted): partial outputs are discarded. */
  end(
    id: number,
    status: Extract<RunStatus, 'failed' | 'cancelled' | 'interrupted'>,
    error: string | null,
  ): void {
    const write = this.db.transaction(() => {
      this.discardOutputs(id)
      this.db
        .prepare(`update runs set status = ?, error = ?, finished_at = ?, owner = null where id = ?`)
        .run(status, error, now(), id)
    })
    write.immediate()
  }

  /**
   * Runs left `running` by a process that is gone become `interrupted` (outputs discarded). A run owned
   * by this machine is dead when its process is; one owned elsewhere when its heartbeat is stale.
   */
  recoverInterrupted(isAlive: (pid: number) => boolean = processAlive, at = Date.now()): number[] {
    const me = hostname()
    const running = this.db
      .prepare(`select id, owner, heartbeat_at from runs where status = 'running'`)
      .all() as { id: number; owner: string | null; heartbeat_at: string | null }[]
    const dead = running.filter((r) => {
      const [host, pid] = (r.owner ?? ':').split(/:(?=\d+$)/)
      if (host === me && pid) return !isAlive(Number(pid))
      const beat = r.heartbeat_at ? Date.parse(r.heartbeat_at) : 0
      return at - beat > STALE_HEARTBEAT_MS
    })
    for (const r of dead) {
      this.end(
        r.id,
        'interrupted',
        'the process running it stopped before it finished (crash, kill or power loss)',
      )
    }
    return dead.map((r) => r.id)
  }

  private writeOutputs(id: number, result: RunResult): void {
    this.discardOutputs(id)
    this.db
      .prepare('insert into run_metrics (run_id, metrics_json) values (?, ?)')
      .run(id, JSON.stringify(result.metrics))
    const cls = this.db.prepare(
      `insert into run_class_metrics (run_id, category_id, name, ap, ap50, ap75, n_gt, n_dt)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    for (const c of result.perClass) cls.run(id, c.categoryId, c.name, c.ap, c.ap50, c.ap75, c.nGt, c.nDt)
    const art = this.db.prepare(
      `insert into run_artifacts (run_id, kind, sha256, item_count, raw_bytes, data) values (?, ?, ?, ?, ?, ?)`,
    )
    const artifacts: [string, EncodedArtifact][] = [
      ['predictions', encodeArtifact(result.predictions)],
      ['image_outcomes', encodeArtifact(result.imageOutcomes)],
      ['curves', encodeCurves(result.curves)],
    ]
    for (const [kind, a] of artifacts) art.run(id, kind, a.sha256, a.itemCount, a.rawBytes, a.data)
  }

  private discardOutputs(id: number): void {
    for (const table of ['run_metrics', 'run_class_metrics', 'run_artifacts']) {
      this.db.prepare(`delete from ${table} where run_id = ?`).run(id)
    }
  }

  summary(id: number): RunSummary {
    const row = this.db.prepare(`${SELECT_RUN} where r.id = ?`).get(id) as RunRow | undefined
    if (!row) throw new NotFoundError(`no run with id ${id}; list runs with \`quantscope runs list\``)
    return toSummary(row)
  }

  get(id: number): RunDetail {
    const row = this.db.prepare(`${SELECT_RUN} where r.id = ?`).get(id) as RunRow | undefined
    if (!row) throw new NotFoundError(`no run with id ${id}; list runs with \`quantscope runs list\``)
    const metrics = this.db.prepare('select metrics_json from run_metrics where run_id = ?').get(id) as
      { metrics_json: string } | undefined
    const perClass = this.db
      .prepare(
        `select category_id as categoryId, name, ap, ap50, ap75, n_gt as nGt, n_dt as nDt
           from run_class_metrics where run_id = ? order by category_id`,
      )
      .all(id) as RunClassMetrics[]
    const predictions = this.db
      .prepare(
        `select item_count as count, sha256 from run_artifacts where run_id = ? and kind = 'predictions'`,
      )
      .get(id) as { count: number; sha256: string } | undefined
    return {
      ...toSummary(row),
      modelSha256: row.model_sha256,
      datasetFingerprint: row.dataset_fingerprint,
      protocol: parse(row.protocol_json, {}),
      recipe: parse(row.recipe_json, {}),
      metrics: metrics ? (JSON.parse(metrics.metrics_json) as RunMetrics) : null,
      perClass,
      curves: this.curves(id),
      timings: parse(row.timings_json, {}),
      host: parse(row.host_json, {}),
      versions: parse(row.versions_json, {}),
      predictions: predictions ?? null,
    }
  }

  /** A stored payload, decompressed and checked against its hash; [] when the run has none. */
  artifact<T>(id: number, kind: 'predictions' | 'image_outcomes'): T[] {
    const row = this.db
      .prepare('select sha256, data from run_artifacts where run_id = ? and kind = ?')
      .get(id, kind) as { sha256: string; data: Buffer } | undefined
    return row ? decodeArtifact<T>(row.data, row.sha256, `${kind.replace('_', ' ')} of run ${id}`) : []
  }

  curves(id: number): PrCurveData[] {
    const row = this.db
      .prepare("select sha256, data from run_artifacts where run_id = ? and kind = 'curves'")
      .get(id) as { sha256: string; data: Buffer } | undefined
    return row ? decodeCurves(row.data, row.sha256, `PR curves of run ${id}`) : []
  }

  predictions(id: number): Detection[] {
    return this.artifact<Detection>(id, 'predictions')
  }

  imageOutcomes(id: number): ImageOutcome[] {
    return this.artifact<ImageOutcome>(id, 'image_outcomes')
  }

  list(query: RunQuery = {}): RunSummary[] {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    const eq = (column: string, key: keyof RunQuery): void => {
      if (query[key] !== undefined) {
        where.push(`${column} = @${key}`)
        params[key] = query[key]
      }
    }
    eq('r.stage', 'stage')
    eq('r.backend', 'backend')
    eq('r.status', 'status')
    eq('r.model_id', 'modelId')
    eq('r.dataset_id', 'datasetId')
    eq('r.label', 'label')
    eq('r.protocol_hash', 'protocolHash')
    eq('r.optimization_level', 'optimizationLevel')
    if (query.tag !== undefined) {
      where.push('exists (select 1 from run_tags t2 where t2.run_id = r.id and t2.tag = @tag)')
      params.tag = query.tag
    }
    const sort = RUN_SORT_COLUMNS[query.sort ?? 'createdAt']
    const order = query.order === 'asc' ? 'asc' : 'desc'
    const sql =
      `${SELECT_RUN} ${where.length ? `where ${where.join(' and ')}` : ''} ` +
      `order by ${sort} ${order} nulls last, r.id ${order} limit @limit offset @offset`
    params.limit = query.limit ?? -1
    params.offset = query.offset ?? 0
    return (this.db.prepare(sql).all(params) as RunRow[]).map(toSummary)
  }

  count(): number {
    return (this.db.prepare('select count(*) as n from runs').get() as { n: number }).n
  }

  byUid(uid: string): RunSummary | undefined {
    const row = this.db.prepare(`${SELECT_RUN} where r.uid = ?`).get(uid) as RunRow | undefined
    return row ? toSummary(row) : undefined
  }

  tag(id: number, tag: string): void {
    this.summary(id)
    this.db.prepare('insert or ignore into run_tags (run_id, tag) values (?, ?)').run(id, tag)
  }

  untag(id: number, tag: string): void {
    this.db.prepare('delete from run_tags where run_id = ? and tag = ?').run(id, tag)
  }

  setNotes(id: number, notes: string): void {
    this.summary(id)
    this.db.prepare('update runs set notes = ? where id = ?').run(notes, id)
  }

  delete(id: number): boolean {
    return this.db.prepare('delete from runs where id = ?').run(id).changes > 0
  }
}

/** True when a process with this pid exists on this machine (signal 0 checks without sending). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
