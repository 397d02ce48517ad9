/**
 * Build small ONNX models in tests by encoding plain objects with the app's own schema (protobufjs
 * camelCase field names: irVersion, opsetImport, graph.node[].opType …). For edge cases no exporter
 * writes on purpose: no graph, dangling tensors, IR 10 fields.
 */
import { onnxModelProtoType } from '../../src-main/core/onnx/onnx-schema'

export type DimSpec = number | string

export function valueInfo(name: string, dims: DimSpec[] | null, elemType = 1): Record<string, unknown> {
  const tensorType: Record<string, unknown> = { elemType }
  if (dims)
    tensorType['shape'] = {
      dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    }
  return { name, type: { tensorType } }
}

export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const type = onnxModelProtoType()
  return type.encode(type.fromObject(model)).finish()
}

/** A valid one-node model: y = Relu(x), x [1, 3]. Override any top-level field. */
export function reluModel(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    irVersion: 8,
    producerName: 'test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: [{ name: 'relu', opType: 'Relu', input: ['x'], output: ['y'] }],
      input: [valueInfo('x', [1, 3])],
      output: [valueInfo('y', [1, 3])],
    },
    ...overrides,
  }
}

/** Deterministic bytes (mulberry32), so a failing "random bytes" case can be replayed. */
export function seededBytes(seed: number, length: number): Uint8Array {
  let a = seed >>> 0
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff
  }
  return out
}
