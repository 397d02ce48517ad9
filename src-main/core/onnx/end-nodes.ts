/**
 * End nodes: the last convolutions of a detection head, where Hailo's parser cuts the graph (the
 * `parsed` stage). Proposed from the graph's structure, not from names, so renamed exports work too:
 *
 * - YOLOv8 / YOLO11: per scale a Concat of exactly two Conv outputs (box: 4·reg_max channels, first as
 *   Ultralytics' `torch.cat((cv2, cv3), 1)` writes it; class: C channels) whose result flows into the
 *   DFL Softmax. Six end nodes for three scales, box then class per scale, ascending stride — the order
 *   of the Hailo Model Zoo yamls (`/model.22/cv2.0/cv2.0.2/Conv`, `/model.22/cv3.0/cv3.0.2/Conv`, …).
 * - YOLOX: per scale a Concat of [reg Conv (4 ch), Sigmoid(obj Conv (1 ch)), Sigmoid(cls Conv (C ch))];
 *   the three Convs are proposed (sigmoids on the host). Hailo's yolox yamls end at the two Sigmoids
 *   instead (Conv_261, Sigmoid_263, Sigmoid_264 …); name those to keep the activation in the graph.
 * - NanoDet (GFL): per stride a Conv whose output is Split on channels into class and distribution parts.
 * - YOLOv5: per scale the Conv whose output is reshaped to [B, na, 5 + C, H, W] with na·(5 + C) = its
 *   channel count.
 *
 * A set of end nodes is valid when it separates the graph: walking back from every graph output must
 * reach the image input only through an end node's output.
 */
import { InvalidArgumentError, quote } from '../errors'
import type { Dim } from '../../shared/model-summary'
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxValueInfo } from './onnx-model'
import { attrInt } from './onnx-model'
import { consumersOf, inferGraphShapes, producersOf, realInputs } from './graph'

export type HeadFamily = 'yolov5' | 'yolov8' | 'yolox' | 'nanodet' | 'custom'
export type EndNodeRole = 'box' | 'cls' | 'obj' | 'box+cls'

export interface EndNode {
  /** Node name (the output tensor's name when the node has none). */
  name: string
  /** The tensor the cut model outputs. */
  output: string
  role: EndNodeRole
  /** Input height / output height; null when the shapes are not known. */
  stride: number | null
  /** Output channels, when known. */
  channels: number | null
}

export interface EndNodeProposal {
  family: HeadFamily
  endNodes: EndNode[]
  /** Why these nodes, in one sentence a user can check against the graph. */
  reason: string
}

export interface ImageInput {
  name: string
  /** NCHW. */
  height: number | null
  width: number | null
}

/** The image input: the one non-initializer input of rank 4 with 1 or 3 channels (NCHW). */
export function findImageInput(graph: OnnxGraph): ImageInput {
  const candidates = realInputs(graph).filter(
    (v: OnnxValueInfo) => v.shape !== null && v.shape.length === 4 && (v.shape[1] === 3 || v.shape[1] === 1),
  )
  const input = candidates[0]
  if (!input || !input.shape) {
    const seen = realInputs(graph)
      .map((v) => `${v.name} [${(v.shape ?? []).map((d) => d ?? '?').join(', ')}]`)
      .join(', ')
    throw new InvalidArgumentError(
      `the model has no image input (an NCHW input [N, 3, H, W]); its inputs are ${seen || 'none'} — ` +
        `end nodes only apply to detectors that take an image`,
    )
  }
  const h = input.shape[2]
  const w = input.shape[3]
  return {
    name: input.name,
    height: typeof h === 'number' ? h : null,
    width: typeof w === 'number' ? w : null,
  }
}

interface Ctx {
  graph: OnnxGraph
  producers: Map<string, OnnxNode>
  consumers: Map<string, OnnxNode[]>
  shapes: ReadonlyMap<string, Dim[]>
  /** Known constant values (a Reshape's target shape); null entries are unknown. */
  valueOf: (name: string) => readonly Dim[] | undefined
  image: ImageInput
}

