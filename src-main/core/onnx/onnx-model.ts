/**
 * ONNX bytes -> a typed, read-only view of the ModelProto. protobufjs decodes; this file narrows its
 * untyped messages into our own interfaces at once (int64 Longs become numbers, bytes stay views into
 * the input buffer: raw_data is never copied) and rejects bytes that are not a complete model.
 */
import protobuf from 'protobufjs'
import { EmptyFileError, OnnxParseError, quote } from '../errors'
import type { Dim, OpsetImport } from '../../shared/model-summary'
import { onnxModelProtoType } from './onnx-schema'

export interface OnnxModel {
  irVersion: number
  opsetImports: OpsetImport[]
  producerName: string
  producerVersion: string
  domain: string
  modelVersion: number
  docString: string
  metadata: Array<{ key: string; value: string }>
  graph: OnnxGraph
  /** Model-local functions (IR >= 8); nodes whose op type names one of them call it. */
  functions: OnnxFunction[]
}

export interface OnnxFunction {
  name: string
  domain: string
  nodes: OnnxNode[]
}

export interface OnnxGraph {
  name: string
  /** In file order, which ONNX requires to be topological. */
  nodes: OnnxNode[]
  initializers: OnnxTensor[]
  sparseInitializers: OnnxSparseTensor[]
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
  valueInfo: OnnxValueInfo[]
}

export interface OnnxNode {
  name: string
  opType: string
  /** '' for the default ONNX domain (`ai.onnx` is normalized to ''). */
  domain: string
  /** '' marks an omitted optional input. */
  inputs: string[]
  outputs: string[]
  attributes: OnnxAttribute[]
}

/** One attribute; only the fields present in the file are non-null / non-empty. */
export interface OnnxAttribute {
  name: string
  /** AttributeProto.AttributeType (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS …); 0 when absent (IR 1). */
  type: number
  f: number | null
  i: number | null
  /** UTF-8 decoded. */
  s: string | null
  t: OnnxTensor | null
  g: OnnxGraph | null
  floats: number[]
  ints: number[]
  strings: string[]
  tensors: OnnxTensor[]
  graphs: OnnxGraph[]
}

export interface OnnxExternalData {
  /** As written in the file: a path relative to the model's folder. '' when the key is missing. */
  location: string
  /** Byte offset in the external file. */
  offset: number
  /** Byte length, or null when omitted (the data then runs to the end of the file). */
  length: number | null
}

export interface OnnxTensor {
  name: string
  dims: number[]
  /** TensorProto.DataType. */
  dataType: number
  /** Set when data_location is EXTERNAL. */
  external: OnnxExternalData | null
  /** A view into the model bytes (not a copy), or null when the data sits in a typed field or outside. */
  rawData: Uint8Array | null
  floatData: number[]
  int32Data: number[]
  int64Data: number[]
  doubleData: number[]
  uint64Data: number[]
  stringData: Uint8Array[]
}

export interface OnnxSparseTensor {
  /** Shape of the dense tensor. */
  dims: number[]
  values: OnnxTensor | null
  indices: OnnxTensor | null
}

export interface OnnxValueInfo {
  name: string
  /** 'tensor' for ordinary values; sequences, maps and optionals carry no elem type or shape here. */
  kind: 'tensor' | 'sparse_tensor' | 'sequence' | 'map' | 'optional' | 'none'
  /** TensorProto.DataType, or null when not declared. */
  elemType: number | null
  /** null when no shape is declared; dims are numbers, symbolic names, or null when unknown. */
  shape: Dim[] | null
}

