/**
 * A variant: a model derived from a source model by a recipe (a cut, a fold …), as bytes ready to run,
 * with the recipe that made it so a run can say exactly what it measured.
 */
import type { QuantizedRecipe } from '../quant/qdq-model'
import type { EndNode, HeadFamily } from './end-nodes'

export type StageName = 'original' | 'parsed' | 'fp_optimized' | 'quantized'

export interface ParsedRecipe {
  stage: 'parsed'
  family: HeadFamily
  /** End nodes by name, in the order of the variant's outputs. */
  endNodes: EndNode[]
  /** Whether the end nodes were proposed by pattern or named by the user. */
  source: 'proposed' | 'user'
}

export interface FpOptimizedRecipe {
  stage: 'fp_optimized'
  /** Conv(+BN) pairs folded, by the Conv's node name. */
  foldedBatchNorms: string[]
  /** Identity nodes bypassed and Constant nodes turned into initializers. */
  removedIdentities: number
  constantsToInitializers: number
  /** Nodes of integer shape arithmetic (Shape, Gather, Concat … on static shapes) folded to initializers. */
  foldedShapeNodes: number
  /** Conv → ReLU/LeakyRelu → Conv pairs equalized, as 'conv1 → conv2'. */
  equalizedPairs: string[]
  /** Sweeps over the pairs until every scale settled within 1e-4 of 1 (at most 50). */
  equalizationRounds: number
  /** Pairs skipped, with why (SiLU, ReLU6, grouped second conv …). */
  skippedPairs: string[]
}

export type Recipe = ParsedRecipe | FpOptimizedRecipe | QuantizedRecipe

export interface Variant<R extends Recipe = Recipe> {
  stage: R['stage']
  bytes: Uint8Array
  recipe: R
  /** Hex SHA-256 of `bytes`, set by `withSha256`. */
  sha256?: string
}

/** The variant with its hash (Web Crypto: available in Node, workers and the renderer alike). */
export async function withSha256<R extends Recipe>(variant: Variant<R>): Promise<Variant<R>> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', variant.bytes as Uint8Array<ArrayBuffer>)
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
  return { ...variant, sha256: hex }
}