function convChannels(ctx: Ctx, node: OnnxNode): number | null {
  const w = ctx.graph.initializers.find((t) => t.name === node.inputs[1])
  if (w && w.dims.length === 4) return w.dims[0] ?? null
  const c = ctx.shapes.get(node.outputs[0] ?? '')?.[1]
  return typeof c === 'number' ? c : null
}

function strideOf(ctx: Ctx, tensor: string): number | null {
  const h = ctx.shapes.get(tensor)?.[2]
  if (typeof h !== 'number' || h <= 0 || ctx.image.height === null) return null
  return Math.round(ctx.image.height / h)
}

function endNode(ctx: Ctx, node: OnnxNode, role: EndNodeRole): EndNode {
  const output = node.outputs[0] ?? ''
  return {
    name: node.name || output,
    output,
    role,
    stride: strideOf(ctx, output),
    channels: convChannels(ctx, node),
  }
}

function producerOp(ctx: Ctx, tensor: string | undefined, op: string): OnnxNode | undefined {
  const p = tensor === undefined ? undefined : ctx.producers.get(tensor)
  return p && p.opType === op && p.domain === '' ? p : undefined
}

/** True when a node of type `op` is reachable downstream of `tensor` within `depth` nodes. */
function reachesOp(ctx: Ctx, tensor: string, op: string, depth = 40): boolean {
  const seen = new Set<OnnxNode>()
  let frontier = [tensor]
  for (let d = 0; d < depth && frontier.length > 0; d++) {
    const next: string[] = []
    for (const t of frontier) {
      for (const c of ctx.consumers.get(t) ?? []) {
        if (seen.has(c)) continue
        seen.add(c)
        if (c.opType === op) return true
        next.push(...c.outputs)
      }
    }
    frontier = next
  }
  return false
}

function byStride(a: { stride: number | null }, b: { stride: number | null }): number {
  return (a.stride ?? 0) - (b.stride ?? 0)
}

function proposeYolov8(ctx: Ctx): EndNode[][] {
  const groups: EndNode[][] = []
  for (const n of ctx.graph.nodes) {
    if (n.opType !== 'Concat' || n.inputs.length !== 2 || attrInt(n, 'axis') !== 1) continue
    const convs = n.inputs.map((i) => producerOp(ctx, i, 'Conv'))
    const [a, b] = convs
    if (!a || !b || a === b) continue
    if (!reachesOp(ctx, n.outputs[0] ?? '', 'Softmax')) continue
    const ca = convChannels(ctx, a)
    const cb = convChannels(ctx, b)
    // Box first as Ultralytics concatenates; swap only when the channel counts say otherwise.
    const swap = cb !== null && ca !== null && cb % 4 === 0 && cb >= 4 * 4 && ca % 4 !== 0
    const [box, cls] = swap ? [b, a] : [a, b]
    groups.push([endNode(ctx, box, 'box'), endNode(ctx, cls, 'cls')])
  }
  return groups
}

function proposeYolox(ctx: Ctx): EndNode[][] {
  const groups: EndNode[][] = []
  for (const n of ctx.graph.nodes) {
    if (n.opType !== 'Concat' || n.inputs.length !== 3 || attrInt(n, 'axis') !== 1) continue
    const reg = producerOp(ctx, n.inputs[0], 'Conv')
    const objSig = producerOp(ctx, n.inputs[1], 'Sigmoid')
    const clsSig = producerOp(ctx, n.inputs[2], 'Sigmoid')
    const obj = producerOp(ctx, objSig?.inputs[0], 'Conv')
    const cls = producerOp(ctx, clsSig?.inputs[0], 'Conv')
    if (!reg || !obj || !cls) continue
    if (convChannels(ctx, reg) !== 4 || convChannels(ctx, obj) !== 1) continue
    groups.push([endNode(ctx, reg, 'box'), endNode(ctx, obj, 'obj'), endNode(ctx, cls, 'cls')])
  }
  return groups
}

function proposeNanodet(ctx: Ctx): EndNode[][] {
  const groups: EndNode[][] = []
  for (const n of ctx.graph.nodes) {
    if (n.opType !== 'Conv') continue
    const readers = ctx.consumers.get(n.outputs[0] ?? '') ?? []
    const split = readers.length === 1 ? readers[0] : undefined
    if (!split || split.opType !== 'Split' || split.outputs.length !== 2) continue
    if ((attrInt(split, 'axis') ?? 0) !== 1) continue
    groups.push([endNode(ctx, n, 'box+cls')])
  }
  return groups
}

