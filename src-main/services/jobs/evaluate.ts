/**
 * One evaluation run: model × dataset × protocol → COCO predictions (image pixels) → metrics
 * (pycocotools-exact COCO stats, Ultralytics P/R/mAP) → speed per image. Every stage of the ladder
 * (original, parsed, quantized …) goes through this path, so differences between runs come from the
 * model and never from here: same inputs, same protocol → byte-identical predictions.
 *
 * Pipeline: pictures are read and decoded ahead of inference (sharp works on libuv threads) with at
 * most `prefetch` pictures in flight, so memory stays bounded on any dataset; the model runs one
 * picture at a time; decode + NMS follow. Pictures are scored in dataset order whatever finishes first.
 *
 * Failures of one picture (missing, empty, truncated, not an image) are recorded with the reason and the
 * run goes on; those pictures and their ground truth are left out of the metrics, and the summary counts
 * them. Failures of the run itself (a model that takes no picture, an input size that conflicts with
 * `imgsz`, a dataset without pictures, classes the dataset cannot name) throw before any picture is read.
 */
import { availableParallelism } from 'node:os'
import type { Dataset, Detection } from '../../core/datasets/dataset'
import { boxesToImage, toCocoResults, type ImageToModel } from '../../core/detect/box-transform'
import { decoderFor, detectDecoder, parseDecoderName } from '../../core/detect/decoder-detect'
import type { DecodeContext, DecoderName, ModelOutputs } from '../../core/detect/detection-types'
import { resolveModelInput, type ModelImageInput } from '../../core/detect/model-input'
import { candidateFloor, runNms } from '../../core/detect/nms'
import { planResize, toInputTensor, type InputTensor } from '../../core/detect/preprocess'
import {
  canonicalProtocolJson,
  makeProtocol,
  protocolHash,
  type Protocol,
  type ProtocolChoices,
} from '../../core/detect/protocol'
import { ImageDecodeError, InvalidArgumentError, QuantscopeError, quote } from '../../core/errors'
import { openModelBytes } from '../../core/formats/registry'
import { computeMetrics, metricsReportJson, type MetricsReport } from '../../core/metrics/metrics-report'
import { readModelFile } from '../files/model-file'
import { decodeImage, readImageBytes, resizeImage } from '../images/image-decoder'
import { InferenceSession, type InferenceOptions } from '../inference/inference-session'

export interface EvaluateOptions {
  /** Path of the .onnx file. */
  modelPath: string
  /** An opened dataset whose images carry their paths (openDataset with imagesDir for COCO JSON). */
  dataset: Dataset
  /** 'auto' (default) asks decoder-detect.ts. */
  decoder?: DecoderName | 'auto'
  /** Square side or [height, width]; must agree with a fixed model input. */
  imgsz?: number | readonly [number, number]
  protocol?: ProtocolChoices
  /**
   * Session options. Default intra-op threads: the CPU count minus one (at least 1), leaving a core to
   * decoding and pre/post-processing — on 2 cores, 1 inference thread evaluated coco128 faster (56 img/s)
   * than 2 (53.5 img/s), which fought the pipeline for the cores.
   */
  inference?: InferenceOptions
  /** Evaluate the first N pictures only (in dataset order). */
  limit?: number
  /** Pictures in flight between the file and the model (bounds memory). Default 4. */
  prefetch?: number
  /**
   * Pictures decoded at the same time. Default 1: with the model's threads busy, more decoders only
   * fight them for the cores (on 2 cores, 4 parallel decodes made each inference 3× slower).
   */
  decoders?: number
  signal?: AbortSignal
  onProgress?: (progress: EvalProgress) => void
}

export interface EvalProgress {
  done: number
  total: number
  errors: number
  elapsedMs: number
  /** Estimated time left; null before the first picture is done. */
  etaMs: number | null
}

