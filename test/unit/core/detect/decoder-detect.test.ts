/**
 * Decoder auto-detection from output names/shapes and metadata: the two fixture models (shapes read with
 * the app's ONNX reader), the Ultralytics layouts by their published shapes, and the error for a layout
 * no decoder fits.
 */
import { describe, expect, it } from 'vitest'
import {
  classCountOf,
  DECODER_NAMES,
  decoderFor,
  detectDecoder,
  detectDecoderName,
  parseDecoderName,
  type OutputShape,
} from '../../../../src-main/core/detect/decoder-detect'
import type { DecodeContext } from '../../../../src-main/core/detect/detection-types'
import { DecodeError, InvalidArgumentError } from '../../../../src-main/core/errors'
import { openModelBytes } from '../../../../src-main/core/formats/registry'
import { outputsOf, tensor } from '../../../helpers/detect-tensors'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'

const noSiblings = { siblingSize: () => null }
const at = (size: number): DecodeContext => ({ inputWidth: size, inputHeight: size })
const o = (name: string, ...dims: (number | string | null)[]): OutputShape => ({ name, dims })

/** Ultralytics' metadata_props as its exporter writes them (values are Python reprs). */
const ultralyticsMeta = (classes: number, task = 'detect'): Record<string, string> => ({
  author: 'Ultralytics',
  stride: '32',
  task,
  batch: '1',
  imgsz: '[640, 640]',
  names: `{${Array.from({ length: classes }, (_, i) => `${i}: 'c${i}'`).join(', ')}}`,
})

function fixtureOutputs(file: string): { outputs: OutputShape[]; metadata: Record<string, string> } {
  const summary = openModelBytes(readBytes(sharedFixture('models', file)), noSiblings, file)
  if (summary.format !== 'onnx') throw new Error(`${file} is not ONNX`)
  return {
    outputs: summary.outputs.map((t) => ({ name: t.name, dims: t.shape })),
    metadata: summary.metadata,
  }
}

describe('the fixture models', () => {
  it('yolox_nano.onnx: one [1, 3549, 85] output, no metadata → yolox', () => {
    const { outputs, metadata } = fixtureOutputs('yolox_nano.onnx')
    expect(outputs).toEqual([{ name: 'output', dims: [1, 3549, 85] }])
    expect(metadata).toEqual({})
    expect(detectDecoderName(outputs, metadata, at(416))).toBe('yolox')
  })

  it('nanodet_m.onnx: cls ×3 then reg ×3 per stride → nanodet', () => {
    const { outputs, metadata } = fixtureOutputs('nanodet_m.onnx')
    expect(outputs).toEqual([
      { name: '792', dims: [1, 2704, 80] },
      { name: '814', dims: [1, 676, 80] },
      { name: '836', dims: [1, 169, 80] },
      { name: '795', dims: [1, 2704, 32] },
      { name: '817', dims: [1, 676, 32] },
      { name: '839', dims: [1, 169, 32] },
    ])
    expect(detectDecoder(outputs, metadata, at(416))).toMatchObject({ name: 'nanodet' })
  })

  it('the detected decoders decode outputs of those shapes', () => {
    for (const file of ['yolox_nano.onnx', 'nanodet_m.onnx']) {
      const { outputs, metadata } = fixtureOutputs(file)
      const name = detectDecoderName(outputs, metadata, at(416))
      const zeros = outputsOf(
        ...outputs.map((x) => {
          const dims = x.dims as number[]
          return tensor(x.name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)))
        }),
      )
      const c = decoderFor(name)(zeros, at(416))
      expect(c).toMatchObject({ count: 3549, numClasses: 80 })
    }
  })
})

