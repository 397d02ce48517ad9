/**
 * The Hailo Model Zoo's NMS config JSON (`cfg/postprocess_config/*_nms_config.json`): read with
 * validation, write back, and the settings an evaluation protocol needs from it.
 *
 * Keys (docs/hailo-formats.md section 7): `nms_scores_th`, `nms_iou_th`, `image_dims` [H, W],
 * `max_proposals_per_class`, `classes`, `background_removal`, `background_removal_index`,
 * `regression_length` (YOLOv8) and `bbox_decoders`: YOLOv5 style {name, w[], h[], stride,
 * encoded_layer} (anchors in pixels, paired (w[i], h[i])) or YOLOv8 style {name, stride, reg_layer,
 * cls_layer}. A decoder with `obj_layer` is read as YOLOX style (no local sample; from HEF's YOLOX op).
 * Unknown keys are kept with their values and written back in their original place.
 */
import { NmsConfigError, reasonOf } from '../errors'
import type { HefNmsOp, NotUnderstood } from '../../shared/model-summary'

type JsonValue = unknown

export interface NmsBboxDecoder {
  style: 'yolov5' | 'yolov8' | 'yolox' | 'other'
  name: string | null
  /** Pixels per grid cell at the decoder's level; null only for `other` decoders without one. */
  stride: number | null
  /** YOLOv5 anchors in pixels. */
  anchorsW: number[]
  anchorsH: number[]
  encodedLayer: string | null
  regLayer: string | null
  clsLayer: string | null
  objLayer: string | null
  unknown: Record<string, JsonValue>
  keyOrder: string[]
}

export interface NmsConfig {
  scoreThreshold: number
  iouThreshold: number
  imageHeight: number
  imageWidth: number
  maxProposalsPerClass: number
  classes: number
  /** null when the key is absent. */
  backgroundRemoval: boolean | null
  backgroundRemovalIndex: number | null
  regressionLength: number | null
  bboxDecoders: NmsBboxDecoder[]
  unknown: Record<string, JsonValue>
  /** The file's key order, so writing back keeps it. */
  keyOrder: string[]
}

const TOP_KEYS = [
  'nms_scores_th',
  'nms_iou_th',
  'image_dims',
  'max_proposals_per_class',
  'classes',
  'regression_length',
  'background_removal',
  'background_removal_index',
  'bbox_decoders',
]
const DECODER_KEYS = ['name', 'w', 'h', 'stride', 'encoded_layer', 'reg_layer', 'cls_layer', 'obj_layer']

function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function bad(where: string, key: string, value: unknown, want: string): never {
  const shown = value === undefined ? 'missing' : `${JSON.stringify(value)?.slice(0, 60)}`
  throw new NmsConfigError(`${where}: "${key}" is ${shown}; it must be ${want} — fix the NMS config JSON`)
}

function fraction(o: Record<string, JsonValue>, key: string, where: string): number {
  const v = o[key]
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) bad(where, key, v, 'a number from 0 to 1')
  return v
}

function positiveInt(o: Record<string, JsonValue>, key: string, where: string): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) bad(where, key, v, 'a whole number above 0')
  return v
}

function optionalInt(o: Record<string, JsonValue>, key: string, where: string, min: number): number | null {
  if (!(key in o)) return null
  const v = o[key]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) bad(where, key, v, `a whole number ≥ ${min}`)
  return v
}

function optionalString(o: Record<string, JsonValue>, key: string, where: string): string | null {
  if (!(key in o)) return null
  const v = o[key]
  if (typeof v !== 'string') bad(where, key, v, 'a string')
  return v
}

function numberList(o: Record<string, JsonValue>, key: string, where: string): number[] {
  const v = o[key]
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && x > 0))
    bad(where, key, v, 'a list of positive numbers')
  return v as number[]
}

function unknownOf(o: Record<string, JsonValue>, known: readonly string[]): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !known.includes(k)))
}

