/**
 * The `parsed` stage: the model cut at its end nodes, as Hailo's parser keeps it. The end nodes' outputs
 * become the graph outputs and everything after them (reshape, sigmoid, DFL, concat, grid decode) is
 * dropped; the host then decodes the raw maps (core/detect/decoders/raw-v8, raw-v5 …).
 */
import { decodeOnnxModel, type OnnxModel } from './onnx-model'
import { encodeOnnxModel } from './onnx-writer'
import { endNodesByName, proposeEndNodes, type EndNodeProposal } from './end-nodes'
import { extractSubgraph } from './graph'
import type { ParsedRecipe, Variant } from './variant'

export interface ParsedOptions {
  /** End node names (node or output tensor names); default: the proposal by head pattern. */
  endNodes?: readonly string[]
}

/** Cut a decoded model at the given (already validated) end nodes. */
export function cutAtEndNodes(model: OnnxModel, proposal: EndNodeProposal): OnnxModel {
  return extractSubgraph(model, { outputs: proposal.endNodes.map((e) => e.output) })
}

/** Build the parsed variant from the original model's bytes. */
export function buildParsedStage(bytes: Uint8Array, options: ParsedOptions = {}): Variant<ParsedRecipe> {
  const model = decodeOnnxModel(bytes)
  const proposal =
    options.endNodes && options.endNodes.length > 0
      ? endNodesByName(model, options.endNodes)
      : proposeEndNodes(model)
  const cut = cutAtEndNodes(model, proposal)
  return {
    stage: 'parsed',
    bytes: encodeOnnxModel(cut, { preserveFrom: bytes }),
    recipe: {
      stage: 'parsed',
      family: proposal.family,
      endNodes: proposal.endNodes,
      source: options.endNodes && options.endNodes.length > 0 ? 'user' : 'proposed',
    },
  }
}