export interface ImageFailure {
  imageId: number
  fileName: string
  /** ImageDecodeError's reason, 'missing' for a file that is not there, 'io' for one that cannot be read. */
  reason: string
  message: string
}

export interface SpeedBreakdown {
  /** Mean milliseconds per picture, as `yolo val` prints them. The stages overlap in time (decoding runs
   * ahead on other threads), so they add up to more than the wall time per picture. */
  preprocess: number
  inference: number
  postprocess: number
}

export interface EvaluationResult {
  protocol: Protocol
  /** SHA-256 of the protocol's canonical JSON: runs are comparable only when these agree. */
  protocolHash: string
  model: { path: string; sha256: string; input: ModelImageInput; decoderReason: string }
  /** Pictures scored, pictures asked for (after `limit`), and the ones that failed. */
  images: number
  /** Ids of the pictures scored (the ground truth the metrics used), in dataset order. */
  scoredImageIds: number[]
  total: number
  errors: ImageFailure[]
  /** COCO results in image pixels, in dataset order, bbox rounded to 1e-3 px and scores to 1e-5 (as Ultralytics' save_json). */
  predictions: Detection[]
  /** pycocotools' 12 stats and per-class AP, with Ultralytics' P/R/mAP beside (metrics-report.ts). */
  metrics: MetricsReport
  speed: SpeedBreakdown
  /** The whole call, model loading and metrics included. */
  wallMs: number
  /** The pictures' loop alone (decode → infer → NMS of every picture): throughput is total / loopMs. */
  loopMs: number
  /** Things a user should know that did not stop the run. */
  warnings: string[]
}

interface Prepared {
  tensor: InputTensor
  toModel: ImageToModel
  preprocessMs: number
}

type Inferred =
  | { ok: true; outputs: ModelOutputs; runMs: number; toModel: ImageToModel; preprocessMs: number }
  | { ok: false; failure: ImageFailure }

function failureOf(image: { id: number; fileName: string }, error: unknown): ImageFailure {
  if (error instanceof ImageDecodeError) {
    return { imageId: image.id, fileName: image.fileName, reason: error.reason, message: error.message }
  }
  if (error instanceof QuantscopeError) {
    const reason = error.code === 'NOT_FOUND' ? 'missing' : 'io'
    return { imageId: image.id, fileName: image.fileName, reason, message: error.message }
  }
  throw error
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('the evaluation was cancelled', 'AbortError')
}