function readDecoder(d: JsonValue, i: number, where: string): NmsBboxDecoder {
  const at = `${where} bbox_decoders[${i}]`
  if (!isObject(d)) bad(where, `bbox_decoders[${i}]`, d, 'an object')
  const hasAnchors = 'w' in d || 'h' in d || 'encoded_layer' in d
  const hasSplit = 'reg_layer' in d || 'cls_layer' in d
  const style: NmsBboxDecoder['style'] = hasAnchors
    ? 'yolov5'
    : hasSplit
      ? 'obj_layer' in d
        ? 'yolox'
        : 'yolov8'
      : 'other'
  const anchorsW = style === 'yolov5' ? numberList(d, 'w', at) : []
  const anchorsH = style === 'yolov5' ? numberList(d, 'h', at) : []
  if (anchorsW.length !== anchorsH.length) {
    throw new NmsConfigError(
      `${at}: "w" has ${anchorsW.length} anchors and "h" has ${anchorsH.length}; they pair up as (w[i], h[i]) and need the same length — fix the NMS config JSON`,
    )
  }
  const stride = style === 'other' && !('stride' in d) ? null : positiveInt(d, 'stride', at)
  const decoder: NmsBboxDecoder = {
    style,
    name: optionalString(d, 'name', at),
    stride,
    anchorsW,
    anchorsH,
    encodedLayer: optionalString(d, 'encoded_layer', at),
    regLayer: optionalString(d, 'reg_layer', at),
    clsLayer: optionalString(d, 'cls_layer', at),
    objLayer: optionalString(d, 'obj_layer', at),
    unknown: unknownOf(d, DECODER_KEYS),
    keyOrder: Object.keys(d),
  }
  if (style === 'yolov5' && decoder.encodedLayer === null)
    bad(at, 'encoded_layer', undefined, 'the conv layer the anchors decode')
  if ((style === 'yolov8' || style === 'yolox') && (decoder.regLayer === null || decoder.clsLayer === null)) {
    bad(at, decoder.regLayer === null ? 'reg_layer' : 'cls_layer', undefined, 'a layer name')
  }
  return decoder
}

/** Validate a parsed NMS config object. `where` names it in messages. */
export function nmsConfigFromJson(json: JsonValue, where = 'NMS config'): NmsConfig {
  if (!isObject(json)) {
    throw new NmsConfigError(
      `${where} is not a JSON object; a Model Zoo NMS config is one object with "nms_scores_th", "bbox_decoders" …`,
    )
  }
  const dims = json['image_dims']
  if (
    !Array.isArray(dims) ||
    dims.length !== 2 ||
    !dims.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0)
  ) {
    bad(where, 'image_dims', dims, '[height, width] in pixels')
  }
  const decoders = json['bbox_decoders']
  if (!Array.isArray(decoders)) bad(where, 'bbox_decoders', decoders, 'a list of decoders')
  let backgroundRemoval: boolean | null = null
  if ('background_removal' in json) {
    const v = json['background_removal']
    if (typeof v !== 'boolean') bad(where, 'background_removal', v, 'true or false')
    backgroundRemoval = v
  }
  return {
    scoreThreshold: fraction(json, 'nms_scores_th', where),
    iouThreshold: fraction(json, 'nms_iou_th', where),
    imageHeight: dims[0] as number,
    imageWidth: dims[1] as number,
    maxProposalsPerClass: positiveInt(json, 'max_proposals_per_class', where),
    classes: positiveInt(json, 'classes', where),
    backgroundRemoval,
    backgroundRemovalIndex: optionalInt(json, 'background_removal_index', where, 0),
    regressionLength: optionalInt(json, 'regression_length', where, 1),
    bboxDecoders: decoders.map((d, i) => readDecoder(d, i, where)),
    unknown: unknownOf(json, TOP_KEYS),
    keyOrder: Object.keys(json),
  }
}

/** Parse and validate NMS config JSON text. Throws NmsConfigError naming the bad key and value. */
export function readNmsConfig(text: string, where = 'NMS config'): NmsConfig {
  let json: JsonValue
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new NmsConfigError(`${where} is not valid JSON (${reasonOf(err)})`, { cause: err })
  }
  return nmsConfigFromJson(json, where)
}

/** Objects in the file's key order; keys the file did not have follow in canonical order. */
function ordered(
  entries: Record<string, JsonValue>,
  keyOrder: readonly string[],
  canonical: readonly string[],
): Record<string, JsonValue> {
  const keys = [
    ...keyOrder.filter((k) => k in entries),
    ...canonical.filter((k) => k in entries && !keyOrder.includes(k)),
  ]
  for (const k of Object.keys(entries)) if (!keys.includes(k)) keys.push(k)
  return Object.fromEntries(keys.map((k) => [k, entries[k]]))
}

function decoderJson(d: NmsBboxDecoder): Record<string, JsonValue> {
  const e: Record<string, JsonValue> = { ...d.unknown }
  if (d.name !== null) e['name'] = d.name
  if (d.style === 'yolov5') {
    e['w'] = d.anchorsW
    e['h'] = d.anchorsH
  }
  if (d.stride !== null) e['stride'] = d.stride
  if (d.encodedLayer !== null) e['encoded_layer'] = d.encodedLayer
  if (d.regLayer !== null) e['reg_layer'] = d.regLayer
  if (d.clsLayer !== null) e['cls_layer'] = d.clsLayer
  if (d.objLayer !== null) e['obj_layer'] = d.objLayer
  return ordered(e, d.keyOrder, DECODER_KEYS)
}

