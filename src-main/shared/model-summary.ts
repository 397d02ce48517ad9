/**
 * What Quantscope tells a user about a model file. Plain data (JSON-safe): it is stored in SQLite,
 * sent over IPC and WebSocket, and printed by `quantscope inspect --json`.
 */

/** A dimension: a fixed size, a symbolic name kept from the graph (`"batch"`), or null when unknown. */
export type Dim = number | string | null

export interface TensorInfo {
  name: string
  /** ONNX element type name in lower case: `float32`, `uint8`, `int64`, `float16` … */
  elemType: string
  /** null when the graph declares no shape at all. */
  shape: Dim[] | null
}

export interface OpsetImport {
  /** '' is the default ONNX domain (`ai.onnx`). */
  domain: string
  version: number
}

export type ActivationKind =
  | 'SiLU' // Sigmoid followed by Mul with the Sigmoid's own input (how PyTorch exports SiLU/Swish)
  | 'Sigmoid' // a Sigmoid not part of a SiLU pair
  | 'Relu'
  | 'LeakyRelu'
  | 'ReLU6' // Clip with min 0 and max 6
  | 'Clip' // any other Clip
  | 'HardSwish'
  | 'HardSigmoid'
  | 'Tanh'
  | 'Mish'
  | 'Gelu'
  | 'Elu'
  | 'PRelu'
  | 'Softplus'

export interface ActivationCount {
  kind: ActivationKind
  count: number
}

export interface OpTypeCount {
  /** `Conv`, or `domain:OpType` outside the default domain. */
  opType: string
  count: number
}

export interface NodeMacs {
  name: string
  opType: string
  /** Multiply-accumulates for one inference of the declared input shape (batch dims taken as 1 when symbolic). */
  macs: number
}

export interface MacsSummary {
  /**
   * Sum over Conv, ConvTranspose, Gemm and MatMul nodes whose shapes are known (their quantized forms
   * QLinearConv/ConvInteger and QLinearMatMul/MatMulInteger count too, under their own op type).
   */
  total: number
  byOpType: Record<string, number>
  /** One entry per counted node, in graph order. */
  perNode: NodeMacs[]
  /** Names of Conv/ConvTranspose/Gemm/MatMul nodes whose shapes could not be resolved (not counted). */
  unresolved: string[]
  /** The formula, so a user can check our numbers. */
  formula: string
}

export interface ParameterSummary {
  /** Elements of all graph initializers (weights, biases, BN statistics, constants stored as initializers). */
  initializerElements: number
  initializerCount: number
  /** Elements of Constant nodes' tensor values (shapes, scales). Reported apart: they are rarely weights. */
  constantElements: number
  constantCount: number
  /** Bytes of initializer data (inline and external). */
  initializerBytes: number
}

export interface BatchNormSummary {
  /** BatchNormalization nodes still in the graph. */
  count: number
  /** `present` when any remains; `folded` when none remain and Conv layers carry a bias (the usual sign of folding); `none` otherwise. */
  state: 'present' | 'folded' | 'none'
}

export interface QuantizationSummary {
  present: boolean
  /** Quantization-related op types and their counts: QuantizeLinear, DequantizeLinear, QLinearConv, ConvInteger … */
  ops: OpTypeCount[]
}

export interface ExternalDataSummary {
  /** Relative locations named by the model's tensors, in first-use order. */
  files: string[]
  bytes: number
}

export interface OnnxSummary {
  format: 'onnx'
  irVersion: number
  opsets: OpsetImport[]
  producerName: string
  producerVersion: string
  domain: string
  modelVersion: number
  docString: string
  graphName: string
  /** metadata_props as written by the exporter (Ultralytics writes names, stride, imgsz, task …). */
  metadata: Record<string, string>
  /** Graph inputs that are not initializers. */
  inputs: TensorInfo[]
  outputs: TensorInfo[]
  nodeCount: number
  /** Sorted by count, descending, then by name. */
  opTypes: OpTypeCount[]
  parameters: ParameterSummary
  macs: MacsSummary
  activations: ActivationCount[]
  batchNorm: BatchNormSummary
  quantization: QuantizationSummary
  externalData: ExternalDataSummary
  /** Things the reader noticed but did not understand or could not resolve. */
  warnings: string[]
}

// ---------------------------------------------------------------------------------------------------
// Hailo formats. Shapes are H×W×C as the Hailo tools write them; names are kept exactly as in the file.

/** What a reader met in a file and did not understand; the UI lists these plainly. */
export interface NotUnderstood {
  /** Where: `metadata.json`, `net_params`, `layers.*.params` … */
  where: string
  /** The keys (or values) that were not understood. */
  keys: string[]
}

export interface HwcShape {
  height: number
  width: number
  features: number
}

/** Quantization of one stream: `real = (q − zeroPoint) × scale`. Values are the file's float32s widened. */
export interface HefQuantization {
  zeroPoint: number
  scale: number
  /** The real-valued range the stream covers (`limvals`). */
  limvalsMin: number
  limvalsMax: number
  /** Lengths of the per-feature `qp_zps` / `qp_scales` vectors (0 when absent). */
  perFeatureZeroPoints: number
  perFeatureScales: number
  /** True when every per-feature entry equals the scalar (or there are none). */
  perFeatureUniform: boolean
}

