/**
 * The one shape every model format reader shares (DESIGN rule 1): `match` looks at the first bytes,
 * `open` reads the whole file. Readers are pure; anything outside the file's own bytes comes through
 * the host interface.
 */
import type { ModelFormat, ModelSummary } from '../../shared/model-summary'

/** What a reader may ask of the world: the size of a file next to the model (ONNX external data). */
export interface ModelFileHost {
  /** Byte size of `location` resolved against the model's folder, or null when it does not exist. */
  siblingSize(location: string): number | null
}

export interface ModelFormatReader {
  format: ModelFormat
  /** File name extensions this reader claims (lower case, with the dot), used only for messages. */
  extensions: readonly string[]
  /** True when the bytes look like this format. Cheap: reads at most the first few KiB. */
  match(bytes: Uint8Array): boolean
  /** Decode and summarize. Throws a QuantscopeError subclass on bad input. */
  open(bytes: Uint8Array, host: ModelFileHost): ModelSummary
}
