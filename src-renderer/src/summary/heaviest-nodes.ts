/** The nodes that carry most of a model's multiply-accumulates: where quantization error costs most. */
import type { MacsSummary, NodeMacs } from '../../../src-main/shared/api'

export interface HeavyNode extends NodeMacs {
  /** Of `MacsSummary.total`; 0 when the total is 0. */
  share: number
  /** Position in graph order (0-based), to find the node again in a graph viewer. */
  graphIndex: number
}

/** The `limit` heaviest nodes, most MACs first; ties keep graph order. */
export function heaviestNodes(macs: Pick<MacsSummary, 'perNode' | 'total'>, limit = 10): HeavyNode[] {
  return macs.perNode
    .map((node, graphIndex) => ({ ...node, graphIndex, share: macs.total > 0 ? node.macs / macs.total : 0 }))
    .sort((a, b) => b.macs - a.macs || a.graphIndex - b.graphIndex)
    .slice(0, Math.max(0, limit))
}