/** A host-visible stream: a boundary edge layer of the compiled network. */
export interface HefStream {
  name: string
  direction: 'input' | 'output'
  /** The HN layer the stream comes from (`hn_output_layer_name`). */
  hnLayerName: string
  /** Source-framework node names (ONNX node names for a parsed ONNX model). */
  originalNames: string[]
  /** The core-op pad this stream is (`pad_index`); null when the file gives none (inputs usually). */
  padIndex: number | null
  sysIndex: number
  shape: HwcShape
  paddedShape: HwcShape
  /** `EdgeLayerBase.format` and its name (`FRAMES`, `NMS` …). */
  format: number
  formatName: string
  /** Bytes per element. */
  dataBytes: number
  bytesPerBuffer: number
  buffersPerFrame: number
  transposed: boolean
  /** `info`, `mux` or `planes` (edge_layer_type). */
  kind: 'info' | 'mux' | 'planes'
  quantization: HefQuantization | null
  /** On-chip NMS layout, when the stream carries one. */
  nmsInfo: { classes: number; maxOutputSize: number; bboxSize: number; divisionFactor: number } | null
  /** What host post-process reads this stream: `yolov8 stride 8 reg` …; empty when none. */
  feeds: string[]
}

/** A pad of a network-group op (core op, NMS op or logits op). */
export interface HefPad {
  index: number
  name: string
  formatOrder: string
  formatType: string
  shape: HwcShape | null
  paddedShape: HwcShape | null
  nmsShape: { classes: number; maxBboxesPerClass: number; bboxSize: number; divisionFactor: number } | null
}

export interface HefBboxDecoder {
  stride: number
  /** Core-op output pads (= stream pad_index) the decoder reads; null when this meta-arch has none. */
  regPadIndex: number | null
  clsPadIndex: number | null
  objPadIndex: number | null
  /** YOLOv5/seg: the single pad holding the whole head. */
  padIndex: number | null
  /** Names of those streams, resolved through the edge layers; null when no stream has that pad. */
  regStream: string | null
  clsStream: string | null
  objStream: string | null
  stream: string | null
  /** YOLOv5/SSD anchors in pixels, paired (w[i], h[i]). */
  anchorsW: number[]
  anchorsH: number[]
}

/** A net-flow post-process op run on the host by HailoRT. */
export interface HefNmsOp {
  name: string
  /** Which oneof the file uses: `yolov8`, `yolov5`, `yolox`, `ssd`, `iou`, `yolov5_seg`, or `none`. */
  metaArch: 'yolov8' | 'yolov5' | 'yolox' | 'ssd' | 'iou' | 'yolov5_seg' | 'none'
  scoreThreshold: number
  iouThreshold: number
  maxProposalsPerClass: number
  classes: number
  backgroundRemoval: boolean
  backgroundRemovalIndex: number
  bboxDecodingOnly: boolean
  /** The image size the decoder assumes (pixels; it may differ from the input stream). */
  imageHeight: number | null
  imageWidth: number | null
  inputDivisionFactor: number | null
  /** YOLOv8: DFL bins per box side. */
  regressionLength: number | null
  maskThreshold: number | null
  decoders: HefBboxDecoder[]
  inputPads: HefPad[]
  outputPads: HefPad[]
}

export interface HefNetworkGroup {
  name: string
  index: number
  networkNames: string[]
  bottleneckFps: number | null
  /** Seconds. */
  latency: number | null
  cfgChannelsCount: number
  /** 0 when the compiler did not record it. */
  computationalOps: number
  transposed: boolean
  contextCount: number
  /** What an application sees as outputs (the post-process output when NMS runs on the host). */
  sortedOutputsOrder: string[]
  /** The raw core outputs in HailoRT's order (`updated_sorted_output_names`). */
  rawOutputOrder: string[]
  padEdges: Array<{ src: number; dst: number }>
  inputs: HefStream[]
  outputs: HefStream[]
  corePads: { inputs: HefPad[]; outputs: HefPad[] }
  nmsOps: HefNmsOp[]
  logitsOps: Array<{ name: string; type: 'argmax' | 'softmax' | string }>
}

export interface HefChecksumStatus {
  algorithm: 'md5' | 'crc32' | 'xxh3-64'
  /** `body`: all bytes after the header; `proto`: the protobuf alone (header version 3). */
  scope: 'body' | 'proto'
  expected: string
  actual: string
  ok: boolean
}

