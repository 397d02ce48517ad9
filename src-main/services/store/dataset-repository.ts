/** Datasets the user evaluated against, one row per fingerprint (the same labels opened twice are one dataset). */
import type { Dataset } from '../../core/datasets/dataset'
import { NotFoundError } from '../../core/errors'
import type { DatasetRecord } from '../../shared/api'
import type { Db } from './database'

export type { DatasetRecord }

interface DatasetRow {
  id: number
  path: string
  format: Dataset['format']
  split: string | null
  images_dir: string | null
  fingerprint: string
  class_names_json: string
  image_count: number
  box_count: number
  opened_at: string
}

function toRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    path: row.path,
    format: row.format,
    split: row.split,
    imagesDir: row.images_dir,
    fingerprint: row.fingerprint,
    classNames: JSON.parse(row.class_names_json) as { id: number; name: string }[],
    imageCount: row.image_count,
    boxCount: row.box_count,
    openedAt: row.opened_at,
  }
}

export class DatasetRepository {
  constructor(private readonly db: Db) {}

  /** Insert, or refresh the row with the same fingerprint (its id is kept). */
  upsert(
    dataset: Dataset,
    source: { path: string; fingerprint: string; split?: string | null; imagesDir?: string | null },
  ): DatasetRecord {
    this.db
      .prepare(
        `insert into datasets (path, format, split, images_dir, fingerprint, class_names_json, image_count, box_count, opened_at)
         values (@path, @format, @split, @imagesDir, @fingerprint, @classNames, @images, @boxes, @at)
         on conflict (fingerprint) do update set path = excluded.path, split = excluded.split,
           images_dir = excluded.images_dir, opened_at = excluded.opened_at`,
      )
      .run({
        path: source.path,
        format: dataset.format,
        split: source.split ?? null,
        imagesDir: source.imagesDir ?? null,
        fingerprint: source.fingerprint,
        classNames: JSON.stringify(dataset.categories.map((c) => ({ id: c.id, name: c.name }))),
        images: dataset.images.length,
        boxes: dataset.annotations.length,
        at: new Date().toISOString(),
      })
    return this.byFingerprint(source.fingerprint)!
  }

  byFingerprint(fingerprint: string): DatasetRecord | undefined {
    const row = this.db.prepare('select * from datasets where fingerprint = ?').get(fingerprint) as
      DatasetRow | undefined
    return row ? toRecord(row) : undefined
  }

  get(id: number): DatasetRecord {
    const row = this.db.prepare('select * from datasets where id = ?').get(id) as DatasetRow | undefined
    if (!row) throw new NotFoundError(`no stored dataset with id ${id}`)
    return toRecord(row)
  }

  list(): DatasetRecord[] {
    return (this.db.prepare('select * from datasets order by opened_at desc').all() as DatasetRow[]).map(
      toRecord,
    )
  }
}
