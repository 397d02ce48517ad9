/** Graph utilities on real models: order, producers/consumers, subgraph extraction, extra outputs, removal. */
import { describe, expect, it } from 'vitest'
import { decodeOnnxModel, type OnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { encodeOnnxModel } from '../../../../src-main/core/onnx/onnx-writer'
import {
  addGraphOutputs,
  consumersOf,
  extractSubgraph,
  producersOf,
  removeNodes,
  topologicalOrder,
} from '../../../../src-main/core/onnx/graph'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { maxAbsDiff, runOnnx, uniform } from '../../../helpers/onnx-run'

const yoloxBytes = readBytes(sharedFixture('models', 'yolox_nano.onnx'))
const yoloxInput = { name: 'images', dims: [1, 3, 416, 416], data: uniform(3 * 416 * 416, 0, 255, 7) }

function load(bytes: Uint8Array): OnnxModel {
  return decodeOnnxModel(bytes)
}

describe('producers, consumers, order', () => {
  it('maps every tensor of yolox_nano to its producer and readers', () => {
    const g = load(yoloxBytes).graph
    const producers = producersOf(g)
    const consumers = consumersOf(g)
    expect(producers.get('output')?.opType).toBe('Transpose')
    expect(
      consumers
        .get('input.807')
        ?.map((n) => n.name)
        .sort(),
    ).toEqual(['Conv_393', 'Conv_394'])
    expect(consumers.get('images')?.every((n) => n.opType === 'Slice')).toBe(true)
  })

  it('restores dependency order of a shuffled graph; onnxruntime runs the re-sorted model', async () => {
    const model = load(readBytes(repoFixture('stages', 'bn_unfolded.onnx')))
    const shuffled = { ...model, graph: { ...model.graph, nodes: model.graph.nodes.slice().reverse() } }
    const order = topologicalOrder(shuffled.graph)
    const seen = new Set([
      ...model.graph.inputs.map((v) => v.name),
      ...model.graph.initializers.map((t) => t.name),
    ])
    for (const n of order) {
      for (const i of n.inputs) expect(i === '' || seen.has(i)).toBe(true)
      for (const o of n.outputs) seen.add(o)
    }
    const sorted = encodeOnnxModel({ ...shuffled, graph: { ...shuffled.graph, nodes: order } })
    const input = { name: 'images', dims: [1, 3, 64, 64], data: uniform(3 * 64 * 64, -1, 1) }
    const [a, b] = await Promise.all([runOnnx(encodeOnnxModel(model), input), runOnnx(sorted, input)])
    expect(maxAbsDiff(a.get('out'), b.get('out'))).toBe(0)
  })
})

describe('extractSubgraph', () => {
  it('keeps the part of yolox_nano that computes one intermediate tensor, dropping the rest', async () => {
    const model = load(yoloxBytes)
    const sub = extractSubgraph(model, { outputs: ['input.807'] })
    expect(sub.graph.nodes.length).toBeLessThan(model.graph.nodes.length)
    expect(sub.graph.nodes.some((n) => n.name === 'Conv_393')).toBe(false)
    const used = new Set(sub.graph.nodes.flatMap((n) => n.inputs))
    for (const t of sub.graph.initializers) expect(used.has(t.name)).toBe(true)
    expect(sub.graph.initializers.length).toBeLessThan(model.graph.initializers.length)
    expect(sub.graph.outputs[0]).toMatchObject({ name: 'input.807', elemType: 1 })
    expect(sub.graph.outputs[0]?.shape).toEqual([1, 64, 13, 13])

    const [full, part] = await Promise.all([
      runOnnx(yoloxBytes, yoloxInput, ['input.807']),
      runOnnx(encodeOnnxModel(sub), yoloxInput),
    ])
    expect(maxAbsDiff(full.get('input.807'), part.get('input.807'))).toBe(0)
  })

  it('cuts between intermediate inputs and the output: new inputs typed by shape inference, same values', async () => {
    const model = load(yoloxBytes)
    const heads = ['onnx::Shape_1066', 'onnx::Shape_1108', 'output.1']
    const tail = extractSubgraph(model, { inputs: heads, outputs: ['output'] })
    expect(tail.graph.inputs.map((v) => v.name)).toEqual(heads)
    expect(tail.graph.inputs.map((v) => v.shape)).toEqual([
      [1, 85, 52, 52],
      [1, 85, 26, 26],
      [1, 85, 13, 13],
    ])
    expect(tail.graph.nodes.length).toBeLessThan(20)
    const full = await runOnnx(yoloxBytes, yoloxInput, heads)
    const { InferenceSession } = await import('../../../../src-main/services/inference/inference-session')
    const session = await InferenceSession.open(encodeOnnxModel(tail), { intraOpThreads: 1 })
    try {
      const feeds = Object.fromEntries(
        heads.map((h) => [h, { dims: [...full.get(h)!.dims], data: full.get(h)!.data }]),
      )
      const out = await session.run(feeds)
      expect(maxAbsDiff(full.get('output'), out.get('output'))).toBe(0)
    } finally {
      await session.release()
    }
  })

  it('rejects unknown tensors and missing inputs', () => {
    const model = load(yoloxBytes)
    expect(() => extractSubgraph(model, { outputs: ['nope'] })).toThrow(/tensor "nope" is not in the graph/)
    expect(() => extractSubgraph(model, { inputs: ['input.807'], outputs: ['output'] })).toThrow(
      /need graph input "images"/,
    )
  })
})

describe('addGraphOutputs', () => {
  it('adds intermediate outputs to a model without value_info, with shapes from shape inference', async () => {
    const bytes = readBytes(repoFixture('stages', 'yolov8_tiny.onnx'))
    const model = load(bytes)
    expect(model.graph.valueInfo).toEqual([])
    const name = '/model.22/cv2.0/cv2.0.2/Conv_output_0'
    const more = addGraphOutputs(model, [name])
    expect(more.graph.outputs.map((v) => v.name)).toEqual(['output0', name])
    expect(more.graph.outputs[1]).toMatchObject({ elemType: 1, shape: [1, 64, 8, 8] })
    const out = await runOnnx(encodeOnnxModel(more), {
      name: 'images',
      dims: [1, 3, 64, 64],
      data: uniform(3 * 64 * 64, 0, 1),
    })
    expect(out.get(name)?.dims).toEqual([1, 64, 8, 8])
    expect(() => addGraphOutputs(model, ['missing'])).toThrow(/no node produces tensor "missing"/)
  })
})

describe('removeNodes', () => {
  it('bypasses the Identity after the input and drops unused nodes; same outputs', async () => {
    const bytes = readBytes(repoFixture('stages', 'bn_unfolded.onnx'))
    const model = load(bytes)
    const without = removeNodes(model, (n) => n.opType === 'Identity', { bypass: true })
    expect(without.graph.nodes.some((n) => n.opType === 'Identity')).toBe(false)
    expect(without.graph.nodes.length).toBe(model.graph.nodes.length - 1)
    const input = { name: 'images', dims: [1, 3, 64, 64], data: uniform(3 * 64 * 64, -1, 1) }
    const [a, b] = await Promise.all([runOnnx(bytes, input), runOnnx(encodeOnnxModel(without), input)])
    expect(maxAbsDiff(a.get('out'), b.get('out'))).toBe(0)
  })

  it('bypasses chained Identities, including one that writes a graph output', async () => {
    const bytes = readBytes(repoFixture('stages', 'bn_unfolded.onnx'))
    const model = load(bytes)
    const last = model.graph.nodes.at(-1)!
    const chained: OnnxModel = {
      ...model,
      graph: {
        ...model.graph,
        nodes: [
          ...model.graph.nodes.slice(0, -1),
          { ...last, outputs: ['pre_out'] },
          {
            name: 'id1',
            opType: 'Identity',
            domain: '',
            inputs: ['pre_out'],
            outputs: ['mid'],
            attributes: [],
          },
          { name: 'id2', opType: 'Identity', domain: '', inputs: ['mid'], outputs: ['out'], attributes: [] },
        ],
      },
    }
    const without = removeNodes(chained, (n) => n.opType === 'Identity', { bypass: true })
    expect(without.graph.nodes.filter((n) => n.opType === 'Identity')).toEqual([])
    expect(without.graph.nodes.at(-1)?.outputs).toEqual(['out'])
    const input = { name: 'images', dims: [1, 3, 64, 64], data: uniform(3 * 64 * 64, -1, 1) }
    const [a, b] = await Promise.all([runOnnx(bytes, input), runOnnx(encodeOnnxModel(without), input)])
    expect(maxAbsDiff(a.get('out'), b.get('out'))).toBe(0)
  })
})
