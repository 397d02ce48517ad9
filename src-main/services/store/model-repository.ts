/** Models the user opened: one row per absolute path, updated when the same path is opened again. */
import type {
  HnTensor,
  HwcShape,
  ModelFormat,
  ModelListItem,
  ModelRecord,
  ModelSummary,
  TensorInfo,
} from '../../shared/api'
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

function hwc(s: HwcShape): string {
  return `[${s.height},${s.width},${s.features}]`
}

function describeHn(tensors: HnTensor[]): string {
  return tensors.map((t) => `${t.layer} [${t.shape.map((d) => d ?? '?').join(',')}]`).join(', ')
}

/** The list row's facts for each format (what fits on two lines of the model list). */
export function listFacts(
  summary: ModelSummary,
): Pick<ModelListItem, 'inputs' | 'outputs' | 'parameters' | 'macs' | 'detail'> {
  switch (summary.format) {
    case 'onnx':
      return {
        inputs: describeTensors(summary.inputs),
        outputs: describeTensors(summary.outputs),
        parameters: summary.parameters.initializerElements,
        macs: summary.macs.total,
        detail: `IR ${summary.irVersion}${summary.producerName ? ` · ${summary.producerName}` : ''}`,
      }
    case 'hef': {
      const groups = summary.networkGroups
      const nms = groups.flatMap((g) => g.nmsOps.map((o) => o.metaArch))
      return {
        inputs: groups.flatMap((g) => g.inputs.map((t) => `${t.name} ${hwc(t.shape)}`)).join(', '),
        outputs: groups.flatMap((g) => g.outputs.map((t) => `${t.name} ${hwc(t.shape)}`)).join(', '),
        parameters: null,
        macs: null,
        detail: [
          summary.hwArch.name,
          summary.sdkVersion ? `SDK ${summary.sdkVersion}` : '',
          nms.length ? `${nms.join(', ')} NMS on host` : '',
          summary.container.checksum.ok ? '' : 'CHECKSUM MISMATCH',
        ]
          .filter(Boolean)
          .join(' · '),
      }
    }
    case 'har': {
      const chosen = summary.params.find((p) => p.member === summary.paramsMember)
      return {
        inputs: summary.network ? describeHn(summary.network.inputs) : '',
        outputs: summary.network ? describeHn(summary.network.outputs) : '',
        parameters: chosen ? chosen.totalElements : null,
        macs: null,
        detail: [summary.state || 'no state', summary.sdkVersion ? `SDK ${summary.sdkVersion}` : '']
          .filter(Boolean)
          .join(' · '),
      }
    }
    case 'hn':
      return {
        inputs: describeHn(summary.network.inputs),
        outputs: describeHn(summary.network.outputs),
        parameters: null,
        macs: null,
        detail: `${summary.network.layerCount} layers`,
      }
    case 'alls':
      return {
        inputs: '',
        outputs: '',
        parameters: null,
        macs: null,
        detail: `${summary.commands.length} commands`,
      }
  }
}

function toListItem(record: ModelRecord): ModelListItem {
  const { summary, ...rest } = record
  return { ...rest, ...listFacts(summary) }
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