/** Evaluate a model on a dataset. Rejects with the signal's reason (an AbortError) when cancelled. */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  const started = performance.now()
  const { dataset, signal } = options
  // --- checks that need no inference ---
  const model = readModelFile(options.modelPath)
  const summary = openModelBytes(model.bytes, model.host, model.fileName)
  if (summary.format !== 'onnx') {
    throw new InvalidArgumentError(
      `${quote(model.fileName)} is a ${summary.format.toUpperCase()} file; evaluation runs ONNX models`,
    )
  }
  const input = resolveModelInput(summary.inputs, {
    metadata: summary.metadata,
    modelName: model.fileName,
    ...(options.imgsz === undefined ? {} : { imgsz: options.imgsz }),
  })
  if (dataset.images.length === 0) {
    throw new InvalidArgumentError(
      'the dataset has no images; check the annotations file or the data.yaml split',
    )
  }
  const located = dataset.images.filter((im) => im.path !== undefined)
  if (located.length === 0) {
    throw new InvalidArgumentError(
      'none of the dataset’s images has a file: give the images folder (--images DIR) for a COCO JSON',
    )
  }
  const limit = options.limit ?? located.length
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`limit ${quote(limit)} must be a positive whole number of images`)
  }
  const images = located.slice(0, limit)
  const warnings = [...dataset.warnings]
  if (located.length < dataset.images.length) {
    warnings.push(
      `${dataset.images.length - located.length} image(s) of the dataset have no file and were not evaluated`,
    )
  }
  const prefetch = Math.max(1, options.prefetch ?? 4)
  if (signal?.aborted) throw abortError(signal)

  const session = await InferenceSession.open(
    model.bytes,
    { intraOpThreads: Math.max(1, availableParallelism() - 1), ...options.inference },
    model.fileName,
  )
  try {
    // --- the decoder and the protocol, from one warm-up run on a grey picture (not timed) ---
    const ctx: DecodeContext = { inputWidth: input.width, inputHeight: input.height }
    const grey = greyInput(input)
    const warm = await session.run({ [input.name]: grey })
    const outputShapes = session.outputs.map((o) => ({ name: o.name, dims: o.shape }))
    let decoder: DecoderName
    let decoderReason: string
    let numClasses: number | undefined
    if (options.decoder === undefined || options.decoder === 'auto') {
      const guess = detectDecoder(outputShapes, summary.metadata, ctx, warm)
      decoder = guess.name
      decoderReason = guess.reason
      numClasses = guess.numClasses
    } else {
      decoder = parseDecoderName(options.decoder)
      decoderReason = 'chosen by the user'
    }
    const protocol = makeProtocol(input, decoder, options.protocol)
    const hash = await protocolHash(protocol)
    const decode = decoderFor(decoder)
    const decodeCtx: DecodeContext = {
      ...ctx,
      minScore: candidateFloor(protocol.nms),
      ...(numClasses === undefined ? {} : { numClasses }),
    }
    const probe = decode(warm, decodeCtx)
    const classMap = dataset.classIndexToCategoryId
    if (probe.numClasses > classMap.length) {
      throw new InvalidArgumentError(
        `the model predicts ${probe.numClasses} classes but the dataset names ${classMap.length}; evaluate it on a dataset with its classes`,
      )
    }

    // --- the run ---
    const pre = protocol.preprocess
    // Each picture: read + decode (libuv threads) → resize + tensor (here) → run (the inference thread,
    // runs queue there in call order). Up to `prefetch` pictures are somewhere in this chain at once.
    const slots = limiter(options.decoders ?? 1)
    const infer = async (index: number): Promise<Inferred> => {
      const image = images[index]!
      let prepared: Prepared
      try {
        prepared = await slots(async () => {
          const t0 = performance.now()
          const bytes = await readImageBytes(image.path!)
          const picture = await decodeImage(bytes, image.fileName)
          const plan = planResize(picture.width, picture.height, pre)
          const resized = await resizeImage(picture, plan.resizedWidth, plan.resizedHeight, pre.kernel)
          const tensor = toInputTensor(resized, plan, pre)
          return { tensor, toModel: plan.toModel, preprocessMs: performance.now() - t0 }
        })
      } catch (error) {
        return { ok: false, failure: failureOf(image, error) }
      }
      const { outputs, runMs } = await session.timedRun({ [input.name]: prepared.tensor }, undefined, {
        transferInputs: true,
      })
      return { ok: true, outputs, runMs, toModel: prepared.toModel, preprocessMs: prepared.preprocessMs }
    }
    const pending: (Promise<Inferred> | undefined)[] = []
    let scheduled = 0
    const schedule = (consumed: number): void => {
      while (scheduled < images.length && scheduled < consumed + prefetch) {
        const p = infer(scheduled)
        p.catch(() => undefined) // a run failure is raised where it is awaited, in order
        pending[scheduled] = p
        scheduled++
      }
    }

    const predictions: Detection[] = []
    const errors: ImageFailure[] = []
    const failedIds = new Set<number>()
    const mismatched: string[] = []
    let preMs = 0
    let infMs = 0
    let postMs = 0
    let scored = 0
    const loopStart = performance.now()
    schedule(0)
    for (let i = 0; i < images.length; i++) {
      if (signal?.aborted) throw abortError(signal)
      const image = images[i]!
      const outcome = await pending[i]!
      pending[i] = undefined
      schedule(i + 1)
      if (!outcome.ok) {
        errors.push(outcome.failure)
        failedIds.add(image.id)
      } else {
        const { outputs, runMs, toModel, preprocessMs } = outcome
        if (toModel.imageWidth !== image.width || toModel.imageHeight !== image.height) {
          mismatched.push(`${quote(image.fileName)} ${toModel.imageWidth}×${toModel.imageHeight}`)
        }
        const t0 = performance.now()
        const candidates = decode(outputs, decodeCtx)
        const kept = runNms(candidates, protocol.nms)
        const boxes = boxesToImage(kept.boxes.subarray(0, kept.count * 4), toModel)
        predictions.push(
          ...toCocoResults({ ...kept, boxes }, image.id, classMap, { decimals: { bbox: 3, score: 5 } }),
        )
        postMs += performance.now() - t0
        infMs += runMs
        preMs += preprocessMs
        scored++
      }
      const done = i + 1
      const elapsedMs = performance.now() - loopStart
      options.onProgress?.({
        done,
        total: images.length,
        errors: errors.length,
        elapsedMs,
        etaMs: (elapsedMs / done) * (images.length - done),
      })
    }
    const loopMs = performance.now() - loopStart
    if (mismatched.length > 0) {
      warnings.push(
        `${mismatched.length} picture(s) decode (EXIF orientation applied) to another size than the dataset says; their boxes may not line up: ${mismatched.slice(0, 5).join(', ')}${mismatched.length > 5 ? ' …' : ''}`,
      )
    }

    // --- metrics on the pictures that were scored ---
    const scoredIds = new Set(images.filter((im) => !failedIds.has(im.id)).map((im) => im.id))
    const gt = {
      images: dataset.images.filter((im) => scoredIds.has(im.id)),
      categories: dataset.categories,
      annotations: dataset.annotations.filter((a) => scoredIds.has(a.imageId)),
    }
    const metrics = metricsReportJson(computeMetrics(gt, predictions, { flavor: 'ultralytics' }))
    const per = (v: number): number => (scored > 0 ? v / scored : 0)
    return {
      protocol,
      protocolHash: hash,
      model: { path: model.path, sha256: model.sha256, input, decoderReason },
      images: scored,
      scoredImageIds: [...scoredIds],
      total: images.length,
      errors,
      predictions,
      metrics,
      speed: { preprocess: per(preMs), inference: per(infMs), postprocess: per(postMs) },
      wallMs: performance.now() - started,
      loopMs,
      warnings,
    }
  } finally {
    await session.release()
  }
}

