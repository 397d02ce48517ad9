/**
 * The fixed binary header in front of a HEF's protobuf: magic, header version (0–3), section sizes and
 * the stored checksum. All integers are big-endian; the struct is packed (docs/hailo-formats.md 1.1).
 *
 *   ver  size  after the common 12 bytes (magic u32, version u32, proto size u32)
 *   0    32    reserved u32, md5[16]                             proto to EOF, MD5 of it
 *   1    28    crc u32, ccws_size u64, reserved u32              proto | CCWS, CRC-32 of both
 *   2    44    xxh3 u64, ccws_size u64, reserved u64 ×2          proto | CCWS, XXH3-64 of both
 *   3    56    xxh3 u64, ccws_size_with_padding u64,             proto | padding | CCWS | additional info;
 *              padding u32, additional_info_size u64,            XXH3-64 of the proto alone when
 *              proto_xxh3 u64, reserved u64                      proto_xxh3 is non-zero, else of all
 */
import { HefParseError } from '../errors'
import { hex32, toHex } from './checksum'

export const HEF_MAGIC = 0x01484546
export const HEF_PREFIX_SIZE = 12
export const HEF_HEADER_SIZES: Readonly<Record<number, number>> = { 0: 32, 1: 28, 2: 44, 3: 56 }

export type HefChecksumAlgorithm = 'md5' | 'crc32' | 'xxh3-64'

export interface HefContainerHeader {
  magic: number
  version: 0 | 1 | 2 | 3
  /** Bytes of the fixed header: 32, 28, 44 or 56. The proto starts here. */
  headerSize: number
  protoSize: number
  /** Start of the CCWS (config words) section: the "offset zero point"; null for version 0 (none). */
  ccwsOffset: number | null
  /** Real CCWS size (version 3: ccws_size_with_padding − hef_padding_size). */
  ccwsSize: number
  /** Version 3 only: zero padding between proto and CCWS (4 KiB alignment). */
  paddingSize: number
  /** Version 3 only: bytes of additional info / external resources after the CCWS. */
  additionalInfoSize: number
  fileSize: number
  checksum: {
    algorithm: HefChecksumAlgorithm
    /** `body`: every byte after the header; `proto`: the proto bytes alone (v3 with proto_xxh3). */
    scope: 'body' | 'proto'
    /** Stored value, lower-case hex (16 digits for XXH3, 8 for CRC-32, 32 for MD5). */
    expected: string
  }
}

/** u64 as a number; throws when it cannot be a byte count at all (the size checks catch the rest). */
function u64(view: DataView, at: number, field: string): number {
  const v = view.getBigUint64(at, false)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new HefParseError(
      `HEF header field ${field} is ${v}, larger than any file; the header is damaged — copy the HEF again or recompile it`,
    )
  }
  return Number(v)
}

/**
 * Read and check the container header. Throws HefParseError for a wrong magic, an unsupported version,
 * a file shorter than its header, or section sizes that do not add up to the file size (truncation).
 */
