/**
 * Calibration: run the float model over a calibration set with every activation to quantize fetched
 * as an extra output, and feed each tensor's values to its observer (core/quant/observers). Images go
 * through the same decode → resize → tensor path as evaluate.ts, under the protocol's preprocessing.
 * A picture that fails to decode or is missing is skipped and counted; a set with no usable picture
 * throws.
 */
import { availableParallelism } from 'node:os'
import type { Dataset } from '../../core/datasets/dataset'
import { planResize, toInputTensor } from '../../core/detect/preprocess'
import type { PreprocessSpec } from '../../core/detect/protocol'
import { ImageDecodeError, InvalidArgumentError, QuantscopeError } from '../../core/errors'
import {
  imageListSha256,
  selectCalibrationImages,
  type CalibrationSelection,
} from '../../core/quant/calibration-set'
import { makeObserver, type Observer, type ObserverMethod, type Range } from '../../core/quant/observers'
import { decodeImage, readImageBytes, resizeImage } from '../images/image-decoder'
import { InferenceSession } from '../inference/inference-session'

export interface CalibrateOptions {
  /** The float model. */
  model: Uint8Array
  /** Its image input's name. */
  inputName: string
  /** Tensors to observe (graph inputs are observed from the fed tensor itself). */
  tensors: readonly string[]
  dataset: Dataset
  preprocess: PreprocessSpec
  size: number
  selection?: CalibrationSelection
  seed?: number
  method?: ObserverMethod
  percentile?: number
  intraOpThreads?: number
}

export interface CalibrationSkip {
  fileName: string
  message: string
}

export interface CalibrationResult {
  ranges: Map<string, Range>
  method: ObserverMethod
  selection: CalibrationSelection
  seed: number
  /** File names of the images used, in order (skipped ones left out). */
  images: string[]
  imageListSha256: string
  skipped: CalibrationSkip[]
}

export async function calibrate(options: CalibrateOptions): Promise<CalibrationResult> {
  const selection = options.selection ?? 'first'
  const seed = options.seed ?? 0
  const method = options.method ?? 'minmax'
  const located = options.dataset.images.filter((im) => im.path !== undefined)
  if (located.length === 0) {
    throw new InvalidArgumentError(
      'none of the calibration dataset’s images has a file: give the images folder (--images DIR) for a COCO JSON',
    )
  }
  const picked = selectCalibrationImages(located, options.size, selection, seed)
  const observers = new Map<string, Observer>()
  for (const t of options.tensors) {
    observers.set(
      t,
      makeObserver(method, options.percentile === undefined ? {} : { percentile: options.percentile }),
    )
  }
  const extra = options.tensors.filter((t) => t !== options.inputName)
  const session = await InferenceSession.open(options.model, {
    intraOpThreads: options.intraOpThreads ?? Math.max(1, availableParallelism()),
    extraOutputs: extra,
  })
  const used: string[] = []
  const skipped: CalibrationSkip[] = []
  const pre = options.preprocess
  try {
    for (const image of picked) {
      let tensor
      try {
        const picture = await decodeImage(await readImageBytes(image.path!), image.fileName)
        const plan = planResize(picture.width, picture.height, pre)
        const resized = await resizeImage(picture, plan.resizedWidth, plan.resizedHeight, pre.kernel)
        tensor = toInputTensor(resized, plan, pre)
      } catch (error) {
        if (error instanceof ImageDecodeError || error instanceof QuantscopeError) {
          skipped.push({ fileName: image.fileName, message: error.message })
          continue
        }
        throw error
      }
      observers.get(options.inputName)?.observe(tensor.data)
      const outputs = await session.run({ [options.inputName]: tensor }, extra)
      for (const name of extra) {
        const out = outputs.get(name)
        if (out) observers.get(name)!.observe(out.data)
      }
      used.push(image.fileName)
    }
  } finally {
    await session.release()
  }
  if (used.length === 0) {
    throw new InvalidArgumentError(
      `no calibration image could be read (${skipped.length} skipped: ${skipped[0]?.message ?? ''}); check the images`,
    )
  }
  const ranges = new Map<string, Range>()
  for (const [name, observer] of observers) if (observer.count > 0) ranges.set(name, observer.rangeOf())
  return {
    ranges,
    method,
    selection,
    seed,
    images: used,
    imageListSha256: await imageListSha256(used),
    skipped,
  }
}