export interface HefSummary {
  format: 'hef'
  container: {
    version: number
    headerSize: number
    protoSize: number
    ccwsOffset: number | null
    ccwsSize: number
    paddingSize: number
    additionalInfoSize: number
    fileSize: number
    checksum: HefChecksumStatus
  }
  /** `header.hw_arch` and its enum name (`HAILO8P`); no marketing name is implied. */
  hwArch: { value: number; name: string }
  /** `sdk_version_str`, or major.minor.revision from `sdk_version`; '' when neither is present. */
  sdkVersion: string
  /** ms since the epoch, and ISO 8601; null when absent. */
  timestamp: number | null
  compiledAt: string | null
  /** The proto format version (not the container header version). */
  protoVersion: number
  includedFeatures: string[]
  extensions: Array<{ index: number; id: string; name: string }>
  optionalExtensions: Array<{ index: number; id: string; name: string }>
  externalResources: Array<{
    name: string
    offset: number
    size: number
    checksum: 'ok' | 'mismatch' | 'none'
  }>
  /** Bytes of the opaque `mapping` field. */
  mappingBytes: number
  networkGroups: HefNetworkGroup[]
  unknownKeys: NotUnderstood[]
  warnings: string[]
}

export interface HnTensor {
  /** The layer (for inputs: the input layer; for outputs: the producing layer). */
  layer: string
  shape: Array<number | null>
}

export interface HnLayerInfo {
  name: string
  type: string
  inputs: string[]
  outputs: string[]
  inputShapes: Array<Array<number | null>>
  outputShapes: Array<Array<number | null>>
  originalNames: string[]
  /** Fused activation (`params.activation`) when not linear. */
  activation: string | null
  /** Keys that look like precision or quantization (`precision_config`, `quantization_params` …), found in the layer or its params. */
  quantizationKeys: string[]
}

export interface HnNetworkSummary {
  name: string
  /** `net_params` scalar values as text (version, stage, dtype …). */
  netParams: Record<string, string>
  outputLayersOrder: string[]
  layerCount: number
  layerTypes: Array<{ type: string; count: number }>
  inputs: HnTensor[]
  outputs: HnTensor[]
  layers: HnLayerInfo[]
  /** Union of quantizationKeys over all layers, with counts. */
  quantizationKeys: Array<{ key: string; count: number }>
}

export interface NpzArrayInfo {
  /** Entry name without `.npy`, e.g. `yolov8n/conv1/kernel:0`. */
  name: string
  /** `<net>/<layer>/<param>:<n>` split; '' when the name does not follow it. */
  layer: string
  param: string
  /** NumPy descr, e.g. `<f4`. */
  dtype: string
  shape: number[]
  elements: number
  /** Uncompressed bytes of the .npy data (header excluded). */
  dataBytes: number
  compressed: boolean
}

export interface NpzIndex {
  member: string
  /** Which weights by file suffix: `.npz` native, `.fpo.npz` fp-optimized, `.q.npz` quantized. */
  role: 'native' | 'fp_optimized' | 'quantized' | 'other'
  arrays: NpzArrayInfo[]
  totalElements: number
  totalBytes: number
  /** Entries that could not be indexed, with why. */
  problems: string[]
}

export interface HarSummary {
  format: 'har'
  members: Array<{ name: string; size: number; kind: string }>
  /** Tar entries not read: links, paths leaving the archive, oversized members … */
  skipped: Array<{ name: string; reason: string }>
  /** `metadata.json` `state` as written (`quantized_model` …), and its stage word. */
  state: string
  stage: 'native' | 'fp_optimized' | 'quantized' | 'compiled' | 'unknown'
  sdkVersion: string
  metadata: Record<string, string>
  hnMember: string | null
  network: HnNetworkSummary | null
  /** The weights file the state selects (as Netron picks it), and every .npz indexed. */
  paramsMember: string | null
  params: NpzIndex[]
  /** A compiled HAR may embed its HEF. */
  embeddedHef: { member: string; size: number } | null
  unknownKeys: NotUnderstood[]
  warnings: string[]
}

export interface HnSummary {
  format: 'hn'
  network: HnNetworkSummary
  unknownKeys: NotUnderstood[]
  warnings: string[]
}

export interface AllsCommandInfo {
  /** 1-based line of the command's first line. */
  line: number
  name: string
  targets: string[]
  /** The command as written back (canonical text). */
  text: string
  /** One of the commands Quantscope knows (normalization, quantization_param …). */
  known: boolean
}

export interface AllsSummary {
  format: 'alls'
  commands: AllsCommandInfo[]
  commandCounts: Array<{ name: string; count: number }>
  commentCount: number
  lineCount: number
  /** Layers that `quantization_param` gives a precision mode, by mode. */
  precisionModes: Array<{ mode: string; layers: string[] }>
  /** `nms_postprocess` config paths and meta-archs. */
  nmsPostprocess: Array<{ configPath: string; metaArch: string; engine: string }>
  /** Lines that are not commands Quantscope could read, kept verbatim. */
  unparsed: Array<{ line: number; text: string }>
  unknownKeys: NotUnderstood[]
  warnings: string[]
}

/** Every format reader produces one of these, told apart by `format`. */
export type ModelSummary = OnnxSummary | HefSummary | HarSummary | HnSummary | AllsSummary
export type ModelFormat = ModelSummary['format']