function proposeYolov5(ctx: Ctx): EndNode[][] {
  const groups: EndNode[][] = []
  for (const n of ctx.graph.nodes) {
    if (n.opType !== 'Conv') continue
    const out = n.outputs[0] ?? ''
    const readers = ctx.consumers.get(out) ?? []
    const reshape = readers.length === 1 ? readers[0] : undefined
    if (!reshape || reshape.opType !== 'Reshape') continue
    const target = ctx.shapes.get(reshape.outputs[0] ?? '') ?? ctx.valueOf(reshape.inputs[1] ?? '')
    const channels = convChannels(ctx, n)
    const hw = ctx.shapes.get(out)
    if (!target || target.length !== 5 || channels === null) continue
    const [, na, no, h, w] = target
    if (typeof na !== 'number' || typeof no !== 'number' || na * no !== channels || no < 6) continue
    if (hw && typeof hw[2] === 'number' && (h !== hw[2] || w !== hw[3])) continue
    groups.push([endNode(ctx, n, 'box+cls')])
  }
  return groups
}

const FAMILIES: Array<{
  family: HeadFamily
  find: (ctx: Ctx) => EndNode[][]
  reason: (n: number) => string
}> = [
  {
    family: 'yolov8',
    find: proposeYolov8,
    reason: (n) =>
      `${n} scales where a box Conv and a class Conv feed one Concat that flows into the DFL Softmax ` +
      `(Ultralytics YOLOv8/YOLO11 Detect head)`,
  },
  {
    family: 'yolox',
    find: proposeYolox,
    reason: (n) =>
      `${n} scales where a reg Conv (4 ch), an obj Conv (1 ch) and a cls Conv are concatenated after ` +
      `sigmoids (YOLOX head)`,
  },
  {
    family: 'nanodet',
    find: proposeNanodet,
    reason: (n) =>
      `${n} Convs whose outputs are split on channels into class and box parts (NanoDet GFL head)`,
  },
  {
    family: 'yolov5',
    find: proposeYolov5,
    reason: (n) => `${n} Convs whose outputs are reshaped to [B, na, 5+C, H, W] (YOLOv5 Detect)`,
  },
]

function context(model: OnnxModel): Ctx {
  const graph = model.graph
  const image = findImageInput(graph)
  const inferred = inferGraphShapes(model)
  return {
    graph,
    producers: producersOf(graph),
    consumers: consumersOf(graph),
    shapes: inferred.shapes,
    valueOf: (name) => inferred.valueOf(name)?.data,
    image,
  }
}

/**
 * Propose end nodes by head pattern. Throws InvalidArgumentError when the model has no image input or
 * no known head pattern separates it (then name the end nodes yourself: `endNodesByName`).
 */
export function proposeEndNodes(model: OnnxModel): EndNodeProposal {
  const ctx = context(model)
  for (const f of FAMILIES) {
    const groups = f.find(ctx)
    if (groups.length < 2) continue
    groups.sort((a, b) => byStride(a[0]!, b[0]!))
    const endNodes = groups.flat()
    const problem = separationProblem(
      model.graph,
      endNodes.map((e) => e.output),
      ctx.image.name,
    )
    if (problem) continue
    return {
      family: f.family,
      endNodes,
      reason: `${f.reason(groups.length)}; the cut separates every output`,
    }
  }
  throw new InvalidArgumentError(
    'no known detection head (YOLOv5, YOLOv8/YOLO11, YOLOX, NanoDet) was found in the graph; ' +
      'name the end nodes yourself (--end-nodes a,b,c: the last Conv of each head branch)',
  )
}

/**
 * The user's end nodes, by node name (or output tensor name). Throws when a name is unknown or when the
 * set does not separate the graph (some model output is still reachable from the image input without
 * passing through an end node).
 */
