/** `quantscope metrics` as a user runs it, against pycocotools' golden numbers. */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot, sharedFixture } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'

const bin = join(repoRoot, 'bin', 'quantscope.mjs')
function quantscope(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const golden = (name: string, file: string): string => sharedFixture('golden', name, file)

describe('quantscope metrics', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())

  it.each(['synthetic-11', 'synthetic-12', 'coco128-jitter-21'])(
    '--json prints pycocotools’ stats on %s',
    (name) => {
      const r = quantscope(
        'metrics',
        '--gt',
        golden(name, 'gt.json'),
        '--dt',
        golden(name, 'dets.json'),
        '--json',
      )
      expect(r.code, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout) as { stats: number[]; perClass: { categoryId: number; ap: number }[] }
      const expected = JSON.parse(readFileSync(golden(name, 'expected.json'), 'utf8')) as {
        stats: number[]
        per_class_ap: Record<string, number>
      }
      expect(out.stats).toHaveLength(12)
      out.stats.forEach((v, i) => expect(Math.abs(v - expected.stats[i]!)).toBeLessThanOrEqual(1e-9))
      for (const [id, ap] of Object.entries(expected.per_class_ap)) {
        const row = out.perClass.find((c) => c.categoryId === Number(id))!
        expect(Math.abs(row.ap - ap)).toBeLessThanOrEqual(1e-9)
      }
    },
  )

  it('prints pycocotools’ summary lines and, for the ultralytics flavor, a yolo-val table', () => {
    const coco = quantscope(
      'metrics',
      '--gt',
      golden('synthetic-11', 'gt.json'),
      '--dt',
      golden('synthetic-11', 'dets.json'),
    )
    expect(coco.stdout).toContain(
      ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.146',
    )
    const ultra = quantscope(
      'metrics',
      '--gt',
      golden('synthetic-11', 'gt.json'),
      '--dt',
      golden('synthetic-11', 'dets.json'),
      '--flavor',
      'ultralytics',
      '--conf',
      '0.4',
      '--iou',
      '0.8',
      '--json',
    )
    expect(ultra.code, ultra.stderr).toBe(0)
    const out = JSON.parse(ultra.stdout) as Record<string, unknown>
    for (const key of ['precision', 'recall', 'map50', 'map50_95', 'confusion'])
      expect(out).toHaveProperty(key)
  })

  it('counts and reports detections it cannot score instead of dropping them silently', () => {
    const dets = JSON.parse(readFileSync(golden('synthetic-11', 'dets.json'), 'utf8')) as object[]
    const file = join(temp.dir, 'extra.json')
    writeFileSync(
      file,
      JSON.stringify([...dets, { image_id: 99999999, category_id: 1, bbox: [1, 1, 5, 5], score: 0.5 }]),
    )
    const r = quantscope('metrics', '--gt', golden('synthetic-11', 'gt.json'), '--dt', file, '--json')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(
      /warning: 1 of \d+ detections are for images the dataset does not have \(image_id 99999999\)/,
    )
    expect((JSON.parse(r.stdout) as { counts: { unknownImage: number } }).counts.unknownImage).toBe(1)
  })

  it.each([
    ['malformed JSON', '[{"image_id": 1,', /line 1 column/],
    ['missing keys', '[{"image_id": 1000, "bbox": [1,2,3,4], "score": 0.5}]', /category_id/],
    [
      'non-numeric score',
      '[{"image_id": 1000, "category_id": 1, "bbox": [1,2,3,4], "score": "high"}]',
      /score/,
    ],
  ])('%s in the detections: one line, exit 2', (_label, text, message) => {
    const file = join(temp.dir, 'bad.json')
    writeFileSync(file, text)
    const r = quantscope('metrics', '--gt', golden('synthetic-11', 'gt.json'), '--dt', file)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('asks for --conf and --iou together', () => {
    const r = quantscope(
      'metrics',
      '--gt',
      golden('synthetic-11', 'gt.json'),
      '--dt',
      golden('synthetic-11', 'dets.json'),
      '--conf',
      '0.4',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--conf and --iou go together/)
  })
})
