/**
 * The run bundle: one JSON file carrying finished runs between workspaces — each with its recipe,
 * protocol, metrics, per-class AP, curves, image outcomes and predictions, and the hashes that tie it to
 * its model (sha256) and dataset (fingerprint). Imports merge on the run's uid: importing a bundle twice
 * adds nothing. Validated field by field with zod; errors name the field.
 */
import { z } from 'zod'
import { DatasetError } from '../errors'
import { RUN_STATUSES } from '../../shared/run'

export const BUNDLE_FORMAT = 'quantscope-run-bundle'
export const BUNDLE_VERSION = 1

const finite = z.number().refine(Number.isFinite, 'must be a finite number')
const box = z.tuple([finite, finite, finite, finite])

const bundledRun = z.object({
  uid: z.string().min(8).max(100),
  status: z.enum(RUN_STATUSES),
  stage: z.string().min(1).max(100),
  backend: z.string().max(100),
  label: z.string().max(500),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  model: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), fileName: z.string() }).nullable(),
  dataset: z
    .object({ fingerprint: z.string().min(8), format: z.enum(['coco', 'yolo']), path: z.string() })
    .nullable(),
  protocol: z.record(z.string(), z.unknown()),
  protocolHash: z.string(),
  recipe: z.record(z.string(), z.unknown()),
  metrics: z
    .object({
      coco: z.object({ stats: z.array(finite).length(12) }),
      ultralytics: z.record(z.string(), finite).optional(),
      atConfidence: z.record(z.string(), finite).optional(),
    })
    .nullable(),
  perClass: z.array(
    z.object({
      categoryId: z.number().int(),
      name: z.string(),
      ap: finite,
      ap50: finite,
      ap75: finite,
      nGt: z.number().int().min(0),
      nDt: z.number().int().min(0),
    }),
  ),
  curves: z.array(z.object({ categoryId: z.number().int(), iou: finite, precision: z.array(finite) })),
  imageOutcomes: z.array(
    z.object({
      imageId: z.number().int(),
      tp: z.number().int().min(0),
      fp: z.number().int().min(0),
      fn: z.number().int().min(0),
      error: z.string().optional(),
    }),
  ),
  predictions: z.array(
    z.object({ imageId: z.number().int(), categoryId: z.number().int(), bbox: box, score: finite }),
  ),
  timings: z.record(z.string(), finite),
  host: z.record(z.string(), z.string()),
  versions: z.record(z.string(), z.string()),
  tags: z.array(z.string().min(1).max(100)),
  notes: z.string(),
  imageCount: z.number().int().min(0).nullable(),
  errorCount: z.number().int().min(0),
})

export const runBundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  exportedAt: z.string(),
  quantscopeVersion: z.string(),
  runs: z.array(bundledRun),
})

export type BundledRun = z.infer<typeof bundledRun>
export type RunBundle = z.infer<typeof runBundleSchema>

/** Validate a parsed JSON value as a bundle; the error names the first bad fields (`runs[3].metrics.coco.stats`). */
export function parseRunBundle(value: unknown, source: string): RunBundle {
  const looks = value as { format?: unknown }
  if (typeof value !== 'object' || value === null || looks.format !== BUNDLE_FORMAT) {
    throw new DatasetError(
      `${source} is not a Quantscope run bundle (no "format": "${BUNDLE_FORMAT}"); export one with \`quantscope runs export --format bundle\``,
    )
  }
  const parsed = runBundleSchema.safeParse(value)
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => {
      const path = i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '')
      return `${path || 'bundle'}: ${i.message}`
    })
    const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : ''
    throw new DatasetError(
      `${source} is not a valid run bundle — ${issues.join('; ')}${more}; nothing was imported`,
    )
  }
  return parsed.data
}