/**
 * Decode ONNX bytes. Throws EmptyFileError for 0 bytes and OnnxParseError for bytes that are not a
 * complete ONNX model (not protobuf, truncated, no graph, dangling tensor references).
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  if (bytes.byteLength === 0) {
    throw new EmptyFileError(
      'the ONNX file is empty (0 bytes); pick the exported .onnx file itself, or export the model again',
    )
  }
  const reader = protobuf.Reader.create(bytes)
  let decoded: unknown
  try {
    decoded = onnxModelProtoType().decode(reader)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new OnnxParseError(
      `not a valid ONNX file: protobuf decoding failed at byte offset ${reader.pos} of ${bytes.byteLength} ` +
        `(${reason}); the file may be truncated or not ONNX — re-export it`,
      { cause: err },
    )
  }
  const model = narrowModel(asMessage(decoded), bytes.byteLength)
  checkGraphConsistency(model.graph, bytes.byteLength)
  return model
}

// ---------------------------------------------------------------------------------------------------
// Attribute accessors (what shape inference and the summary read from nodes)

export function findAttribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name)
}

export function attrInt(node: OnnxNode, name: string): number | undefined {
  return findAttribute(node, name)?.i ?? undefined
}

export function attrFloat(node: OnnxNode, name: string): number | undefined {
  return findAttribute(node, name)?.f ?? undefined
}

export function attrString(node: OnnxNode, name: string): string | undefined {
  return findAttribute(node, name)?.s ?? undefined
}

/** INTS attribute; undefined when absent (an empty list in the file also reads as absent). */
export function attrInts(node: OnnxNode, name: string): number[] | undefined {
  const a = findAttribute(node, name)
  return a && a.ints.length > 0 ? a.ints : undefined
}

export function attrFloats(node: OnnxNode, name: string): number[] | undefined {
  const a = findAttribute(node, name)
  return a && a.floats.length > 0 ? a.floats : undefined
}

/** Subgraphs held by a node's attributes (If branches, Loop/Scan bodies). */
export function subgraphsOf(node: OnnxNode): OnnxGraph[] {
  const out: OnnxGraph[] = []
  for (const a of node.attributes) {
    if (a.g) out.push(a.g)
    out.push(...a.graphs)
  }
  return out
}

/** `Conv`, or `domain:Op` outside the default domain. */
export function qualifiedOpType(node: OnnxNode): string {
  return node.domain === '' ? node.opType : `${node.domain}:${node.opType}`
}

// ---------------------------------------------------------------------------------------------------
// Checks: a truncated file usually fails in protobuf; one cut exactly between two top-level fields
// decodes, so what must follow the graph is checked here.

function checkModel(model: OnnxModel, fileSize: number, hasGraph: boolean): void {
  if (model.irVersion <= 0) {
    throw new OnnxParseError(
      `not a valid ONNX file: it decodes as protobuf but declares no ir_version (read ${model.irVersion}); ` +
        `it is not an ONNX model or its header is damaged — re-export it`,
    )
  }
  if (!hasGraph) {
    throw new OnnxParseError(
      `not a valid ONNX file: the model has no graph (ir_version ${model.irVersion}, file ends at byte ${fileSize}); ` +
        `the file may be truncated or not an ONNX model — re-export it`,
    )
  }
  if (model.irVersion >= 3 && model.opsetImports.length === 0) {
    throw new OnnxParseError(
      `not a valid ONNX file: the model declares no opset_import (required since IR version 3; this file says ` +
        `ir_version ${model.irVersion} and ends at byte ${fileSize}); the file is probably truncated — copy or re-export it`,
    )
  }
}

/**
 * Every tensor a top-level node reads and every graph output must come from a node, a graph input or an
 * initializer. Subgraphs (If/Loop bodies) may read outer-scope names and are not checked.
 */
