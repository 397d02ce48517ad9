/**
 * Make intermediate tensors fetchable: onnxruntime returns graph outputs only, so a tensor inside the
 * graph becomes an output by listing it in graph.output. Done without re-encoding the model: protobuf
 * merges a message that appears twice, so appending `ModelProto.graph { output: [{ name }] }` to the
 * original bytes yields the same model with more outputs (repeated fields concatenate). Nothing of the
 * original is re-serialized, so fields this build's schema does not know survive, and it costs the
 * bytes of the names. The outputs carry no type: onnxruntime takes it from the producing node.
 */

/** Field numbers from onnx.proto: ModelProto.graph = 7, GraphProto.output = 12, ValueInfoProto.name = 1. */
const MODEL_GRAPH = 7
const GRAPH_OUTPUT = 12
const VALUE_INFO_NAME = 1
const WIRE_LEN = 2

function varint(value: number): number[] {
  const out: number[] = []
  let v = value
  while (v > 127) {
    out.push((v & 127) | 128)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return out
}

function lengthDelimited(field: number, payload: readonly number[] | Uint8Array): number[] {
  return [...varint((field << 3) | WIRE_LEN), ...varint(payload.length), ...payload]
}

/** `model` with `names` appended to its graph outputs (names already outputs should be left out by the caller). */
export function withExtraOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  if (names.length === 0) return model
  const encoder = new TextEncoder()
  const outputs: number[] = []
  for (const name of names) {
    outputs.push(...lengthDelimited(GRAPH_OUTPUT, lengthDelimited(VALUE_INFO_NAME, encoder.encode(name))))
  }
  const tail = lengthDelimited(MODEL_GRAPH, outputs)
  const out = new Uint8Array(model.byteLength + tail.length)
  out.set(model, 0)
  out.set(tail, model.byteLength)
  return out
}
