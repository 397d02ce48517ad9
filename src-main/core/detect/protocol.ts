/**
 * The evaluation protocol: everything between the image file and the metric that is not the model —
 * preprocessing, decode, NMS, metric. Two runs are comparable only under the same protocol, so a protocol
 * has one canonical JSON text (sorted keys, a version) and a SHA-256 of it.
 *
 * Defaults follow Ultralytics (`yolo val` / `predict`): RGB, pixels ÷ 255, letterbox centered with pad
 * 114, OpenCV's bilinear resize, the model's input size; NMS as `yolo val` (nms.ts's 'ultralytics'
 * profile: conf 0.001, IoU 0.7, 300 detections, multi-label). Presets carry the contracts of other
 * families (`PRESETS`): YOLOX and NanoDet were trained on other preprocessing and lose mAP under
 * Ultralytics'.
 */
import { canonicalJson } from '../canonical-json'
import type { DecoderName } from './detection-types'
import { NMS_PROFILES, type NmsOptions, type NmsProfileName } from './nms'
import { InvalidArgumentError, quote } from '../errors'

export const PROTOCOL_VERSION = 1

/**
 * How the image becomes the model's width × height (r = min(H/h, W/w)):
 * - 'letterbox': Ultralytics' LetterBox — resize to round(w·r) × round(h·r) (Python's round, half to even),
 *   pad to W × H centered (top = round(dh − 0.1), left = round(dw − 0.1), dh, dw the half paddings);
 * - 'letterbox-topleft': YOLOX's preproc — resize to int(w·r) × int(h·r) (truncated), image at the
 *   top-left corner, pad right and bottom;
 * - 'stretch': resize to W × H, aspect not kept (NanoDet's ONNX/ncnn demos, keep_ratio false).
 */
export const RESIZE_MODES = ['letterbox', 'letterbox-topleft', 'stretch'] as const
export type ResizeMode = (typeof RESIZE_MODES)[number]

/**
 * The resampling kernel. 'opencv-linear' is OpenCV's cv2.resize INTER_LINEAR (what Ultralytics, YOLOX and
 * NanoDet use), reimplemented in core bit-exact on its fixed-point arithmetic: bilinear on the two nearest
 * source pixels, no antialiasing when shrinking. The others are libvips' kernels (sharp), which widen the
 * kernel when shrinking (antialiased, so they differ from OpenCV on every downscale).
 */
export const RESIZE_KERNELS = ['opencv-linear', 'linear', 'cubic', 'lanczos3', 'nearest'] as const
export type ResizeKernel = (typeof RESIZE_KERNELS)[number]

export type ColorOrder = 'rgb' | 'bgr'
/** 1: pixels ÷ 255 into [0, 1]; 255: pixels as they are, [0, 255]. Applied before mean/std. */
export type PixelRange = 1 | 255
export type TensorLayout = 'nchw' | 'nhwc'
export type InputDType = 'float32' | 'uint8'
export type Triple = [number, number, number]

export interface PreprocessSpec {
  /** Model input size in pixels. */
  width: number
  height: number
  resize: ResizeMode
  /** Fill value of the letterbox border, 0..255, in every channel (before range and mean/std). */
  pad: number
  kernel: ResizeKernel
  colorOrder: ColorOrder
  pixelRange: PixelRange
  /** Per tensor channel (so in `colorOrder`), in the units after `pixelRange`: value = (v − mean) / std. */
  mean: Triple
  std: Triple
  layout: TensorLayout
  /** 'uint8' feeds raw pixels (quantized models with integer inputs): needs pixelRange 255, mean 0, std 1. */
  dtype: InputDType
}

/**
 * NMS as nms.ts runs it: the profile's options (NMS_PROFILES) with the user's overrides applied, stored
 * resolved, so the protocol says exactly which comparisons and caps ran. Field names are nms.ts's.
 */
export type NmsSpec = { profile: NmsProfileName } & NmsOptions

export interface Protocol {
  version: typeof PROTOCOL_VERSION
  preprocess: PreprocessSpec
  decode: { decoder: DecoderName }
  nms: NmsSpec
  metric: 'coco'
}

/** The preprocessing contracts of the families Quantscope knows (size excluded: that is the model's). */
export type PresetName = 'ultralytics' | 'yolox' | 'nanodet'
export const PRESET_NAMES: readonly PresetName[] = ['ultralytics', 'yolox', 'nanodet']

type PresetSpec = Omit<PreprocessSpec, 'width' | 'height' | 'layout' | 'dtype'>