/** The config as a JSON object (key order kept). */
export function nmsConfigToJson(config: NmsConfig): Record<string, JsonValue> {
  const e: Record<string, JsonValue> = { ...config.unknown }
  e['nms_scores_th'] = config.scoreThreshold
  e['nms_iou_th'] = config.iouThreshold
  e['image_dims'] = [config.imageHeight, config.imageWidth]
  e['max_proposals_per_class'] = config.maxProposalsPerClass
  e['classes'] = config.classes
  if (config.regressionLength !== null) e['regression_length'] = config.regressionLength
  if (config.backgroundRemoval !== null) e['background_removal'] = config.backgroundRemoval
  if (config.backgroundRemovalIndex !== null) e['background_removal_index'] = config.backgroundRemovalIndex
  e['bbox_decoders'] = config.bboxDecoders.map(decoderJson)
  return ordered(e, config.keyOrder, TOP_KEYS)
}

/** The config as the Model Zoo writes it: 4-space indent, one value per line, final line break. */
export function writeNmsConfig(config: NmsConfig): string {
  return `${JSON.stringify(nmsConfigToJson(config), null, 4)}\n`
}

/** Keys the reader kept but does not understand. */
export function nmsConfigUnknownKeys(config: NmsConfig): NotUnderstood[] {
  const out: NotUnderstood[] = []
  const top = Object.keys(config.unknown)
  if (top.length > 0) out.push({ where: 'NMS config', keys: top })
  config.bboxDecoders.forEach((d, i) => {
    const keys = Object.keys(d.unknown)
    if (keys.length > 0) out.push({ where: `bbox_decoders[${i}]`, keys })
  })
  return out
}

// ---------------------------------------------------------------------------------------------------

/** What an evaluation protocol takes from an NMS config or a HEF's NMS op, in one shape. */
export interface NmsSettings {
  scoreThreshold: number
  iouThreshold: number
  maxProposalsPerClass: number
  classes: number
  /** Pixels; the size the decoder maps boxes to. */
  imageHeight: number | null
  imageWidth: number | null
  regressionLength: number | null
  backgroundRemoval: boolean
  decoders: Array<{
    stride: number | null
    /** YOLOv5 anchors as (w, h) pixel pairs; empty for anchor-free heads. */
    anchors: Array<[number, number]>
    /** Layer names (NMS config) or stream names (HEF) the decoder reads. */
    reg: string | null
    cls: string | null
    obj: string | null
    /** YOLOv5: the single head layer. */
    head: string | null
  }>
}

function pairs(w: readonly number[], h: readonly number[]): Array<[number, number]> {
  return w.map((x, i) => [x, h[i] ?? 0])
}

export function nmsSettingsFromConfig(config: NmsConfig): NmsSettings {
  return {
    scoreThreshold: config.scoreThreshold,
    iouThreshold: config.iouThreshold,
    maxProposalsPerClass: config.maxProposalsPerClass,
    classes: config.classes,
    imageHeight: config.imageHeight,
    imageWidth: config.imageWidth,
    regressionLength: config.regressionLength,
    backgroundRemoval: config.backgroundRemoval ?? false,
    decoders: config.bboxDecoders.map((d) => ({
      stride: d.stride,
      anchors: pairs(d.anchorsW, d.anchorsH),
      reg: d.regLayer,
      cls: d.clsLayer,
      obj: d.objLayer,
      head: d.encodedLayer,
    })),
  }
}

export function nmsSettingsFromHef(op: HefNmsOp): NmsSettings {
  return {
    scoreThreshold: op.scoreThreshold,
    iouThreshold: op.iouThreshold,
    maxProposalsPerClass: op.maxProposalsPerClass,
    classes: op.classes,
    imageHeight: op.imageHeight,
    imageWidth: op.imageWidth,
    regressionLength: op.regressionLength,
    backgroundRemoval: op.backgroundRemoval,
    decoders: op.decoders.map((d) => ({
      stride: op.metaArch === 'ssd' ? null : d.stride,
      anchors: pairs(d.anchorsW, d.anchorsH),
      reg: d.regStream,
      cls: d.clsStream,
      obj: d.objStream,
      head: d.stream,
    })),
  }
}
