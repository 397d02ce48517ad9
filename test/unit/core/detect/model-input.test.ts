/** Which model inputs an evaluation can feed, and the messages for those it cannot. */
import { describe, expect, it } from 'vitest'
import { resolveModelInput } from '../../../../src-main/core/detect/model-input'
import type { TensorInfo } from '../../../../src-main/shared/model-summary'

const t = (shape: TensorInfo['shape'], elemType = 'float32', name = 'images'): TensorInfo => ({
  name,
  elemType,
  shape,
})

describe('resolveModelInput', () => {
  it('NCHW and NHWC, fixed sizes', () => {
    expect(resolveModelInput([t([1, 3, 416, 320])])).toEqual({
      name: 'images',
      width: 320,
      height: 416,
      layout: 'nchw',
      dtype: 'float32',
      fixedSize: true,
    })
    expect(resolveModelInput([t([1, 300, 400, 3], 'uint8')])).toMatchObject({
      width: 400,
      height: 300,
      layout: 'nhwc',
      dtype: 'uint8',
    })
    expect(resolveModelInput([t([1, 3, 416, 416])], { imgsz: 416 }).width).toBe(416)
  })

  it('dynamic sizes take imgsz, else the Ultralytics metadata, else 640', () => {
    const dyn = [t(['batch', 3, 'height', 'width'])]
    expect(resolveModelInput(dyn)).toMatchObject({ width: 640, height: 640, fixedSize: false })
    expect(resolveModelInput(dyn, { metadata: { imgsz: '[480, 736]' } })).toMatchObject({
      width: 736,
      height: 480,
    })
    expect(resolveModelInput(dyn, { imgsz: [320, 512] })).toMatchObject({ width: 512, height: 320 })
  })

  it.each([
    [[], {}, /has no inputs/],
    [[t([1, 3, 8, 8]), t([1], 'float32', 'scale')], {}, /has 2 inputs \(images, scale\)/],
    [[t([1, 3, 8, 8], 'int64')], {}, /is int64/],
    [[t([1, 3])], {}, /has shape \[1, 3\]/],
    [[t(null)], {}, /no declared shape/],
    [[t([1, 4, 8, 8])], {}, /no axis of 3 colour channels/],
    [[t([8, 3, 64, 64])], {}, /fixed batch of 8/],
    [[t([1, 3, 416, 416])], { imgsz: 640 }, /fixed at 416×416 \(w×h\) but --imgsz asks for 640×640/],
  ] as const)('refuses %j', (inputs, options, message) => {
    expect(() =>
      resolveModelInput(inputs as readonly TensorInfo[], { ...options, modelName: 'm.onnx' }),
    ).toThrow(message)
  })
})