function checkGraphConsistency(graph: OnnxGraph, fileSize: number): void {
  const known = new Set<string>()
  for (const v of graph.inputs) known.add(v.name)
  for (const t of graph.initializers) known.add(t.name)
  for (const s of graph.sparseInitializers) if (s.values) known.add(s.values.name)
  for (const n of graph.nodes) for (const o of n.outputs) if (o !== '') known.add(o)
  const hint = `the file (${fileSize} bytes) may be truncated or corrupt — re-export it`
  for (const n of graph.nodes) {
    for (const i of n.inputs) {
      if (i !== '' && !known.has(i)) {
        throw new OnnxParseError(
          `not a valid ONNX file: node ${quote(n.name || '(unnamed)')} (${n.opType}) reads tensor ${quote(i)} ` +
            `that no node, graph input or initializer produces; ${hint}`,
        )
      }
    }
  }
  for (const o of graph.outputs) {
    if (!known.has(o.name)) {
      throw new OnnxParseError(
        `not a valid ONNX file: graph output ${quote(o.name)} is produced by no node, input or initializer; ${hint}`,
      )
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Narrowing: protobufjs messages are objects whose set fields are own properties and whose defaults
// live on the prototype. int64 fields are Long objects when long.js is present, numbers otherwise.

type Message = Record<string, unknown>

const EMPTY: Message = Object.freeze({}) as Message
const utf8 = new TextDecoder('utf-8')

function asMessage(v: unknown): Message {
  return typeof v === 'object' && v !== null ? (v as Message) : EMPTY
}

function has(m: Message, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key)
}

function str(m: Message, key: string): string {
  const v = m[key]
  return typeof v === 'string' ? v : ''
}

/** int64 / uint64 / int32 as a JS number (exact up to 2^53). */
export function int64ToNumber(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'string') return Number(v)
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const { low, high, unsigned } = v as { low: number; high: number; unsigned?: boolean }
    const hi = unsigned ? high >>> 0 : high | 0
    return hi * 4294967296 + (low >>> 0)
  }
  return 0
}

function num(m: Message, key: string): number {
  return int64ToNumber(m[key])
}

function list(m: Message, key: string): unknown[] {
  const v = m[key]
  return Array.isArray(v) ? v : []
}

function numbers(m: Message, key: string): number[] {
  return list(m, key).map(int64ToNumber)
}

function bytesOf(v: unknown): Uint8Array | null {
  return v instanceof Uint8Array ? v : null
}

function narrowModel(m: Message, fileSize: number): OnnxModel {
  const hasGraph = m['graph'] !== null && m['graph'] !== undefined
  const model: OnnxModel = {
    irVersion: num(m, 'irVersion'),
    opsetImports: list(m, 'opsetImport').map((o) => {
      const om = asMessage(o)
      return { domain: normalizeDomain(str(om, 'domain')), version: num(om, 'version') }
    }),
    producerName: str(m, 'producerName'),
    producerVersion: str(m, 'producerVersion'),
    domain: str(m, 'domain'),
    modelVersion: num(m, 'modelVersion'),
    docString: str(m, 'docString'),
    metadata: list(m, 'metadataProps').map((p) => narrowEntry(asMessage(p))),
    graph: narrowGraph(asMessage(m['graph'])),
    functions: list(m, 'functions').map((f) => {
      const fm = asMessage(f)
      return {
        name: str(fm, 'name'),
        domain: normalizeDomain(str(fm, 'domain')),
        nodes: list(fm, 'node').map((n) => narrowNode(asMessage(n))),
      }
    }),
  }
  checkModel(model, fileSize, hasGraph)
  return model
}

function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain
}

function narrowEntry(m: Message): { key: string; value: string } {
  return { key: str(m, 'key'), value: str(m, 'value') }
}

function narrowGraph(m: Message): OnnxGraph {
  return {
    name: str(m, 'name'),
    nodes: list(m, 'node').map((n) => narrowNode(asMessage(n))),
    initializers: list(m, 'initializer').map((t) => narrowTensor(asMessage(t))),
    sparseInitializers: list(m, 'sparseInitializer').map((s) => narrowSparse(asMessage(s))),
    inputs: list(m, 'input').map((v) => narrowValueInfo(asMessage(v))),
    outputs: list(m, 'output').map((v) => narrowValueInfo(asMessage(v))),
    valueInfo: list(m, 'valueInfo').map((v) => narrowValueInfo(asMessage(v))),
  }
}

