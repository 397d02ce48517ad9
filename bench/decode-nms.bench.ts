/**
 * Decode + NMS per image on synthetic outputs shaped and distributed like real ones: YOLOv8 at 640
 * ([1, 84, 8400]) and YOLOX at 416 ([1, 3549, 85]), Ultralytics val NMS (conf 0.001, IoU 0.7, max_det 300,
 * multi-label). Class logits ~ N(−10, 1.5) put ≈ 2 % of (anchor, class) pairs above 0.001 (≈ 13 k pairs,
 * what a COCO image gives a small YOLOv8), plus 25 objects, each a cluster of anchors with high scores.
 * Prints figures; never fails on time. Run: npm run bench
 */
import { describe, test } from 'vitest'
import { decodeYolov8 } from '../src-main/core/detect/decoders/yolov8'
import { decodeYolox } from '../src-main/core/detect/decoders/yolox'
import type { DecodeContext, ModelOutputs } from '../src-main/core/detect/detection-types'
import { candidateFloor, NMS_PROFILES, runNms } from '../src-main/core/detect/nms'

function random(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed
  const uniform = () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform())
  return { uniform, normal }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

/** Anchor centres of strides 8/16/32 for a square input, in Ultralytics/YOLOX order. */
function anchors(size: number): { x: number; y: number; s: number }[] {
  const out = []
  for (const s of [8, 16, 32]) {
    for (let y = 0; y < size / s; y++)
      for (let x = 0; x < size / s; x++) out.push({ x: (x + 0.5) * s, y: (y + 0.5) * s, s })
  }
  return out
}

/** 25 objects: centre, size, class; anchors within half an object of its centre score high for its class. */
function objects(size: number, rnd: ReturnType<typeof random>) {
  return Array.from({ length: 25 }, () => ({
    x: rnd.uniform() * size,
    y: rnd.uniform() * size,
    w: 20 + rnd.uniform() * size * 0.4,
    h: 20 + rnd.uniform() * size * 0.4,
    cls: Math.floor(rnd.uniform() * 80),
  }))
}

function yolov8Output(): ModelOutputs {
  const rnd = random(8)
  const a = anchors(640)
  const n = a.length
  const data = new Float32Array(84 * n)
  const objs = objects(640, rnd)
  for (let i = 0; i < n; i++) {
    const p = a[i]!
    data[i] = p.x + rnd.normal() * p.s
    data[n + i] = p.y + rnd.normal() * p.s
    data[2 * n + i] = p.s * (2 + 4 * rnd.uniform())
    data[3 * n + i] = p.s * (2 + 4 * rnd.uniform())
    for (let c = 0; c < 80; c++) data[(4 + c) * n + i] = sigmoid(-10 + 1.5 * rnd.normal())
    for (const o of objs) {
      if (Math.abs(p.x - o.x) < o.w / 4 && Math.abs(p.y - o.y) < o.h / 4) {
        data[i] = o.x + rnd.normal() * 3
        data[n + i] = o.y + rnd.normal() * 3
        data[2 * n + i] = o.w * (1 + 0.1 * rnd.normal())
        data[3 * n + i] = o.h * (1 + 0.1 * rnd.normal())
        data[(4 + o.cls) * n + i] = sigmoid(2 + rnd.normal())
      }
    }
  }
  return new Map([['output0', { name: 'output0', dims: [1, 84, n], data }]])
}

function yoloxOutput(): ModelOutputs {
  const rnd = random(10)
  const a = anchors(416)
  const n = a.length
  const data = new Float32Array(85 * n)
  const objs = objects(416, rnd)
  for (let i = 0; i < n; i++) {
    const p = a[i]!
    const o = i * 85
    data[o] = 0.5 + rnd.normal() * 0.3
    data[o + 1] = 0.5 + rnd.normal() * 0.3
    data[o + 2] = Math.log(2 + 4 * rnd.uniform())
    data[o + 3] = Math.log(2 + 4 * rnd.uniform())
    data[o + 4] = sigmoid(-6 + 2 * rnd.normal())
    for (let c = 0; c < 80; c++) data[o + 5 + c] = sigmoid(-3 + 1.5 * rnd.normal())
    for (const obj of objs) {
      if (Math.abs(p.x - obj.x) < obj.w / 4 && Math.abs(p.y - obj.y) < obj.h / 4) {
        data[o + 2] = Math.log(obj.w / p.s)
        data[o + 3] = Math.log(obj.h / p.s)
        data[o + 4] = sigmoid(3 + rnd.normal())
        data[o + 5 + obj.cls] = sigmoid(2 + rnd.normal())
      }
    }
  }
  return new Map([['output', { name: 'output', dims: [1, n, 85], data }]])
}

const nms = NMS_PROFILES.ultralytics

describe('decode + NMS, one image (Ultralytics val NMS)', () => {
  test('YOLOv8 640: [1, 84, 8400]', async ({ bench }) => {
    const out = yolov8Output()
    const ctx: DecodeContext = { inputWidth: 640, inputHeight: 640, minScore: candidateFloor(nms) }
    const c = decodeYolov8(out, ctx)
    const d = runNms(c, nms)
    console.log(`yolov8: ${c.count} rows ≥ conf of 8400, ${d.count} detections`)
    await bench('yolov8 decode (minScore)', () => void decodeYolov8(out, ctx)).run()
    await bench('yolov8 NMS', () => void runNms(c, nms)).run()
    await bench('yolov8 decode + NMS', () => void runNms(decodeYolov8(out, ctx), nms)).run()
    await bench(
      'yolov8 decode (all rows) + NMS',
      () => void runNms(decodeYolov8(out, { inputWidth: 640, inputHeight: 640 }), nms),
    ).run()
  })

  test('YOLOX 416: [1, 3549, 85]', async ({ bench }) => {
    const out = yoloxOutput()
    const ctx: DecodeContext = { inputWidth: 416, inputHeight: 416, minScore: candidateFloor(nms) }
    const c = decodeYolox(out, ctx)
    const d = runNms(c, nms)
    console.log(`yolox: ${c.count} rows ≥ conf of 3549, ${d.count} detections`)
    await bench('yolox decode + NMS', () => void runNms(decodeYolox(out, ctx), nms)).run()
  })

  test('hailo profile on the YOLOv8 output', async ({ bench }) => {
    const out = yolov8Output()
    const hailo = { ...NMS_PROFILES.hailo, confThreshold: 0.001 }
    const ctx: DecodeContext = { inputWidth: 640, inputHeight: 640, minScore: candidateFloor(hailo) }
    console.log(`hailo (conf 0.001, 100/class): ${runNms(decodeYolov8(out, ctx), hailo).count} detections`)
    await bench(
      'yolov8 decode + hailo NMS at conf 0.001',
      () => void runNms(decodeYolov8(out, ctx), hailo),
    ).run()
  })
})
