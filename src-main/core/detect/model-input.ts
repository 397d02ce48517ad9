/**
 * What a detector's input must look like for an evaluation to feed it pictures: one tensor, rank 4,
 * three channels first (NCHW) or last (NHWC), float32 or uint8, batch 1. Checked from the model's summary
 * before any picture is read, so a wrong model fails at once with a message that says what it has.
 */
import type { TensorInfo } from '../../shared/model-summary'
import { InvalidArgumentError, quote } from '../errors'
import type { InputDType, TensorLayout } from './protocol'

export interface ModelImageInput {
  name: string
  width: number
  height: number
  layout: TensorLayout
  dtype: InputDType
  /** True when the model fixes the size; false when it took `imgsz` (or 640). */
  fixedSize: boolean
}

export const DEFAULT_IMGSZ = 640

function shapeText(shape: TensorInfo['shape']): string {
  return shape === null ? 'no declared shape' : `[${shape.map((d) => d ?? '?').join(', ')}]`
}

/** Ultralytics writes `imgsz: "[640, 640]"` (h, w) into the ONNX metadata. */
function metadataSize(metadata: Record<string, string>): [number, number] | null {
  const text = metadata['imgsz']
  if (text === undefined) return null
  const nums = text.match(/\d+/g)?.map(Number) ?? []
  if (nums.length === 1) return [nums[0]!, nums[0]!]
  if (nums.length === 2) return [nums[0]!, nums[1]!]
  return null
}

/**
 * The image input of a model, or InvalidArgumentError naming what is wrong. `imgsz` (a square side or
 * [height, width]) must agree with a fixed input size; it sets the size of a dynamic one.
 */
export function resolveModelInput(
  inputs: readonly TensorInfo[],
  options: {
    imgsz?: number | readonly [number, number]
    metadata?: Record<string, string>
    modelName?: string
  } = {},
): ModelImageInput {
  const model = quote(options.modelName ?? 'the model')
  if (inputs.length === 0) throw new InvalidArgumentError(`${model} has no inputs; it cannot take a picture`)
  if (inputs.length > 1) {
    throw new InvalidArgumentError(
      `${model} has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); an evaluation feeds one image tensor`,
    )
  }
  const input = inputs[0]!
  const what = `${model}'s input ${quote(input.name)}`
  if (input.elemType !== 'float32' && input.elemType !== 'uint8') {
    throw new InvalidArgumentError(
      `${what} is ${input.elemType}; an image input is float32 (or uint8 for integer models) — is this a detector?`,
    )
  }
  const shape = input.shape
  if (shape === null || shape.length !== 4) {
    throw new InvalidArgumentError(
      `${what} has shape ${shapeText(shape)}; an image input is [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC)`,
    )
  }
  const [n, d1, , d3] = shape
  let layout: TensorLayout
  if (d1 === 3) layout = 'nchw'
  else if (d3 === 3) layout = 'nhwc'
  else {
    throw new InvalidArgumentError(
      `${what} has shape ${shapeText(shape)}: no axis of 3 colour channels (at 1 for NCHW or 3 for NHWC)`,
    )
  }
  if (typeof n === 'number' && n !== 1) {
    throw new InvalidArgumentError(`${what} has a fixed batch of ${n}; export the model with batch 1`)
  }
  const hDim = layout === 'nchw' ? shape[2] : shape[1]
  const wDim = layout === 'nchw' ? shape[3] : shape[2]
  const imgsz = options.imgsz
  const asked: [number, number] | null =
    imgsz === undefined ? null : typeof imgsz === 'number' ? [imgsz, imgsz] : [imgsz[0], imgsz[1]]
  if (asked !== null && !asked.every((v) => Number.isInteger(v) && v > 0 && v <= 16384)) {
    throw new InvalidArgumentError(`--imgsz ${quote(asked.join(','))} is not a picture size in pixels`)
  }
  const fixed = typeof hDim === 'number' && typeof wDim === 'number'
  if (fixed) {
    if (asked !== null && (asked[0] !== hDim || asked[1] !== wDim)) {
      throw new InvalidArgumentError(
        `${what} is fixed at ${wDim}×${hDim} (w×h) but --imgsz asks for ${asked[1]}×${asked[0]}; drop --imgsz or export the model at that size`,
      )
    }
    return { name: input.name, width: wDim, height: hDim, layout, dtype: input.elemType, fixedSize: true }
  }
  const fallback = metadataSize(options.metadata ?? {}) ?? [DEFAULT_IMGSZ, DEFAULT_IMGSZ]
  const [h, w] = asked ?? [
    typeof hDim === 'number' ? hDim : fallback[0],
    typeof wDim === 'number' ? wDim : fallback[1],
  ]
  return { name: input.name, width: w, height: h, layout, dtype: input.elemType, fixedSize: false }
}