export function readHefHeader(bytes: Uint8Array): HefContainerHeader {
  const fileSize = bytes.byteLength
  if (fileSize < HEF_PREFIX_SIZE) {
    throw new HefParseError(
      `file is ${fileSize} bytes, shorter than the ${HEF_PREFIX_SIZE}-byte start of a HEF header; the file is truncated — copy the HEF again`,
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = view.getUint32(0, false)
  if (magic !== HEF_MAGIC) {
    throw new HefParseError(
      `not a HEF: the first 4 bytes are 0x${hex32(magic)}, a HEF starts with 0x${hex32(HEF_MAGIC)} ("\\x01HEF"); pick the .hef the Hailo compiler wrote`,
    )
  }
  const version = view.getUint32(4, false)
  const headerSize = HEF_HEADER_SIZES[version]
  if (headerSize === undefined) {
    throw new HefParseError(
      `HEF header version ${version} is not supported (Quantscope reads versions 0, 1, 2 and 3); the file may come from a newer Hailo SDK or be damaged`,
    )
  }
  if (fileSize < headerSize) {
    throw new HefParseError(
      `HEF header version ${version} is ${headerSize} bytes but the file has only ${fileSize}; the file is truncated — copy the HEF again`,
    )
  }
  const protoSize = view.getUint32(8, false)
  const body = fileSize - headerSize
  if (protoSize > body) {
    throw new HefParseError(
      `HEF proto size ${protoSize} exceeds file size ${fileSize} (${body} bytes after the ${headerSize}-byte header); the file is truncated — copy the HEF again`,
    )
  }
  const base = { magic, headerSize, protoSize, fileSize }
  switch (version) {
    case 0: {
      if (body !== protoSize) {
        throw new HefParseError(
          `HEF (header version 0) has ${body} bytes after its header but the header says the proto is ${protoSize}; the file is truncated or has extra bytes — copy the HEF again`,
        )
      }
      return {
        ...base,
        version: 0,
        ccwsOffset: null,
        ccwsSize: 0,
        paddingSize: 0,
        additionalInfoSize: 0,
        checksum: { algorithm: 'md5', scope: 'body', expected: toHex(bytes.subarray(16, 32)) },
      }
    }
    case 1: {
      const ccwsSize = u64(view, 16, 'ccws_size')
      checkTotal(1, headerSize, [protoSize, ccwsSize], ['proto', 'CCWS'], fileSize)
      return {
        ...base,
        version: 1,
        ccwsOffset: headerSize + protoSize,
        ccwsSize,
        paddingSize: 0,
        additionalInfoSize: 0,
        checksum: { algorithm: 'crc32', scope: 'body', expected: hex32(view.getUint32(12, false)) },
      }
    }
    case 2: {
      const ccwsSize = u64(view, 20, 'ccws_size')
      checkTotal(2, headerSize, [protoSize, ccwsSize], ['proto', 'CCWS'], fileSize)
      return {
        ...base,
        version: 2,
        ccwsOffset: headerSize + protoSize,
        ccwsSize,
        paddingSize: 0,
        additionalInfoSize: 0,
        checksum: { algorithm: 'xxh3-64', scope: 'body', expected: hex64At(view, 12) },
      }
    }
    default: {
      const withPadding = u64(view, 20, 'ccws_size_with_padding')
      const paddingSize = view.getUint32(28, false)
      const additionalInfoSize = u64(view, 32, 'additional_info_size')
      if (paddingSize > withPadding) {
        throw new HefParseError(
          `HEF header says the padding before the CCWS is ${paddingSize} bytes, more than the ${withPadding} bytes of padded CCWS; the header is damaged — copy the HEF again or recompile it`,
        )
      }
      checkTotal(
        3,
        headerSize,
        [protoSize, withPadding, additionalInfoSize],
        ['proto', 'padded CCWS', 'additional info'],
        fileSize,
      )
      const protoHash = hex64At(view, 40)
      const useProto = protoHash !== '0000000000000000'
      return {
        ...base,
        version: 3,
        ccwsOffset: headerSize + protoSize + paddingSize,
        ccwsSize: withPadding - paddingSize,
        paddingSize,
        additionalInfoSize,
        checksum: {
          algorithm: 'xxh3-64',
          scope: useProto ? 'proto' : 'body',
          expected: useProto ? protoHash : hex64At(view, 12),
        },
      }
    }
  }
}

function hex64At(view: DataView, at: number): string {
  return view.getBigUint64(at, false).toString(16).padStart(16, '0')
}

function checkTotal(
  version: number,
  headerSize: number,
  sizes: number[],
  names: string[],
  fileSize: number,
): void {
  const total = headerSize + sizes.reduce((a, b) => a + b, 0)
  if (total === fileSize) return
  const parts = sizes.map((s, i) => `${names[i]} ${s}`).join(' + ')
  const what =
    total > fileSize
      ? `the file has only ${fileSize}; it is truncated — copy the HEF again`
      : `the file has ${fileSize} (${fileSize - total} extra bytes at the end); it is damaged or something was appended — copy the HEF again`
  throw new HefParseError(
    `HEF header (version ${version}) says header ${headerSize} + ${parts} = ${total} bytes, but ${what}`,
  )
}
