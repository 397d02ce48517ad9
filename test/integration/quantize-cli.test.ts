/** `quantscope quantize`, run in-process through runCli on yolox_nano and coco128. */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/host/cli'
import { decodeOnnxModel } from '../../src-main/core/onnx/onnx-model'
import type { QuantizedRecipe } from '../../src-main/core/quant/qdq-model'
import { InferenceSession } from '../../src-main/services/inference/inference-session'
import { readBytes, sharedFixture } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const model = sharedFixture('models', 'yolox_nano.onnx')
const json = sharedFixture('coco128', 'annotations', 'instances_train2017.json')
const images = sharedFixture('coco128', 'images', 'train2017')

describe('quantscope quantize', () => {
  const temp = tempDir()
  afterAll(() => temp.remove())

  it('--json: calibrates on a seeded COCO pick, writes a QDQ model onnxruntime opens', async () => {
    const out = join(temp.dir, 'q.onnx')
    const args = ['quantize', '--model', model, '--calib', json, '--images', images, '--calib-size', '2']
    const r = await cli(
      ...args,
      '--selection',
      'seeded',
      '--seed',
      '3',
      '--method',
      'percentile',
      '--per-tensor',
      '-o',
      out,
      '--json',
    )
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.out) as { sha256: string; preset: string; recipe: QuantizedRecipe }
    expect(summary.preset).toBe('yolox')
    expect(summary.recipe.weights).toBe('per-tensor')
    expect(summary.recipe.quantizedNodes).toHaveLength(113)
    expect(summary.recipe.calibration).toMatchObject({
      method: 'percentile 99.99',
      images: 2,
      selection: 'seeded 3',
    })
    const bytes = readBytes(out)
    expect(decodeOnnxModel(bytes).graph.nodes.some((n) => n.opType === 'QuantizeLinear')).toBe(true)
    const session = await InferenceSession.open(bytes, { intraOpThreads: 1 })
    await session.release()
    // The same seed picks the same images.
    const again = await cli(
      ...args,
      '--selection',
      'seeded',
      '--seed',
      '3',
      '-o',
      join(temp.dir, 'q2.onnx'),
      '--json',
    )
    const first = JSON.parse(again.out) as { recipe: QuantizedRecipe }
    expect(first.recipe.calibration!.imageListSha256).toBe(summary.recipe.calibration!.imageListSha256)
  }, 120_000)

  it('text output, and bad flags exit 2 with one line', async () => {
    const out = join(temp.dir, 'w4.onnx')
    const r = await cli(
      'quantize',
      '--model',
      model,
      '--calib',
      sharedFixture('coco128', 'data.yaml'),
      '--calib-size',
      '1',
      '--precision',
      'a8_w4',
      '-o',
      out,
    )
    expect(r.code).toBe(0)
    expect(r.out).toMatch(
      /quantized variant written .* 113 Conv quantized, a8_w4, per-channel weights, minmax on 1 image/,
    )
    expect(r.err).toMatch(/warning: left in float32/)
    const both = await cli(
      'quantize',
      '--model',
      model,
      '--calib',
      json,
      '--per-channel',
      '--per-tensor',
      '-o',
      out,
    )
    expect(both.code).toBe(2)
    expect(both.err).toMatch(/exclude each other/)
    const zero = await cli('quantize', '--model', model, '--calib', json, '--calib-size', '0', '-o', out)
    expect(zero.code).toBe(2)
    const self = await cli('quantize', '--model', model, '--calib', json, '-o', model)
    expect(self.code).toBe(2)
    expect(self.err).toMatch(/is the input model/)
  }, 120_000)
})