function narrowNode(m: Message): OnnxNode {
  return {
    name: str(m, 'name'),
    opType: str(m, 'opType'),
    domain: normalizeDomain(str(m, 'domain')),
    inputs: list(m, 'input').map((s) => (typeof s === 'string' ? s : '')),
    outputs: list(m, 'output').map((s) => (typeof s === 'string' ? s : '')),
    attributes: list(m, 'attribute').map((a) => narrowAttribute(asMessage(a))),
  }
}

function narrowAttribute(m: Message): OnnxAttribute {
  const s = bytesOf(m['s'])
  return {
    name: str(m, 'name'),
    type: num(m, 'type'),
    f: has(m, 'f') ? num(m, 'f') : null,
    i: has(m, 'i') ? num(m, 'i') : null,
    s: has(m, 's') && s ? utf8.decode(s) : null,
    t: m['t'] ? narrowTensor(asMessage(m['t'])) : null,
    g: m['g'] ? narrowGraph(asMessage(m['g'])) : null,
    floats: numbers(m, 'floats'),
    ints: numbers(m, 'ints'),
    strings: list(m, 'strings').map((b) => utf8.decode(bytesOf(b) ?? new Uint8Array())),
    tensors: list(m, 'tensors').map((t) => narrowTensor(asMessage(t))),
    graphs: list(m, 'graphs').map((g) => narrowGraph(asMessage(g))),
  }
}

const DATA_LOCATION_EXTERNAL = 1

function narrowTensor(m: Message): OnnxTensor {
  const raw = bytesOf(m['rawData'])
  return {
    name: str(m, 'name'),
    dims: numbers(m, 'dims'),
    dataType: num(m, 'dataType'),
    external: num(m, 'dataLocation') === DATA_LOCATION_EXTERNAL ? narrowExternal(m) : null,
    rawData: has(m, 'rawData') && raw ? raw : null,
    floatData: numbers(m, 'floatData'),
    int32Data: numbers(m, 'int32Data'),
    int64Data: numbers(m, 'int64Data'),
    doubleData: numbers(m, 'doubleData'),
    uint64Data: numbers(m, 'uint64Data'),
    stringData: list(m, 'stringData').map((b) => bytesOf(b) ?? new Uint8Array()),
  }
}

function narrowExternal(m: Message): OnnxExternalData {
  const entries = new Map(
    list(m, 'externalData').map((e) => {
      const { key, value } = narrowEntry(asMessage(e))
      return [key, value] as const
    }),
  )
  const offset = entries.get('offset')
  const length = entries.get('length')
  return {
    location: entries.get('location') ?? '',
    offset: offset === undefined ? 0 : Number(offset),
    length: length === undefined ? null : Number(length),
  }
}

function narrowSparse(m: Message): OnnxSparseTensor {
  return {
    dims: numbers(m, 'dims'),
    values: m['values'] ? narrowTensor(asMessage(m['values'])) : null,
    indices: m['indices'] ? narrowTensor(asMessage(m['indices'])) : null,
  }
}

function narrowValueInfo(m: Message): OnnxValueInfo {
  const type = asMessage(m['type'])
  const name = str(m, 'name')
  const tensorType = type['tensorType'] ?? type['sparseTensorType']
  if (tensorType) {
    const tt = asMessage(tensorType)
    return {
      name,
      kind: type['tensorType'] ? 'tensor' : 'sparse_tensor',
      elemType: has(tt, 'elemType') ? num(tt, 'elemType') : null,
      shape: tt['shape'] ? narrowShape(asMessage(tt['shape'])) : null,
    }
  }
  const kind = type['sequenceType']
    ? 'sequence'
    : type['mapType']
      ? 'map'
      : type['optionalType']
        ? 'optional'
        : 'none'
  return { name, kind, elemType: null, shape: null }
}

function narrowShape(m: Message): Dim[] {
  return list(m, 'dim').map((d): Dim => {
    const dm = asMessage(d)
    if (has(dm, 'dimValue')) {
      const v = num(dm, 'dimValue')
      return v >= 0 ? v : null
    }
    if (has(dm, 'dimParam')) {
      const p = str(dm, 'dimParam')
      return p === '' ? null : p
    }
    return null
  })
}