export function endNodesByName(model: OnnxModel, names: readonly string[]): EndNodeProposal {
  if (names.length === 0) throw new InvalidArgumentError('no end nodes given; name at least one node')
  const ctx = context(model)
  const byName = new Map<string, OnnxNode>()
  for (const n of model.graph.nodes) if (n.name !== '') byName.set(n.name, n)
  const missing: string[] = []
  const nodes: OnnxNode[] = []
  for (const name of names) {
    const node = byName.get(name) ?? ctx.producers.get(name)
    if (node) nodes.push(node)
    else missing.push(name)
  }
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `end node${missing.length > 1 ? 's' : ''} ${missing.map((m) => quote(m)).join(', ')} ` +
        `not found: no node or tensor has that name (run \`quantscope end-nodes <model>\` to list a proposal)`,
    )
  }
  const endNodes = nodes.map((n) => endNode(ctx, n, roleGuess(ctx, n)))
  const problem = separationProblem(
    model.graph,
    endNodes.map((e) => e.output),
    ctx.image.name,
  )
  if (problem) {
    throw new InvalidArgumentError(
      `these end nodes do not separate the graph: ${problem}${proposalHint(model, endNodes)}`,
    )
  }
  return { family: 'custom', endNodes, reason: `named by the user (${names.length} nodes)` }
}

/** '; the yolov8 proposal also cuts at …' when a proposal exists and names nodes the user left out. */
function proposalHint(model: OnnxModel, given: readonly EndNode[]): string {
  let proposal: EndNodeProposal
  try {
    proposal = proposeEndNodes(model)
  } catch {
    return ''
  }
  const outputs = new Set(given.map((e) => e.output))
  const missing = proposal.endNodes.filter((e) => !outputs.has(e.output)).map((e) => quote(e.name))
  if (missing.length === 0) return ''
  return `; the ${proposal.family} proposal also cuts at ${missing.join(', ')}`
}

function roleGuess(ctx: Ctx, n: OnnxNode): EndNodeRole {
  const c = convChannels(ctx, n)
  if (c === 4 || (c !== null && c % 4 === 0 && c >= 16 && /cv2|reg|box/i.test(n.name))) return 'box'
  if (c === 1) return 'obj'
  // Hailo's YOLOX yamls end at the obj/cls Sigmoids (the activation stays on chip).
  if (/cv3|cls/i.test(n.name) || n.opType === 'Sigmoid') return 'cls'
  return 'box+cls'
}

/**
 * Why `cut` does not separate the graph, or null when it does: a walk back from each graph output that
 * stops at cut tensors must not reach the image input.
 */
export function separationProblem(
  graph: OnnxGraph,
  cut: readonly string[],
  imageInput: string,
): string | null {
  const producers = producersOf(graph)
  const stop = new Set(cut)
  for (const out of graph.outputs) {
    const seen = new Set<string>()
    const stack: Array<{ t: string; path: string[] }> = [{ t: out.name, path: [] }]
    while (stack.length > 0) {
      const { t, path } = stack.pop()!
      if (seen.has(t) || stop.has(t)) continue
      seen.add(t)
      if (t === imageInput) {
        // path runs input → output; its output end shows which part of the head still leaks.
        const via = path.slice(-3).join(' → ')
        return (
          `model output ${quote(out.name)} is still computed from input ${quote(imageInput)} without passing ` +
          `through an end node (${quote(imageInput)} → … → ${via})`
        )
      }
      const p = producers.get(t)
      if (!p) continue
      for (const i of p.inputs) if (i !== '') stack.push({ t: i, path: [p.name || p.opType, ...path] })
    }
  }
  const downstream = new Set<string>()
  for (const t of cut) {
    if (!reachable(graph, t)) downstream.add(t)
  }
  if (downstream.size > 0) {
    return `${[...downstream].map((t) => quote(t)).join(', ')} feed no model output, so the cut would add outputs the original does not compute`
  }
  return null
}

function reachable(graph: OnnxGraph, tensor: string): boolean {
  const outputs = new Set(graph.outputs.map((v) => v.name))
  const consumers = consumersOf(graph)
  const seen = new Set<string>()
  const stack = [tensor]
  while (stack.length > 0) {
    const t = stack.pop()!
    if (outputs.has(t)) return true
    if (seen.has(t)) continue
    seen.add(t)
    for (const c of consumers.get(t) ?? []) stack.push(...c.outputs)
  }
  return false
}
