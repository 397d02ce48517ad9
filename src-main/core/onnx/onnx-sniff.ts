/**
 * Cheap recognition of ONNX bytes without decoding them: walk the top-level protobuf fields of the
 * ModelProto (a handful: ir_version, producer, graph, opset_import, metadata), skipping over the
 * length-delimited ones, and check each is a ModelProto field with the right wire type. A PNG, JPEG,
 * ZIP, tar, HEF or text file fails on its first byte or two.
 */

/** Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
const WIRE_VARINT = 0
const WIRE_LEN = 2

/** ModelProto field number -> wire type (onnx.proto). */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, WIRE_VARINT], // ir_version
  [2, WIRE_LEN], // producer_name
  [3, WIRE_LEN], // producer_version
  [4, WIRE_LEN], // domain
  [5, WIRE_VARINT], // model_version
  [6, WIRE_LEN], // doc_string
  [7, WIRE_LEN], // graph
  [8, WIRE_LEN], // opset_import
  [14, WIRE_LEN], // metadata_props
  [20, WIRE_LEN], // training_info
  [25, WIRE_LEN], // functions
  [26, WIRE_LEN], // configuration (IR 11)
])

/** GraphProto field numbers a serialized graph may start with. */
const GRAPH_FIELDS: ReadonlySet<number> = new Set([1, 2, 5, 10, 11, 12, 13, 14, 15, 16])

/** ir_version values we accept as plausible (IR 1 was 2017; IR 11 is 2025). */
const MAX_PLAUSIBLE_IR_VERSION = 100

export interface TopLevelField {
  field: number
  wireType: number
  /** Byte offset of the tag. */
  start: number
  /** Byte offset just past the field (may exceed the buffer when the field overruns it). */
  end: number
  /** Varint value for wire type 0. */
  value?: number
}

export interface TopLevelScan {
  fields: TopLevelField[]
  /** Why the walk stopped: reached the end exactly, hit bytes that are not a field, a field runs past the buffer, or the field limit. */
  stop: 'end' | 'malformed' | 'overrun' | 'limit'
}

/** Read a varint at `pos`; null when it runs past the buffer or exceeds 10 bytes. Values past 2^53 lose precision. */
function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } | null {
  let value = 0
  let scale = 1
  for (let i = 0; i < 10; i++) {
    const b = bytes[pos + i]
    if (b === undefined) return null
    value += (b & 0x7f) * scale
    scale *= 128
    if (b < 0x80) return { value, next: pos + i + 1 }
  }
  return null
}

/** Walk top-level protobuf fields from offset 0, at most `maxFields` of them. */
export function scanTopLevelFields(bytes: Uint8Array, maxFields = 64): TopLevelScan {
  const fields: TopLevelField[] = []
  let pos = 0
  while (pos < bytes.length) {
    if (fields.length >= maxFields) return { fields, stop: 'limit' }
    const tag = readVarint(bytes, pos)
    if (!tag || tag.value > 0xffffffff) return { fields, stop: 'malformed' }
    const field = Math.floor(tag.value / 8)
    const wireType = tag.value % 8
    if (field === 0) return { fields, stop: 'malformed' }
    let end: number
    let value: number | undefined
    switch (wireType) {
      case WIRE_VARINT: {
        const v = readVarint(bytes, tag.next)
        if (!v) return { fields, stop: bytes.length - tag.next < 10 ? 'overrun' : 'malformed' }
        value = v.value
        end = v.next
        break
      }
      case 1:
        end = tag.next + 8
        break
      case WIRE_LEN: {
        const len = readVarint(bytes, tag.next)
        if (!len) return { fields, stop: bytes.length - tag.next < 10 ? 'overrun' : 'malformed' }
        end = len.next + len.value
        break
      }
      case 5:
        end = tag.next + 4
        break
      default:
        return { fields, stop: 'malformed' } // groups (3, 4) and 6, 7 never appear in ONNX
    }
    fields.push(
      value === undefined
        ? { field, wireType, start: pos, end }
        : { field, wireType, start: pos, end, value },
    )
    if (end > bytes.length) return { fields, stop: 'overrun' }
    pos = end
  }
  return { fields, stop: 'end' }
}

function isModelField(f: TopLevelField): boolean {
  const expected = MODEL_FIELDS.get(f.field)
  if (expected !== undefined) return expected === f.wireType
  // A field newer than this build: accept high numbers (ONNX adds fields above 25), never low unknown ones.
  return f.field > 26 && f.field < 100
}

/**
 * True when the bytes look like an ONNX ModelProto: every top-level field seen is a ModelProto field
 * and ir_version is present with a small value, or the file starts with a graph field whose first
 * inner tag is a GraphProto field. A truncated ONNX still matches, so that open() can say it is truncated.
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false
  const { fields, stop } = scanTopLevelFields(bytes, 32)
  const first = fields[0]
  if (!first) return false
  if (!fields.every(isModelField)) return false
  // Garbage right after the first field is more likely a random file than a damaged model.
  if (stop === 'malformed' && fields.length < 2) return false
  const ir = fields.find((f) => f.field === 1)
  if (ir && ir.value !== undefined) return ir.value >= 1 && ir.value <= MAX_PLAUSIBLE_IR_VERSION
  if (first.field === 7) return graphStartsPlausibly(bytes, first)
  return false
}

function graphStartsPlausibly(bytes: Uint8Array, graphField: TopLevelField): boolean {
  const tag = readVarint(bytes, graphField.start)
  const len = tag ? readVarint(bytes, tag.next) : null
  if (!len) return false
  const inner = readVarint(bytes, len.next)
  if (!inner) return false
  return GRAPH_FIELDS.has(Math.floor(inner.value / 8)) && inner.value % 8 === WIRE_LEN
}