/** At most `n` calls of the returned function run at once; the others wait their turn in call order. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0
  const queue: (() => void)[] = []
  return async (fn) => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve))
    active++
    try {
      return await fn()
    } finally {
      active--
      queue.shift()?.()
    }
  }
}

/** The input filled with the pad grey (what a letterbox border holds): a neutral warm-up picture. */
function greyInput(input: ModelImageInput): InputTensor {
  const dims = input.layout === 'nchw' ? [1, 3, input.height, input.width] : [1, input.height, input.width, 3]
  const n = 3 * input.width * input.height
  return {
    dims,
    data: input.dtype === 'uint8' ? new Uint8Array(n).fill(114) : new Float32Array(n).fill(114 / 255),
  }
}

/** COCO results JSON, one detection per line, keys in pycocotools' order: the same run writes the same bytes. */
export function formatPredictions(predictions: readonly Detection[]): string {
  if (predictions.length === 0) return '[]\n'
  const lines = predictions.map(
    (d) =>
      `{"image_id":${d.imageId},"category_id":${d.categoryId},"bbox":[${d.bbox.join(',')}],"score":${d.score}}`,
  )
  return `[\n${lines.join(',\n')}\n]\n`
}

/** The protocol's canonical JSON (re-exported for writers of run records). */
export { canonicalProtocolJson }
