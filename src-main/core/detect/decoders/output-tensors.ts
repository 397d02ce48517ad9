/**
 * Checks and look-ups on the output tensors every decoder shares: which outputs have which rank, that a
 * tensor's data matches its dims, and how outputs are quoted in messages.
 */
import { DecodeError } from '../../errors'
import type { DecoderName, ModelOutputs, NamedTensor } from '../detection-types'
import { decoderChoices } from './decoder-names'

/** Name and dims only: what detection sees before inference (dims may be symbolic or unknown). */
export interface OutputShape {
  name: string
  dims: readonly (number | string | null)[] | null
}

/** `"output" [1,3549,85]` for each output, joined. */
export function describeOutputs(outputs: Iterable<OutputShape>): string {
  const parts: string[] = []
  for (const o of outputs) {
    const dims = o.dims === null ? 'unknown shape' : `[${o.dims.map((d) => d ?? '?').join(',')}]`
    parts.push(`${JSON.stringify(o.name)} ${dims}`)
  }
  return parts.length > 0 ? parts.join(', ') : 'no outputs'
}

/** The error a decoder throws when the outputs are not its layout. */
export function layoutError(
  decoder: DecoderName,
  expected: string,
  outputs: Iterable<OutputShape>,
): DecodeError {
  return new DecodeError(
    `decoder ${JSON.stringify(decoder)} expects ${expected}; the model gives ${describeOutputs(outputs)}. ` +
      `Pick the decoder that matches the model with --decoder (${decoderChoices()}), or check the input size and strides`,
  )
}

/** All outputs, in the map's order, each checked: float data whose length is the product of its dims. */
export function outputList(outputs: ModelOutputs, decoder: DecoderName): NamedTensor[] {
  const list = [...outputs.values()]
  for (const t of list) {
    const size = t.dims.reduce((a, b) => a * b, 1)
    if (!t.dims.every((d) => Number.isInteger(d) && d >= 0) || size !== t.data.length) {
      throw new DecodeError(
        `decoder ${JSON.stringify(decoder)}: output ${JSON.stringify(t.name)} has dims [${t.dims.join(',')}] ` +
          `but ${t.data.length} values; the inference service must pass each output's own dims`,
      )
    }
  }
  return list
}

/**
 * The dims after a leading batch dimension of 1 (rank `rank` including it), or null when the tensor has
 * another rank. A batch larger than one is an error: decoders take one image at a time.
 */
export function unbatched(t: NamedTensor, rank: number, decoder: DecoderName): number[] | null {
  if (t.dims.length !== rank) return null
  const batch = t.dims[0]
  if (batch !== 1) {
    throw new DecodeError(
      `decoder ${JSON.stringify(decoder)}: output ${JSON.stringify(t.name)} [${t.dims.join(',')}] has batch ${batch}; ` +
        'Quantscope decodes one image at a time — export the model with batch 1',
    )
  }
  return t.dims.slice(1)
}
