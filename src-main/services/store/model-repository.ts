/** Models the user opened: one row per absolute path, updated when the same path is opened again. */
import type { ModelFormat, ModelListItem, ModelRecord, ModelSummary, TensorInfo } from '../../shared/api'
import { NotFoundError } from '../../core/errors'
import type { Db } from './database'

interface ModelRow {
  id: number
  path: string
  file_name: string
  sha256: string
  size_bytes: number
  format: string
  summary_json: string
  first_opened_at: string
  opened_at: string
}

export interface OpenedModel {
  path: string
  fileName: string
  sha256: string
  sizeBytes: number
  format: ModelFormat
  summary: ModelSummary
}

function toRecord(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    path: row.path,
    fileName: row.file_name,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    format: row.format as ModelFormat,
    summary: JSON.parse(row.summary_json) as ModelSummary,
    firstOpenedAt: row.first_opened_at,
    openedAt: row.opened_at,
  }
}

function describeTensors(tensors: TensorInfo[]): string {
  return tensors
    .map((t) => `${t.name} [${t.shape ? t.shape.map((d) => d ?? '?').join(',') : '?'}]`)
    .join(', ')
}

function toListItem(record: ModelRecord): ModelListItem {
  const { summary, ...rest } = record
  return {
    ...rest,
    inputs: describeTensors(summary.inputs),
    outputs: describeTensors(summary.outputs),
    parameters: summary.parameters.initializerElements,
    macs: summary.macs.total,
  }
}

export class ModelRepository {
  constructor(private readonly db: Db) {}

  /** Insert, or update the row with the same path (its id and first-opened time are kept). */
  upsert(model: OpenedModel, now = new Date()): ModelRecord {
    const at = now.toISOString()
    this.db
      .prepare(
        `insert into models (path, file_name, sha256, size_bytes, format, summary_json, first_opened_at, opened_at)
         values (@path, @fileName, @sha256, @sizeBytes, @format, @summaryJson, @at, @at)
         on conflict (path) do update set
           file_name = excluded.file_name, sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
           format = excluded.format, summary_json = excluded.summary_json, opened_at = excluded.opened_at`,
      )
      .run({ ...model, summaryJson: JSON.stringify(model.summary), at })
    return this.getByPath(model.path)
  }

  get(id: number): ModelRecord {
    const row = this.db.prepare('select * from models where id = ?').get(id) as ModelRow | undefined
    if (!row)
      throw new NotFoundError(`no stored model with id ${id}; it may have been removed — refresh the list`)
    return toRecord(row)
  }

  getByPath(path: string): ModelRecord {
    const row = this.db.prepare('select * from models where path = ?').get(path) as ModelRow | undefined
    if (!row) throw new NotFoundError(`no stored model for path ${JSON.stringify(path)}`)
    return toRecord(row)
  }

  /** The most recently opened model with these bytes, if any. */
  bySha256(sha256: string): ModelRecord | undefined {
    const row = this.db
      .prepare('select * from models where sha256 = ? order by opened_at desc limit 1')
      .get(sha256) as ModelRow | undefined
    return row ? toRecord(row) : undefined
  }

  /** Most recently opened first. */
  list(): ModelListItem[] {
    const rows = this.db.prepare('select * from models order by opened_at desc, id desc').all() as ModelRow[]
    return rows.map((row) => toListItem(toRecord(row)))
  }

  remove(id: number): boolean {
    return this.db.prepare('delete from models where id = ?').run(id).changes > 0
  }

  count(): number {
    return (this.db.prepare('select count(*) as n from models').get() as { n: number }).n
  }
}