export const PRESETS: Readonly<Record<PresetName, Readonly<PresetSpec>>> = {
  // ultralytics/data/augment.py LetterBox (center=True), cv2 INTER_LINEAR, BGR→RGB, /255.
  ultralytics: {
    resize: 'letterbox',
    pad: 114,
    kernel: 'opencv-linear',
    colorOrder: 'rgb',
    pixelRange: 1,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  },
  // yolox/data/data_augment.py preproc (YOLOX ≥ 0.2, legacy=False): BGR 0..255, no normalization,
  // padded_img = 114 everywhere, the int()-truncated resize at [:h, :w].
  yolox: {
    resize: 'letterbox-topleft',
    pad: 114,
    kernel: 'opencv-linear',
    colorOrder: 'bgr',
    pixelRange: 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  },
  // NanoDet (nanodet/data/transform: warp.py + color.py): BGR, (img − mean) / std on 0..255 with mean/std
  // in BGR order. nanodet-m.yml trains and evaluates with keep_ratio: True — get_resize_matrix scales by
  // the smaller ratio about the picture's centre into the centre of the input, warpPerspective's border
  // 0 — so: centered letterbox, pad 0 (the warp's sub-pixel offset is not reproduced: < 0.5 px). Not
  // stretch (the ONNX demos' cv2.resize): on coco128, nanodet_m scores AP 0.308 letterboxed, 0.253 stretched.
  nanodet: {
    resize: 'letterbox',
    pad: 0,
    kernel: 'opencv-linear',
    colorOrder: 'bgr',
    pixelRange: 255,
    mean: [103.53, 116.28, 123.675],
    std: [57.375, 57.12, 58.395],
  },
}

/** The preset a decoder's family implies when the user names none. */
export function presetForDecoder(decoder: DecoderName): PresetName {
  return decoder === 'yolox' ? 'yolox' : decoder === 'nanodet' ? 'nanodet' : 'ultralytics'
}

function checkNumber(name: string, value: number, min: number, max: number, integer = false): void {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(
      `${name} ${quote(value)} is out of range: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`,
    )
  }
}

/** Throw InvalidArgumentError naming the first field that makes no sense. */
export function validateProtocol(p: Protocol): void {
  const pre = p.preprocess
  checkNumber('input width', pre.width, 1, 16384, true)
  checkNumber('input height', pre.height, 1, 16384, true)
  checkNumber('pad', pre.pad, 0, 255, true)
  if (!RESIZE_MODES.includes(pre.resize)) {
    throw new InvalidArgumentError(`resize ${quote(pre.resize)} is not one of ${RESIZE_MODES.join(', ')}`)
  }
  if (!RESIZE_KERNELS.includes(pre.kernel)) {
    throw new InvalidArgumentError(
      `resize kernel ${quote(pre.kernel)} is not one of ${RESIZE_KERNELS.join(', ')}`,
    )
  }
  if (pre.pixelRange !== 1 && pre.pixelRange !== 255) {
    throw new InvalidArgumentError(
      `pixel range ${quote(pre.pixelRange)} must be 1 ([0, 1]) or 255 ([0, 255])`,
    )
  }
  for (const [name, triple] of [
    ['mean', pre.mean],
    ['std', pre.std],
  ] as const) {
    if (triple.length !== 3 || !triple.every(Number.isFinite)) {
      throw new InvalidArgumentError(
        `${name} must be three finite numbers, one per channel; got ${quote(triple.join(','))}`,
      )
    }
  }
  if (pre.std.some((s) => s === 0)) {
    throw new InvalidArgumentError(
      `std ${quote(pre.std.join(','))} has a zero: every channel would divide by 0`,
    )
  }
  if (
    pre.dtype === 'uint8' &&
    (pre.pixelRange !== 255 || pre.mean.some((m) => m !== 0) || pre.std.some((s) => s !== 1))
  ) {
    throw new InvalidArgumentError(
      'a uint8 input takes raw pixels: use pixel range 255, mean 0,0,0 and std 1,1,1 (the model normalizes inside)',
    )
  }
  if (!(p.nms.profile in NMS_PROFILES)) {
    throw new InvalidArgumentError(
      `NMS profile ${quote(p.nms.profile)} is not one of ${Object.keys(NMS_PROFILES).join(', ')}`,
    )
  }
  checkNumber('conf', p.nms.confThreshold, 0, 1)
  checkNumber('iou', p.nms.iouThreshold, 0, 1)
  if (p.nms.maxDetections !== undefined) checkNumber('max-det', p.nms.maxDetections, 1, 100_000, true)
  if (p.nms.preNmsTopK !== undefined) checkNumber('top-k', p.nms.preNmsTopK, 1, 10_000_000, true)
}

export { canonicalJson }

/** The protocol's canonical JSON text (what is hashed and stored). */
export function canonicalProtocolJson(protocol: Protocol): string {
  return canonicalJson(protocol)
}

