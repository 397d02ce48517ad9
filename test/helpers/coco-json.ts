/**
 * Test helper, not a dataset reader: maps raw COCO instances JSON and a COCO results list to the
 * Dataset / Detection types, field by field, without validation. Tests of the metrics use it so they do
 * not depend on core/datasets' reader; swap to the real reader once it exists.
 */
import { readFileSync } from 'node:fs'
import type { BoxXYWH, Detection } from '../../src-main/core/datasets/dataset'
import type { CocoGroundTruth } from '../../src-main/core/metrics/coco-eval'

export interface RawCocoInstances {
  images: { id: number; width?: number; height?: number; file_name?: string }[]
  categories: { id: number; name?: string; supercategory?: string }[]
  annotations: {
    id: number
    image_id: number
    category_id: number
    bbox: number[]
    area?: number
    iscrowd?: number
    ignore?: number
  }[]
}

export interface RawCocoResult {
  image_id: number
  category_id: number
  bbox: number[]
  score: number
}

const box = (b: number[]): BoxXYWH => [b[0] ?? 0, b[1] ?? 0, b[2] ?? 0, b[3] ?? 0]

export function cocoGroundTruth(raw: RawCocoInstances): CocoGroundTruth {
  return {
    images: raw.images.map((i) => ({
      id: i.id,
      fileName: i.file_name ?? '',
      width: i.width ?? 0,
      height: i.height ?? 0,
    })),
    categories: raw.categories.map((c) => ({ id: c.id, name: c.name ?? String(c.id) })),
    annotations: raw.annotations.map((a) => ({
      id: a.id,
      imageId: a.image_id,
      categoryId: a.category_id,
      bbox: box(a.bbox),
      area: a.area ?? (a.bbox[2] ?? 0) * (a.bbox[3] ?? 0),
      iscrowd: Boolean(a.iscrowd),
      ...(a.ignore === undefined ? {} : { ignore: Boolean(a.ignore) }),
    })),
  }
}

export function cocoDetections(raw: RawCocoResult[]): Detection[] {
  return raw.map((d) => ({
    imageId: d.image_id,
    categoryId: d.category_id,
    bbox: box(d.bbox),
    score: d.score,
  }))
}

/** gt.json + dets.json of a folder. */
export function readCocoCase(gtFile: string, detsFile: string): { gt: CocoGroundTruth; dets: Detection[] } {
  return {
    gt: cocoGroundTruth(JSON.parse(readFileSync(gtFile, 'utf8')) as RawCocoInstances),
    dets: cocoDetections(JSON.parse(readFileSync(detsFile, 'utf8')) as RawCocoResult[]),
  }
}
