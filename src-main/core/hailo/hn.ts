/**
 * Hailo HN (network description JSON): a bare `.hn` file, or the HN inside a HAR. One JSON object with
 * `name`, `net_params` and `layers` (keyed by full layer name). Shapes are [batch, H, W, C].
 *
 * What this reader does not know is kept and reported (`unknownKeys`): top-level keys, `net_params`
 * keys, per-layer keys and `params` keys outside docs/hailo-formats.md section 3. Keys that look like
 * precision or quantization settings are reported apart (`quantizationKeys`): none are documented, and
 * their values are not interpreted.
 */
import { HarParseError, reasonOf } from '../errors'
import type {
  HnLayerInfo,
  HnNetworkSummary,
  HnSummary,
  HnTensor,
  NotUnderstood,
} from '../../shared/model-summary'
import type { ModelFormatReader } from '../formats/model-format'

/** Larger JSON than this is refused: HN files of real detectors are a few MB. */
export const MAX_HN_BYTES = 512 * 1024 * 1024

const TOP_KEYS = new Set(['name', 'net_params', 'layers'])
const NET_PARAM_KEYS = new Set(['output_layers_order', 'net_scopes', 'version', 'stage', 'dtype'])
const LAYER_KEYS = new Set([
  'type',
  'input',
  'output',
  'input_shapes',
  'output_shapes',
  'params',
  'original_names',
])

const CONV_PARAMS = [
  'kernel_shape',
  'strides',
  'dilations',
  'padding',
  'groups',
  'batch_norm',
  'elementwise_add',
  'activation',
]
/** `params` keys per layer type, from Netron's Hailo metadata (docs/hailo-formats.md section 3). */
const PARAM_KEYS: Readonly<Record<string, readonly string[]>> = {
  conv: [...CONV_PARAMS, 'transpose_output_width_features', 'pre_layer_batch_norm', 'spatial_flatten_output'],
  dw: [...CONV_PARAMS, 'transpose_output_width_features', 'dynamic_weights'],
  deconv: CONV_PARAMS,
  dense: ['kernel_shape', 'batch_norm'],
  matmul: ['kernel_shape', 'dynamic_weights', 'transpose_matmul_input'],
  avgpool: ['kernel_shape', 'strides', 'padding', 'activation'],
  maxpool: ['kernel_shape', 'strides', 'padding', 'activation'],
  global_avg_pool: [],
  activation: ['activation', 'batch_norm', 'elementwise_add'],
  batch_norm: ['elementwise_add', 'activation'],
  normalization: ['elementwise_add', 'activation'],
  ew_add: ['activation'],
  ew_sub: ['activation'],
  ew_mult: ['activation'],
  ew_div: ['activation'],
  concat: ['concat_axis', 'spatial_w_concat'],
  slice: ['height_slice', 'width_slice', 'features_slice'],
  resize: [
    'resize_h_ratio_list',
    'resize_w_ratio_list',
    'resize_f_ratio_list',
    'method',
    'resize_bilinear_pixels_mode',
  ],
  depth_to_space: ['block_sizes', 'depth_to_space_type'],
  space_to_depth: ['block_sizes', 'space_to_depth_type', 'spatial_flatten_output'],
  reduce_sum: ['groups', 'activation', 'reduce_axes'],
  reduce_max: ['groups'],
  softmax: ['groups'],
  external_pad: ['external_pad_params'],
  feature_multiplier: ['feature_multiplier_type'],
  format_conversion: ['conversion_type'],
  nms: ['scores_threshold', 'iou_threshold', 'classes', 'max_output_size'],
  postprocess: [
    'meta_arch',
    'postprocess_type',
    'max_proposals_per_class',
    'max_total_output_proposals',
    'iou_th',
  ],
}
const NO_PARAM_TYPES = [
  'input_layer',
  'output_layer',
  'const_input',
  'argmax',
  'bbox_decoder',
  'feature_interleave',
  'feature_shuffle',
  'proposal_generator',
  'reduce_l2',
  'shortcut',
  'output_mux',
  'demux',
  'row_splitter',
  'feature_splitter',
]
const KNOWN_TYPES = new Set([...Object.keys(PARAM_KEYS), ...NO_PARAM_TYPES])

