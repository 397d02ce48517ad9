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

/** Every format reader produces one of these; later issues add HEF, HAR and HN. */
export type ModelSummary = OnnxSummary
export type ModelFormat = ModelSummary['format']