describe('published layouts', () => {
  it.each([
    ['YOLOv8/11 detect', [o('output0', 1, 84, 8400)], ultralyticsMeta(80), 640, 'yolov8', 80],
    ['YOLOv8 with a symbolic batch', [o('output0', 'batch', 84, 8400)], {}, 640, 'yolov8', undefined],
    ['YOLOv8 P6', [o('output0', 1, 84, 8500)], {}, 640, 'yolov8', undefined],
    ['YOLOv8 transposed + metadata', [o('output0', 1, 8400, 84)], ultralyticsMeta(80), 640, 'yolov8', 80],
    ['YOLOv8 custom 3 classes', [o('output0', 1, 7, 8400)], ultralyticsMeta(3), 640, 'yolov8', 3],
    [
      'YOLOv8-seg (boxes in output0)',
      [o('output0', 1, 116, 8400), o('output1', 1, 32, 160, 160)],
      ultralyticsMeta(80, 'segment'),
      640,
      'yolov8',
      80,
    ],
    ['YOLOv5', [o('output0', 1, 25200, 85)], { stride: '32', names: "{0: 'person'}" }, 640, 'yolov5', 1],
    [
      'YOLOv5 old export + raw maps',
      [o('output', 1, 25200, 85), o('a', 1, 3, 80, 80, 85)],
      {},
      640,
      'yolov5',
      undefined,
    ],
    ['YOLOv10 end2end', [o('output0', 1, 300, 6)], ultralyticsMeta(80), 640, 'e2e', 80],
    ['ONNX-NMS', [o('output', 'num', 7)], {}, 640, 'e2e', undefined],
    ['YOLOX 640', [o('output', 1, 8400, 85)], {}, 640, 'yolox', undefined],
    ['NanoDet concatenated', [o('cls', 1, 3549, 80), o('reg', 1, 3549, 32)], {}, 416, 'nanodet', undefined],
    ['NanoDet-Plus single', [o('output', 1, 3598, 112)], {}, 416, 'nanodet', undefined],
    [
      'YOLOv8 parsed (six end convs)',
      [
        o('/model.22/cv2.0/cv2.0.2/Conv_output_0', 1, 64, 80, 80),
        o('/model.22/cv3.0/cv3.0.2/Conv_output_0', 1, 80, 80, 80),
        o('/model.22/cv2.1/cv2.1.2/Conv_output_0', 1, 64, 40, 40),
        o('/model.22/cv3.1/cv3.1.2/Conv_output_0', 1, 80, 40, 40),
        o('/model.22/cv2.2/cv2.2.2/Conv_output_0', 1, 64, 20, 20),
        o('/model.22/cv3.2/cv3.2.2/Conv_output_0', 1, 80, 20, 20),
      ],
      {},
      640,
      'raw-v8',
      undefined,
    ],
    [
      'YOLOv5 parsed (three Detect convs)',
      [o('a', 1, 255, 80, 80), o('b', 1, 255, 40, 40), o('c', 1, 255, 20, 20)],
      {},
      640,
      'raw-v5',
      undefined,
    ],
    [
      'YOLOv8 parsed, concatenated per level',
      [o('a', 1, 144, 80, 80), o('b', 1, 144, 40, 40), o('c', 1, 144, 20, 20)],
      ultralyticsMeta(80),
      640,
      'raw-v8',
      80,
    ],
    [
      'YOLOv5 parsed, 5-D',
      [o('a', 1, 3, 80, 80, 85), o('b', 1, 3, 40, 40, 85), o('c', 1, 3, 20, 20, 85)],
      {},
      640,
      'raw-v5',
      undefined,
    ],
  ] as const)('%s', (_label, outputs, metadata, size, name, numClasses) => {
    const guess = detectDecoder(outputs, metadata, at(size))
    expect(guess.name).toBe(name)
    expect(guess.numClasses).toBe(numClasses)
    expect(guess.reason.length).toBeGreaterThan(10)
  })

  it('the class count decides among the row-major layouts sharing [1, N, K]', () => {
    const outputs = [o('output', 1, 3549, 85)]
    expect(detectDecoderName(outputs, {}, { ...at(416), numClasses: 80 })).toBe('yolox')
    expect(detectDecoderName(outputs, {}, { ...at(416), numClasses: 81 })).toBe('yolov8')
    expect(detectDecoderName(outputs, {}, { ...at(416), numClasses: 53 })).toBe('nanodet')
  })
})

