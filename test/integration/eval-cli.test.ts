/**
 * `quantscope eval` as a user runs it: the built bin (npm test builds first), coco128, yolox_nano.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot, yoloxNano } from '../helpers/bad-files'
import { sharedFixture } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'

const bin = join(repoRoot, 'bin', 'quantscope.mjs')
const data = sharedFixture('coco128', 'annotations', 'instances_train2017.json')
const images = sharedFixture('coco128', 'images', 'train2017')

function quantscope(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('quantscope eval', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())

  it('--json on coco128 with yolox_nano: metrics, speed, protocol; --save-dets re-scores to the same AP', () => {
    const dets = join(temp.dir, 'dets.json')
    const r = quantscope(
      'eval',
      '--model',
      yoloxNano,
      '--data',
      data,
      '--images',
      images,
      '--json',
      '--save-dets',
      dets,
      '--workspace',
      join(temp.dir, 'ws'),
    )
    expect(r.stderr).toBe('') // no progress bar when stderr is not a terminal, no onnxruntime warnings
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      metrics: { stats: number[]; perClass: { categoryId: number }[]; ultralytics: { map50_95: number } }
      speed: { preprocess: number; inference: number; postprocess: number }
      images: number
      errors: unknown[]
      protocol: { preprocess: { resize: string; colorOrder: string }; decode: { decoder: string } }
      protocolHash: string
    }
    expect(out.images).toBe(128)
    expect(out.errors).toEqual([])
    expect(out.metrics.stats).toHaveLength(12)
    expect(out.metrics.stats[0]).toBeGreaterThan(0.25)
    expect(out.metrics.perClass).toHaveLength(80)
    expect(out.metrics.ultralytics.map50_95).toBeGreaterThan(0.25)
    expect(Object.keys(out.speed)).toEqual(['preprocess', 'inference', 'postprocess'])
    expect(out.protocol.preprocess).toMatchObject({ resize: 'letterbox-topleft', colorOrder: 'bgr' })
    expect(out.protocol.decode.decoder).toBe('yolox')

    expect(readFileSync(dets, 'utf8').startsWith('[\n{"image_id":')).toBe(true)
    const m = quantscope('metrics', '--gt', data, '--dt', dets, '--json')
    expect(m.code).toBe(0)
    expect((JSON.parse(m.stdout) as { stats: number[] }).stats).toEqual(out.metrics.stats)

    // The run is stored, completed, with the same numbers and its protocol.
    const list = quantscope('runs', 'list', '--workspace', join(temp.dir, 'ws'), '--json')
    expect(list.code, list.stderr).toBe(0)
    const runs = JSON.parse(list.stdout) as {
      status: string
      stage: string
      map50_95: number
      protocolHash: string
    }[]
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ status: 'completed', stage: 'original', protocolHash: out.protocolHash })
    expect(runs[0]!.map50_95).toBe(out.metrics.stats[0])
  }, 120_000)

  it('prints the metrics table, the protocol and a yolo-val-style speed line', () => {
    const r = quantscope(
      'eval',
      '--model',
      yoloxNano,
      '--data',
      data,
      '--images',
      images,
      '--limit',
      '8',
      '--no-store',
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^protocol {2}416×416 letterbox-topleft pad 114 \(opencv-linear\), BGR \[0,255\]/m,
    )
    expect(r.stdout).toMatch(/^ {19}all +\d+ +0\.\d{3} +0\.\d{3}/m)
    expect(r.stdout).toMatch(
      /Average Precision {2}\(AP\) @\[ IoU=0\.50:0\.95 \| area= {3}all \| maxDets=100 \] = 0\.\d{3}/,
    )
    expect(r.stdout).toMatch(
      /^Speed: [\d.]+ms preprocess, [\d.]+ms inference, [\d.]+ms postprocess per image/m,
    )
    expect(r.stdout).toMatch(/images {4}8 scored of 8/)
  }, 60_000)

  it.each([
    [['--imgsz', '640'], /fixed at 416×416 .*--imgsz asks for 640×640/],
    [['--images', join(repoRoot, 'no-such-folder')], /does not exist/],
    [['--pixel-range', '3'], /pixel-range/],
    [['--mean', '1,2'], /three numbers/],
    [['--stretch', '--letterbox'], /choose one resize/],
    [['--decoder', 'yolo99'], /unknown decoder "yolo99"/],
  ])('bad input %j: one line on stderr, exit 2', (args, message) => {
    const r = quantscope(
      'eval',
      '--model',
      yoloxNano,
      '--data',
      data,
      '--images',
      images,
      '--no-store',
      ...args,
    )
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2) // commander adds a usage hint line
  })

  it('--help names the workspace the run is stored in', () => {
    const r = quantscope('eval', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/--workspace <dir>[\s\S]*--no-store/)
    expect(r.stdout).toMatch(/--resize-kernel/)
  })
})
