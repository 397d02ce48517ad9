/** The protocol: presets, the user's choices, validation, and a canonical text whose hash is stable. */
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../../../src-main/core/errors'
import {
  canonicalJson,
  canonicalProtocolJson,
  describeProtocol,
  makeProtocol,
  protocolHash,
  resolveNms,
} from '../../../../src-main/core/detect/protocol'
import { NMS_PROFILES } from '../../../../src-main/core/detect/nms'

const input = { width: 640, height: 640, layout: 'nchw' as const, dtype: 'float32' as const }

describe('makeProtocol', () => {
  it('defaults to Ultralytics for Ultralytics heads, and the family contract for YOLOX and NanoDet', () => {
    expect(makeProtocol(input, 'yolov8').preprocess).toEqual({
      width: 640,
      height: 640,
      resize: 'letterbox',
      pad: 114,
      kernel: 'opencv-linear',
      colorOrder: 'rgb',
      pixelRange: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      layout: 'nchw',
      dtype: 'float32',
    })
    expect(makeProtocol(input, 'yolox').preprocess).toMatchObject({
      resize: 'letterbox-topleft',
      colorOrder: 'bgr',
      pixelRange: 255,
    })
    expect(makeProtocol(input, 'nanodet').preprocess).toMatchObject({
      resize: 'letterbox',
      pad: 0,
      colorOrder: 'bgr',
      mean: [103.53, 116.28, 123.675],
      std: [57.375, 57.12, 58.395],
    })
    expect(makeProtocol(input, 'yolov5').nms).toEqual({ profile: 'ultralytics', ...NMS_PROFILES.ultralytics })
  })

  it('applies choices over the preset, and NMS flags over the profile', () => {
    const p = makeProtocol(input, 'yolox', {
      preset: 'ultralytics',
      colorOrder: 'bgr',
      kernel: 'lanczos3',
      nms: { profile: 'hailo', conf: 0.05, maxDet: 100, classAgnostic: true },
    })
    expect(p.preprocess).toMatchObject({
      resize: 'letterbox',
      colorOrder: 'bgr',
      pixelRange: 1,
      kernel: 'lanczos3',
    })
    expect(p.nms).toMatchObject({
      profile: 'hailo',
      confThreshold: 0.05,
      confCompare: 'ge',
      iouThreshold: 0.7,
      maxDetections: 100,
      maxPerClass: 100,
      classAgnostic: true,
    })
    expect(resolveNms({ iou: 0.45 }).iouThreshold).toBe(0.45)
  })

  it.each([
    [{ pad: 300 }, /pad "300"/],
    [{ std: [1, 0, 1] as [number, number, number] }, /zero/],
    [{ nms: { conf: 2 } }, /conf "2"/],
    [{ nms: { maxDet: 0 } }, /max-det "0"/],
  ])('refuses %j', (choices, message) => {
    expect(() => makeProtocol(input, 'yolov8', choices)).toThrow(InvalidArgumentError)
    expect(() => makeProtocol(input, 'yolov8', choices)).toThrow(message)
  })

  it('a uint8 input takes raw pixels only', () => {
    const u8 = { ...input, dtype: 'uint8' as const }
    expect(() => makeProtocol(u8, 'yolov8')).toThrow(/uint8 input takes raw pixels/)
    expect(makeProtocol(u8, 'yolov8', { pixelRange: 255 }).preprocess.dtype).toBe('uint8')
  })
})

describe('canonical JSON and hash', () => {
  it('sorts keys at every level, drops undefined, writes −0 as 0', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: -0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":0,"z":1}]},"b":1}',
    )
  })

  it('is the same for the same protocol built in any key order, and changes with any field', async () => {
    const a = makeProtocol(input, 'yolox')
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T
    const shuffled = {
      metric: a.metric,
      nms: reversed(a.nms),
      decode: a.decode,
      preprocess: reversed(a.preprocess),
      version: a.version,
    }
    expect(canonicalProtocolJson(shuffled)).toBe(canonicalProtocolJson(a))
    const hash = await protocolHash(a)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(await protocolHash(shuffled)).toBe(hash)
    expect(await protocolHash(makeProtocol(input, 'yolox', { pad: 0 }))).not.toBe(hash)
    expect(await protocolHash(makeProtocol(input, 'yolox', { nms: { iou: 0.65 } }))).not.toBe(hash)
  })

  it('describes itself in one line', () => {
    expect(describeProtocol(makeProtocol(input, 'nanodet'))).toBe(
      '640×640 letterbox pad 0 (opencv-linear), BGR [0,255], mean 103.53/116.28/123.675 std 57.375/57.12/58.395, ' +
        'NCHW float32; decoder nanodet; NMS ultralytics conf 0.001 iou 0.7 max-det 300 multi-label top-k 30000; metric coco',
    )
  })
})
