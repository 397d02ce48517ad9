/** End-node proposal by head pattern on real and torch-exported models; user overrides and their errors. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { endNodesByName, proposeEndNodes } from '../../../../src-main/core/onnx/end-nodes'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'

const model = (file: string) => decodeOnnxModel(readBytes(file))
const yolov8 = model(repoFixture('stages', 'yolov8_tiny.onnx'))

describe('proposeEndNodes', () => {
  it('finds the six YOLOv8 Detect convs, exactly the Hailo Model Zoo yolov8n list', () => {
    const zoo = parse(
      readFileSync(sharedFixture('hailo', 'model-zoo', 'cfg', 'networks-v2.9', 'yolov8n.yaml'), 'utf8'),
    ) as { parser: { nodes: [null, string[]] } }
    const p = proposeEndNodes(yolov8)
    expect(p.family).toBe('yolov8')
    expect(p.endNodes.map((e) => e.name)).toEqual(zoo.parser.nodes[1])
    expect(p.endNodes.map((e) => [e.role, e.stride, e.channels])).toEqual([
      ['box', 8, 64],
      ['cls', 8, 3],
      ['box', 16, 64],
      ['cls', 16, 3],
      ['box', 32, 64],
      ['cls', 32, 3],
    ])
    expect(p.endNodes[0]?.output).toBe('/model.22/cv2.0/cv2.0.2/Conv_output_0')
    expect(p.reason).toMatch(/DFL Softmax/)
  })

  it('finds the nine YOLOX head convs of yolox_nano (reg, obj, cls per stride)', () => {
    const p = proposeEndNodes(model(sharedFixture('models', 'yolox_nano.onnx')))
    expect(p.family).toBe('yolox')
    expect(p.endNodes).toHaveLength(9)
    expect(p.endNodes.map((e) => e.role)).toEqual([
      'box',
      'obj',
      'cls',
      'box',
      'obj',
      'cls',
      'box',
      'obj',
      'cls',
    ])
    expect(p.endNodes.map((e) => e.stride)).toEqual([8, 8, 8, 16, 16, 16, 32, 32, 32])
    expect(p.endNodes.map((e) => e.channels)).toEqual([4, 1, 80, 4, 1, 80, 4, 1, 80])
    expect(p.endNodes.slice(6).map((e) => e.name)).toEqual(['Conv_393', 'Conv_394', 'Conv_380'])
  })

  it('finds the three NanoDet GFL convs (split into cls and reg) of nanodet_m', () => {
    const p = proposeEndNodes(model(sharedFixture('models', 'nanodet_m.onnx')))
    expect(p.family).toBe('nanodet')
    expect(p.endNodes.map((e) => [e.name, e.role, e.stride, e.channels])).toEqual([
      ['Conv_292', 'box+cls', 8, 112],
      ['Conv_309', 'box+cls', 16, 112],
      ['Conv_326', 'box+cls', 32, 112],
    ])
  })

  it('finds the three YOLOv5 Detect convs (reshaped to [B, 3, 5+C, H, W])', () => {
    const p = proposeEndNodes(model(repoFixture('stages', 'yolov5_tiny.onnx')))
    expect(p.family).toBe('yolov5')
    expect(p.endNodes.map((e) => [e.name, e.stride, e.channels])).toEqual([
      ['/model.24/m.0/Conv', 8, 24],
      ['/model.24/m.1/Conv', 16, 24],
      ['/model.24/m.2/Conv', 32, 24],
    ])
  })

  it('says so when the model has no image input', () => {
    expect(() => proposeEndNodes(model(repoFixture('stages', 'no_image_input.onnx')))).toThrow(
      /no image input.*x \[1, 16\]/,
    )
  })

  it('says so when no head pattern matches', () => {
    expect(() => proposeEndNodes(model(repoFixture('stages', 'bn_unfolded.onnx')))).toThrow(
      /no known detection head.*--end-nodes/,
    )
  })
})

describe('endNodesByName', () => {
  const six = proposeEndNodes(yolov8).endNodes.map((e) => e.name)

  it('accepts node names or output tensor names that separate the graph', () => {
    const p = endNodesByName(yolov8, [...six.slice(0, 5), '/model.22/cv3.2/cv3.2.2/Conv_output_0'])
    expect(p.family).toBe('custom')
    expect(p.endNodes.map((e) => e.name)).toEqual(six)
    expect(p.endNodes.map((e) => e.role)).toEqual(['box', 'cls', 'box', 'cls', 'box', 'cls'])
  })

  it('rejects names that do not exist, quoting them', () => {
    expect(() => endNodesByName(yolov8, [...six.slice(0, 5), '/model.22/cv3.2/cv3.2.9/Conv'])).toThrow(
      /end node "\/model.22\/cv3.2\/cv3.2.9\/Conv" not found/,
    )
  })

  it('rejects a set that leaves an output reachable without an end node', () => {
    expect(() => endNodesByName(yolov8, six.slice(0, 5))).toThrow(
      /do not separate the graph: model output "output0" is still computed from input "images".*; the yolov8 proposal also cuts at "\/model\.22\/cv3\.2\/cv3\.2\.2\/Conv"$/,
    )
  })

  it('rejects an end node that feeds no output, and an empty list', () => {
    const dead = {
      ...yolov8,
      graph: {
        ...yolov8.graph,
        nodes: [
          ...yolov8.graph.nodes,
          {
            name: 'dead_relu',
            opType: 'Relu',
            domain: '',
            inputs: ['/model.4/act/Mul_output_0'],
            outputs: ['dead'],
            attributes: [],
          },
        ],
      },
    }
    expect(() => endNodesByName(dead, [...six, 'dead_relu'])).toThrow(/"dead" feed no model output/)
    expect(() => endNodesByName(yolov8, [])).toThrow(/no end nodes given/)
  })

  it('rejects names on a model with no image input', () => {
    expect(() => endNodesByName(model(repoFixture('stages', 'no_image_input.onnx')), ['matmul'])).toThrow(
      /no image input/,
    )
  })
})