/** Hex SHA-256 of the canonical JSON (WebCrypto, as datasetFingerprint: core stays pure). */
export async function protocolHash(protocol: Protocol): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalProtocolJson(protocol))
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** One line a user can read: the protocol's choices that change numbers. */
export function describeProtocol(p: Protocol): string {
  const pre = p.preprocess
  const norm =
    pre.mean.some((m) => m !== 0) || pre.std.some((s) => s !== 1)
      ? `, mean ${pre.mean.join('/')} std ${pre.std.join('/')}`
      : ''
  const pad = pre.resize === 'stretch' ? '' : ` pad ${pre.pad}`
  return (
    `${pre.width}×${pre.height} ${pre.resize}${pad} (${pre.kernel}), ${pre.colorOrder.toUpperCase()} ` +
    `[0,${pre.pixelRange}]${norm}, ${pre.layout.toUpperCase()} ${pre.dtype}; decoder ${p.decode.decoder}; ` +
    `NMS ${p.nms.profile} conf ${p.nms.confThreshold} iou ${p.nms.iouThreshold}` +
    `${p.nms.maxDetections !== undefined ? ` max-det ${p.nms.maxDetections}` : ''}` +
    `${p.nms.maxPerClass !== undefined ? ` max-per-class ${p.nms.maxPerClass}` : ''}` +
    `${p.nms.classAgnostic ? ' class-agnostic' : ''}${p.nms.multiLabel ? ' multi-label' : ''}` +
    `${p.nms.preNmsTopK !== undefined ? ` top-k ${p.nms.preNmsTopK}` : ''}; metric ${p.metric}`
  )
}

/** What a user may choose; everything left out comes from the preset and the model. */
export interface ProtocolChoices {
  /** Default: the preset of the decoder's family (presetForDecoder). */
  preset?: PresetName
  resize?: ResizeMode
  pad?: number
  kernel?: ResizeKernel
  colorOrder?: ColorOrder
  pixelRange?: PixelRange
  mean?: Triple
  std?: Triple
  nms?: NmsChoices
}

/** The NMS knobs a user turns (CLI flags); the rest is the profile's. */
export interface NmsChoices {
  profile?: NmsProfileName
  conf?: number
  iou?: number
  maxDet?: number
  classAgnostic?: boolean
  multiLabel?: boolean
  topK?: number
}

/** The profile's options with the user's choices applied. */
export function resolveNms(choices: NmsChoices = {}): NmsSpec {
  const profile = choices.profile ?? 'ultralytics'
  const base = NMS_PROFILES[profile]
  if (base === undefined) {
    throw new InvalidArgumentError(
      `NMS profile ${quote(profile)} is not one of ${Object.keys(NMS_PROFILES).join(', ')}`,
    )
  }
  const spec: NmsSpec = { profile, ...base }
  if (choices.conf !== undefined) spec.confThreshold = choices.conf
  if (choices.iou !== undefined) spec.iouThreshold = choices.iou
  if (choices.maxDet !== undefined) spec.maxDetections = choices.maxDet
  if (choices.classAgnostic !== undefined) spec.classAgnostic = choices.classAgnostic
  if (choices.multiLabel !== undefined) spec.multiLabel = choices.multiLabel
  if (choices.topK !== undefined) spec.preNmsTopK = choices.topK
  return spec
}

/** The model's side of the protocol: its input tensor (see model-input.ts). */
export interface ProtocolInput {
  width: number
  height: number
  layout: TensorLayout
  dtype: InputDType
}

/** A complete, validated protocol from the model's input, the decoder and the user's choices. */
export function makeProtocol(
  input: ProtocolInput,
  decoder: DecoderName,
  choices: ProtocolChoices = {},
): Protocol {
  const preset = PRESETS[choices.preset ?? presetForDecoder(decoder)]
  const pick = <K extends keyof PresetSpec>(key: K): PresetSpec[K] =>
    (choices[key] as PresetSpec[K] | undefined) ?? preset[key]
  const protocol: Protocol = {
    version: PROTOCOL_VERSION,
    preprocess: {
      width: input.width,
      height: input.height,
      resize: pick('resize'),
      pad: pick('pad'),
      kernel: pick('kernel'),
      colorOrder: pick('colorOrder'),
      pixelRange: pick('pixelRange'),
      mean: [...pick('mean')] as Triple,
      std: [...pick('std')] as Triple,
      layout: input.layout,
      dtype: input.dtype,
    },
    decode: { decoder },
    nms: resolveNms(choices.nms),
    metric: 'coco',
  }
  validateProtocol(protocol)
  return protocol
}