describe('output values (a warm-up run) settle the row-major [1, N, K] cases', () => {
  const rows = 21 // a 32² input at strides 8/16/32
  const shape = (k: number) => [o('output', 1, rows, k)]
  const run = (k: number, value: (row: number, col: number) => number) =>
    outputsOf(
      tensor(
        'output',
        [1, rows, k],
        Array.from({ length: rows * k }, (_, i) => value(Math.floor(i / k), i % k)),
      ),
    )

  it('classes first as probabilities and 32 regression logits after them → nanodet', () => {
    const values = run(34, (_, col) => (col < 2 ? 0.3 : -1.5))
    expect(detectDecoderName(shape(34), {}, at(32), values)).toBe('nanodet')
  })

  it('YOLOX on a grey picture, every value within [0, 1], stays yolox (its last columns are probabilities)', () => {
    const values = run(37, (_, col) => (col < 4 ? 0.5 : 0.01))
    expect(detectDecoderName(shape(37), {}, at(32), values)).toBe('yolox')
  })

  it('YOLOX with its decode inside (pixels in the first column) → yolov5', () => {
    const values = run(37, (row, col) => (col === 0 ? row * 1.5 : 0.1))
    expect(detectDecoderName(shape(37), {}, at(32), values)).toBe('yolov5')
  })
})

describe('errors', () => {
  it('lists the outputs and the --decoder choices for an unknown layout', () => {
    const outputs = [o('scores', 1, 1000), o('boxes', 1, 1000, 4)]
    const err = (() => {
      try {
        detectDecoder(outputs, {}, at(640))
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(DecodeError)
    expect((err as DecodeError).code).toBe('UNSUPPORTED_FORMAT')
    const message = (err as Error).message
    expect(message).toContain('"scores" [1,1000], "boxes" [1,1000,4]')
    for (const name of DECODER_NAMES) expect(message).toContain(`${name} (`)
    expect(message).toContain('Pass --decoder')
  })

  it('says when a rank-3 output fits no grid of the input size', () => {
    expect(() => detectDecoder([o('output', 1, 1234, 85)], {}, at(640))).toThrow(
      /\[1, 1234, 85\] matches no grid of a 640×640 input \(anchor counts 8400, 8500\)/,
    )
  })

  it('says when a shape is not fixed', () => {
    expect(() => detectDecoder([o('output', 1, 'n', 85)], {}, at(640))).toThrow(/"output" has no fixed shape/)
    expect(() => detectDecoder([{ name: 'x', dims: null }], {}, at(640))).toThrow(
      /"x" \[?unknown shape|no fixed shape/,
    )
  })

  it('parseDecoderName accepts the names and rejects others with the choices', () => {
    for (const name of DECODER_NAMES) expect(parseDecoderName(name)).toBe(name)
    expect(parseDecoderName(' YOLOv8 ')).toBe('yolov8')
    expect(() => parseDecoderName('yolov9')).toThrow(InvalidArgumentError)
    expect(() => parseDecoderName('yolov9')).toThrow(
      /unknown decoder "yolov9"; choose one of yolov5, yolov8, yolox, nanodet, e2e, raw-v5, raw-v8/,
    )
  })
})

describe('classCountOf (metadata names)', () => {
  it.each([
    ["{0: 'person', 1: 'bicycle', 2: 'car'}", 3],
    ['{"0": "person", "1": "bicycle"}', 2],
    ["['a', 'b, c', \"d\"]", 3],
    ["{0: 'a: b, 1: c'}", 1],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (names, count) => {
    expect(classCountOf(names)).toBe(count)
  })
})
