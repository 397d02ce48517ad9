/**
 * OnnxModel -> ONNX bytes, with protobufjs and the same embedded schema the reader decodes with
 * (onnx-schema.ts). The typed model is mapped back onto protobufjs' camelCase message objects and
 * encoded once: tensor raw_data stays the view the reader made into the source bytes (or the view over
 * a transform's new Float32Array), so the only copy of the weights is the one into the output buffer.
 *
 * What the typed model does not hold is not written: doc strings, metadata_props of nodes / values /
 * tensors, quantization annotations, value denotations. Model-local functions and training info are
 * not in the typed model either; pass the source bytes as `preserveFrom` and they are copied over
 * verbatim (a cut or fold never touches them).
 */
import { onnxModelProtoType } from './onnx-schema'
import type {
  OnnxAttribute,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxSparseTensor,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx-model'

type Message = Record<string, unknown>

const utf8 = new TextEncoder()

/** AttributeProto.AttributeType by field, for attributes read from IR 1 files (type 0). */
const ATTR = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
}
const DATA_LOCATION_EXTERNAL = 1

export interface EncodeOptions {
  /** The bytes the model was decoded from: its functions and training_info are carried over. */
  preserveFrom?: Uint8Array
}

/** Encode a model to ONNX bytes (protobuf, little-endian raw_data as read). */
export function encodeOnnxModel(model: OnnxModel, options: EncodeOptions = {}): Uint8Array {
  const type = onnxModelProtoType()
  const message: Message = {
    irVersion: model.irVersion,
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: model.modelVersion,
    docString: model.docString,
    metadataProps: model.metadata.map((e) => ({ key: e.key, value: e.value })),
    graph: graphMessage(model.graph),
  }
  if (options.preserveFrom) {
    const source = type.decode(options.preserveFrom) as unknown as Message
    if (Array.isArray(source['functions'])) message['functions'] = source['functions']
    if (Array.isArray(source['trainingInfo'])) message['trainingInfo'] = source['trainingInfo']
  }
  const out = type.encode(message).finish()
  // Under Node protobufjs returns a Buffer; core hands out plain Uint8Arrays (same memory, no copy).
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

function graphMessage(g: OnnxGraph): Message {
  return {
    name: g.name,
    node: g.nodes.map(nodeMessage),
    initializer: g.initializers.map(tensorMessage),
    sparseInitializer: g.sparseInitializers.map(sparseMessage),
    input: g.inputs.map(valueInfoMessage),
    output: g.outputs.map(valueInfoMessage),
    valueInfo: g.valueInfo.map(valueInfoMessage),
  }
}

function nodeMessage(n: OnnxNode): Message {
  const m: Message = {
    input: n.inputs,
    output: n.outputs,
    opType: n.opType,
    attribute: n.attributes.map(attributeMessage),
  }
  if (n.name !== '') m['name'] = n.name
  if (n.domain !== '') m['domain'] = n.domain
  return m
}

function attributeType(a: OnnxAttribute): number {
  if (a.type !== 0) return a.type
  if (a.f !== null) return ATTR.FLOAT
  if (a.i !== null) return ATTR.INT
  if (a.s !== null) return ATTR.STRING
  if (a.t) return ATTR.TENSOR
  if (a.g) return ATTR.GRAPH
  if (a.floats.length > 0) return ATTR.FLOATS
  if (a.ints.length > 0) return ATTR.INTS
  if (a.strings.length > 0) return ATTR.STRINGS
  if (a.tensors.length > 0) return ATTR.TENSORS
  if (a.graphs.length > 0) return ATTR.GRAPHS
  return 0
}

function attributeMessage(a: OnnxAttribute): Message {
  const m: Message = { name: a.name, type: attributeType(a) }
  if (a.f !== null) m['f'] = a.f
  if (a.i !== null) m['i'] = a.i
  if (a.s !== null) m['s'] = utf8.encode(a.s)
  if (a.t) m['t'] = tensorMessage(a.t)
  if (a.g) m['g'] = graphMessage(a.g)
  if (a.floats.length > 0) m['floats'] = a.floats
  if (a.ints.length > 0) m['ints'] = a.ints
  if (a.strings.length > 0) m['strings'] = a.strings.map((s) => utf8.encode(s))
  if (a.tensors.length > 0) m['tensors'] = a.tensors.map(tensorMessage)
  if (a.graphs.length > 0) m['graphs'] = a.graphs.map(graphMessage)
  return m
}

function tensorMessage(t: OnnxTensor): Message {
  const m: Message = { dims: t.dims, dataType: t.dataType }
  if (t.name !== '') m['name'] = t.name
  if (t.rawData) m['rawData'] = t.rawData
  if (t.floatData.length > 0) m['floatData'] = t.floatData
  if (t.int32Data.length > 0) m['int32Data'] = t.int32Data
  if (t.int64Data.length > 0) m['int64Data'] = t.int64Data
  if (t.doubleData.length > 0) m['doubleData'] = t.doubleData
  if (t.uint64Data.length > 0) m['uint64Data'] = t.uint64Data
  if (t.stringData.length > 0) m['stringData'] = t.stringData
  if (t.external) {
    const entries = [{ key: 'location', value: t.external.location }]
    if (t.external.offset !== 0) entries.push({ key: 'offset', value: String(t.external.offset) })
    if (t.external.length !== null) entries.push({ key: 'length', value: String(t.external.length) })
    m['externalData'] = entries
    m['dataLocation'] = DATA_LOCATION_EXTERNAL
  }
  return m
}

function sparseMessage(s: OnnxSparseTensor): Message {
  const m: Message = { dims: s.dims }
  if (s.values) m['values'] = tensorMessage(s.values)
  if (s.indices) m['indices'] = tensorMessage(s.indices)
  return m
}

function valueInfoMessage(v: OnnxValueInfo): Message {
  const m: Message = { name: v.name }
  if (v.kind !== 'tensor' && v.kind !== 'sparse_tensor') return m
  const tensor: Message = {}
  if (v.elemType !== null) tensor['elemType'] = v.elemType
  if (v.shape) {
    tensor['shape'] = {
      dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : d === null ? {} : { dimParam: d })),
    }
  }
  m['type'] = v.kind === 'tensor' ? { tensorType: tensor } : { sparseTensorType: tensor }
  return m
}
