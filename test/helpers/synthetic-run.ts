/**
 * Synthetic run contents for store tests and benchmarks: the sizes of a real COCO evaluation (80 classes,
 * PR curves, thousands of predictions), with seeded values so failures reproduce.
 */
import type { Detection } from '../../src-main/core/datasets/dataset'
import type { NewRun, RunResult } from '../../src-main/services/store/run-repository'
import { STAGES, type CocoStats } from '../../src-main/shared/run'
import { mulberry32 } from './seeded-random'

const rng = mulberry32

export function syntheticNewRun(seed: number, overrides: Partial<NewRun> = {}): NewRun {
  const r = rng(seed)
  const stage = STAGES[Math.floor(r() * 4)]!
  const level = Math.floor(r() * 5)
  return {
    stage,
    backend: r() < 0.8 ? 'ort-cpu' : 'hailo8',
    label: `sweep-${seed % 7}`,
    modelId: null,
    protocol: { preprocess: { width: 640, height: 640 }, nms: { conf: 0.001, iou: 0.7 } },
    protocolHash: `p${seed % 3}`,
    recipe:
      stage === 'quantized'
        ? { optimizationLevel: level, clipping: 'none', precisionModes: { head: 'a16_w16' } }
        : {},
    ...overrides,
  }
}

export function syntheticResult(
  seed: number,
  options: { classes?: number; predictions?: number } = {},
): RunResult {
  const r = rng(seed * 7919 + 1)
  const classes = options.classes ?? 80
  const stats = Array.from({ length: 12 }, () => r()) as CocoStats
  const predictions: Detection[] = Array.from({ length: options.predictions ?? 2000 }, (_, i) => ({
    imageId: 1 + (i % 128),
    categoryId: 1 + Math.floor(r() * classes),
    bbox: [r() * 600, r() * 400, 5 + r() * 200, 5 + r() * 200],
    score: r(),
  }))
  return {
    metrics: {
      coco: { stats },
      ultralytics: {
        precision: r(),
        recall: r(),
        f1: r(),
        map50: r(),
        map75: r(),
        map50_95: r(),
        confidence: r(),
      },
    },
    perClass: Array.from({ length: classes }, (_, k) => ({
      categoryId: k + 1,
      name: `class${k}`,
      ap: r(),
      ap50: r(),
      ap75: r(),
      nGt: Math.floor(r() * 50),
      nDt: Math.floor(r() * 500),
    })),
    curves: Array.from({ length: classes + 1 }, (_, k) => ({
      categoryId: k === classes ? -1 : k + 1,
      iou: 0.5,
      precision: Array.from({ length: 101 }, () => Math.round(r() * 1e4) / 1e4),
    })),
    imageOutcomes: Array.from({ length: 128 }, (_, i) => ({
      imageId: i + 1,
      tp: Math.floor(r() * 5),
      fp: Math.floor(r() * 5),
      fn: Math.floor(r() * 5),
    })),
    predictions,
    timings: { preprocessMs: 2, inferenceMs: 30, postprocessMs: 1 },
    imageCount: 128,
    errorCount: 0,
  }
}