/** Names that suggest precision or quantization settings (values are not interpreted). */
const QUANT_KEY = /quant|precision|bits|zero_point|^zp$|qp_|scale|limvals|calib|bias_mode|a8_|a16_|w4|w8/i

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Parse JSON text from bytes; HarParseError names `what` on invalid UTF-8 or JSON. */
export function parseJsonBytes(bytes: Uint8Array, what: string, maxBytes = MAX_HN_BYTES): Json {
  if (bytes.byteLength > maxBytes) {
    throw new HarParseError(`${what} is ${bytes.byteLength} bytes, over the ${maxBytes}-byte limit for JSON`)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (err) {
    throw new HarParseError(`${what} is not UTF-8 text; it is damaged or not JSON`, { cause: err })
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Json
  } catch (err) {
    const reason = reasonOf(err)
    throw new HarParseError(`${what} is not valid JSON (${reason}); it is damaged — export it again`, {
      cause: err,
    })
  }
}

function strList(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

function shapeOf(v: Json | undefined): Array<number | null> {
  return Array.isArray(v) ? v.map((d) => (typeof d === 'number' ? d : null)) : []
}

function shapeList(v: Json | undefined): Array<Array<number | null>> {
  return Array.isArray(v) ? v.map(shapeOf) : []
}

function scalarText(v: Json): string | null {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return null
}

/** Collects unknown keys by place, each key once. */
class UnknownCollector {
  private readonly places = new Map<string, Set<string>>()
  add(where: string, key: string): void {
    let set = this.places.get(where)
    if (!set) {
      set = new Set()
      this.places.set(where, set)
    }
    set.add(key)
  }
  list(): NotUnderstood[] {
    return [...this.places].map(([where, keys]) => ({ where, keys: [...keys].sort() }))
  }
}

/**
 * Summarize an HN JSON value. `where` names it in messages (a file or a HAR member). Throws
 * HarParseError when it is not an HN object (no `layers` object).
 */
export function summarizeHnJson(
  json: Json,
  where: string,
  unknown = new UnknownCollector(),
): { network: HnNetworkSummary; unknownKeys: NotUnderstood[]; warnings: string[] } {
  if (!isObject(json)) {
    throw new HarParseError(
      `${where} is JSON but not an object; an HN is an object with "name", "net_params" and "layers"`,
    )
  }
  const layersJson = json['layers']
  if (!isObject(layersJson)) {
    throw new HarParseError(
      `${where} has no "layers" object (top-level keys: ${Object.keys(json).slice(0, 8).join(', ') || 'none'}); it is not a Hailo HN network`,
    )
  }
  const warnings: string[] = []
  for (const key of Object.keys(json)) if (!TOP_KEYS.has(key)) unknown.add('HN top level', key)
  const netParamsJson = isObject(json['net_params']) ? json['net_params'] : {}
  const netParams: Array<[string, string]> = []
  for (const [key, value] of Object.entries(netParamsJson)) {
    if (!NET_PARAM_KEYS.has(key)) unknown.add('net_params', key)
    const text = scalarText(value)
    if (text !== null) netParams.push([key, text])
  }

  const layers: HnLayerInfo[] = []
  const typeCounts = new Map<string, number>()
  const quantCounts = new Map<string, number>()
  for (const [name, value] of Object.entries(layersJson)) {
    if (!isObject(value)) {
      warnings.push(`layer ${JSON.stringify(name)} is not an object; skipped`)
      continue
    }
    const type = typeof value['type'] === 'string' ? value['type'] : ''
    if (!type) warnings.push(`layer ${JSON.stringify(name)} has no "type"`)
    typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1)
    if (type && !KNOWN_TYPES.has(type)) unknown.add('layer types', type)
    const quantizationKeys: string[] = []
    for (const key of Object.keys(value)) {
      if (LAYER_KEYS.has(key)) continue
      if (QUANT_KEY.test(key)) quantizationKeys.push(key)
      else unknown.add('layers.*', key)
    }
    const params = isObject(value['params']) ? value['params'] : {}
    const knownParams = PARAM_KEYS[type]
    for (const key of Object.keys(params)) {
      if (QUANT_KEY.test(key)) {
        quantizationKeys.push(`params.${key}`)
      } else if (knownParams && !knownParams.includes(key)) {
        unknown.add(`layers.*.params (${type})`, key)
      } else if (!knownParams && KNOWN_TYPES.has(type)) {
        unknown.add(`layers.*.params (${type})`, key)
      }
    }
    for (const k of quantizationKeys) quantCounts.set(k, (quantCounts.get(k) ?? 0) + 1)
    const activation = typeof params['activation'] === 'string' ? params['activation'] : null
    layers.push({
      name,
      type,
      inputs: strList(value['input']),
      outputs: strList(value['output']),
      inputShapes: shapeList(value['input_shapes']),
      outputShapes: shapeList(value['output_shapes']),
      originalNames: strList(value['original_names']),
      activation: activation && activation !== 'linear' && type !== 'activation' ? activation : null,
      quantizationKeys,
    })
  }

  const inputs: HnTensor[] = layers
    .filter((l) => l.type === 'input_layer')
    .map((l) => ({ layer: l.name, shape: l.outputShapes[0] ?? [] }))
  const outputs: HnTensor[] = []
  for (const l of layers.filter((x) => x.type === 'output_layer')) {
    l.inputs.forEach((producer, i) => outputs.push({ layer: producer, shape: l.inputShapes[i] ?? [] }))
  }
  const outputLayersOrder = strList(netParamsJson['output_layers_order'])
  if (layers.length === 0) warnings.push('the HN has no layers')
  if (inputs.length === 0 && layers.length > 0) warnings.push('the HN has no input_layer')
  if (outputs.length === 0 && layers.length > 0) warnings.push('the HN has no output_layer')

  return {
    network: {
      name: typeof json['name'] === 'string' ? json['name'] : '',
      netParams: Object.fromEntries(netParams),
      outputLayersOrder,
      layerCount: layers.length,
      layerTypes: [...typeCounts]
        .map(([type, count]) => ({ type, count }))
        .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1)),
      inputs,
      outputs,
      layers,
      quantizationKeys: [...quantCounts]
        .map(([key, count]) => ({ key, count }))
        .sort((a, b) => (a.key < b.key ? -1 : 1)),
    },
    unknownKeys: unknown.list(),
    warnings,
  }
}

export { UnknownCollector }

/** Cheap sniff: JSON object text whose first 64 KiB name `"layers"` or `"net_params"`. */
export function looksLikeHn(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 65536))
  const text = head.replace(/^\uFEFF/, '').trimStart()
  if (!text.startsWith('{')) return false
  return /"(net_params|layers)"\s*:\s*\{/.test(text)
}

export function openHn(bytes: Uint8Array): HnSummary {
  const json = parseJsonBytes(bytes, 'the HN file')
  const { network, unknownKeys, warnings } = summarizeHnJson(json, 'the HN file')
  return { format: 'hn', network, unknownKeys, warnings }
}

export const hnReader = {
  format: 'hn',
  extensions: ['.hn'],
  match: looksLikeHn,
  open: (bytes: Uint8Array) => openHn(bytes),
} as const satisfies ModelFormatReader
