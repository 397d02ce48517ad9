/**
 * zod schemas for every argument that crosses a process boundary (IPC, WebSocket, CLI). Main parses
 * with these before any handler runs: the renderer is untrusted.
 */
import { z } from 'zod'
import type { ApiArgs, ApiMethod } from './api'
import { RUN_SORT_KEYS, RUN_STATUSES } from './run'

const empty = z.strictObject({})
const id = z.strictObject({ id: z.number().int().positive() })

/** A path must be a non-empty string without NUL bytes; existence is checked by the handler. */
const path = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')

/** 512 MiB of file content, base64-encoded (4 chars per 3 bytes). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024
const base64 = z
  .string()
  .max(Math.ceil(MAX_UPLOAD_BYTES / 3) * 4, `file is larger than ${MAX_UPLOAD_BYTES} bytes; open it by path`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'dataBase64 is not base64')

const fileName = z
  .string()
  .min(1, 'fileName is empty')
  .max(255)
  .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'fileName must be a bare file name')

const tag = z
  .string()
  .trim()
  .min(1, 'tag is empty')
  .max(100)
  .refine((t) => ![...t].some((c) => c.charCodeAt(0) < 0x20), 'tag contains control characters')
const label = z.string().max(500)
const runListQuery = z.strictObject({
  stage: z.string().max(100).optional(),
  backend: z.string().max(100).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  modelId: z.number().int().positive().optional(),
  datasetId: z.number().int().positive().optional(),
  label: label.optional(),
  tag: tag.optional(),
  protocolHash: z.string().max(100).optional(),
  optimizationLevel: z.number().int().min(0).max(10).optional(),
  sort: z.enum(RUN_SORT_KEYS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.number().int().positive().max(1_000_000).optional(),
  offset: z.number().int().min(0).optional(),
})
/** Bundles travel as JSON text; 1 GiB is far above a 10,000-run export with predictions. */
const MAX_BUNDLE_CHARS = 1024 * 1024 * 1024

export const argSchemas = {
  'app.info': empty,
  'models.list': empty,
  'models.get': id,
  'models.open': z.strictObject({ path }),
  'models.openBytes': z.strictObject({ fileName, dataBase64: base64 }),
  'models.remove': id,
  'datasets.open': z.strictObject({
    path,
    imagesDir: path.optional(),
    split: z.string().min(1).max(50).optional(),
  }),
  'datasets.list': empty,
  'runs.list': runListQuery,
  'runs.get': id,
  'runs.tag': z.strictObject({ id: z.number().int().positive(), tag }),
  'runs.untag': z.strictObject({ id: z.number().int().positive(), tag }),
  'runs.setNotes': z.strictObject({ id: z.number().int().positive(), notes: z.string().max(100_000) }),
  'runs.delete': id,
  'runs.exportCsv': runListQuery,
  'runs.exportBundle': z.strictObject({
    ids: z.array(z.number().int().positive()).min(1, 'give at least one run id').max(100_000),
  }),
  'runs.importBundle': z.strictObject({ json: z.string().min(1).max(MAX_BUNDLE_CHARS) }),
  'runs.importResults': z.strictObject({
    path,
    datasetId: z.number().int().positive(),
    modelId: z.number().int().positive().optional(),
    stage: z.string().trim().min(1).max(100),
    backend: z.string().trim().min(1, 'backend is empty').max(100),
    label: label.optional(),
    notes: z.string().max(100_000).optional(),
    protocol: z.record(z.string(), z.unknown()).optional(),
    yolo80: z.boolean().optional(),
  }),
} satisfies { [M in ApiMethod]: z.ZodType<ApiArgs<M>> }
