/** `quantscope end-nodes` and `quantscope build-stage`, run in-process through runCli. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src-main/host/cli'
import { decodeOnnxModel } from '../../../src-main/core/onnx/onnx-model'
import { repoFixture, sharedFixture } from '../../helpers/fixtures'
import { tempDir } from '../../helpers/temp'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const v8 = repoFixture('stages', 'yolov8_tiny.onnx')

describe('quantscope end-nodes / build-stage', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())

  it('end-nodes prints the proposal, as text and as JSON', async () => {
    const text = await cli('end-nodes', v8)
    expect(text.code).toBe(0)
    expect(text.out).toMatch(/family {2}yolov8/)
    expect(text.out).toMatch(/\/model\.22\/cv2\.0\/cv2\.0\.2\/Conv {2}\(box, stride 8, 64 ch\)/)
    const json = await cli('end-nodes', sharedFixture('models', 'nanodet_m.onnx'), '--json')
    expect(json.code).toBe(0)
    const p = JSON.parse(json.out) as { family: string; endNodes: { name: string }[] }
    expect(p.family).toBe('nanodet')
    expect(p.endNodes.map((e) => e.name)).toEqual(['Conv_292', 'Conv_309', 'Conv_326'])
  })

  it('build-stage writes a parsed variant with the proposal or the given end nodes', async () => {
    const out = join(temp.dir, 'parsed.onnx')
    const r = await cli('build-stage', '--model', v8, '--stage', 'parsed', '-o', out, '--json')
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.out) as { sha256: string; recipe: { endNodes: unknown[]; source: string } }
    expect(summary.recipe.endNodes).toHaveLength(6)
    expect(summary.recipe.source).toBe('proposed')
    expect(decodeOnnxModel(new Uint8Array(readFileSync(out))).graph.outputs).toHaveLength(6)

    const names = [
      '/model.22/cv2.0/cv2.0.2/Conv',
      '/model.22/cv3.0/cv3.0.2/Conv',
      '/model.22/cv2.1/cv2.1.2/Conv',
      '/model.22/cv3.1/cv3.1.2/Conv',
      '/model.22/cv2.2/cv2.2.2/Conv',
      '/model.22/cv3.2/cv3.2.2/Conv',
    ]
    const user = await cli(
      'build-stage',
      '--model',
      v8,
      '--stage',
      'parsed',
      '--end-nodes',
      names.join(','),
      '-o',
      out,
    )
    expect(user.code).toBe(0)
    expect(user.out).toMatch(/^parsed variant written to .*parsed\.onnx \(\d+ bytes, sha256 [0-9a-f]{64}\)$/)
  })

  it('build-stage writes an fp_optimized variant', async () => {
    const out = join(temp.dir, 'fp.onnx')
    const r = await cli(
      'build-stage',
      '--model',
      repoFixture('stages', 'bn_unfolded.onnx'),
      '--stage',
      'fp_optimized',
      '-o',
      out,
      '--json',
    )
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(
      (JSON.parse(r.out) as { recipe: { foldedBatchNorms: string[] } }).recipe.foldedBatchNorms,
    ).toHaveLength(6)
  })

  it('bad input: one line on stderr, exit 2', async () => {
    const out = join(temp.dir, 'bad.onnx')
    const cases = [
      [
        ['build-stage', '--model', v8, '--stage', 'parsed', '--end-nodes', 'nope', '-o', out],
        /end node "nope" not found/,
      ],
      [
        [
          'build-stage',
          '--model',
          v8,
          '--stage',
          'parsed',
          '--end-nodes',
          '/model.22/cv2.0/cv2.0.2/Conv',
          '-o',
          out,
        ],
        /do not separate the graph/,
      ],
      [['end-nodes', repoFixture('stages', 'no_image_input.onnx')], /no image input/],
      [['end-nodes', join(temp.dir, 'missing.onnx')], /missing\.onnx/],
      [['build-stage', '--model', v8, '--stage', 'quantized', '-o', out], /quantized/],
      [
        ['build-stage', '--model', v8, '--stage', 'fp_optimized', '--end-nodes', 'a', '-o', out],
        /--end-nodes applies to --stage parsed only/,
      ],
    ] as const
    for (const [argv, message] of cases) {
      const r = await cli(...argv)
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.err).toMatch(message)
      expect(
        r.err.split('\n').filter((l) => l.startsWith('quantscope:') || l.startsWith('error:')),
      ).toHaveLength(1)
      expect(r.out).toBe('')
    }
  })
})
