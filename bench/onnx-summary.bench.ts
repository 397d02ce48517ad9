/**
 * How long opening a model takes (decode + shape inference + MACs + summary), on the real fixtures and on
 * a synthetic 200 MB model (21 large convolutions), the size users open. Prints figures; never fails on time.
 * Run: npm run bench
 */
import { readFileSync } from 'node:fs'
import { describe, test } from 'vitest'
import { openModelBytes } from '../src-main/core/formats/registry'
import { encodeModel, valueInfo } from '../test/helpers/onnx-builder'
import { sharedFixture } from '../test/helpers/fixtures'

const noSiblings = { siblingSize: () => null }
const yolox = new Uint8Array(readFileSync(sharedFixture('models', 'yolox_nano.onnx')))
const nanodet = new Uint8Array(readFileSync(sharedFixture('models', 'nanodet_m.onnx')))

/** 21 Conv layers 512→512 3×3 with float32 raw weights: ≈ 198 MB. */
function largeModel(): Uint8Array {
  const channels = 512
  const nodes = []
  const initializers = []
  for (let i = 0; i < 21; i++) {
    const w = `w${i}`
    initializers.push({
      name: w,
      dims: [channels, channels, 3, 3],
      dataType: 1,
      rawData: new Uint8Array(channels * channels * 9 * 4),
    })
    nodes.push({
      name: `conv${i}`,
      opType: 'Conv',
      input: [i === 0 ? 'x' : `y${i - 1}`, w],
      output: [`y${i}`],
      attribute: [{ name: 'pads', ints: [1, 1, 1, 1], type: 7 }],
    })
  }
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'large',
      node: nodes,
      initializer: initializers,
      input: [valueInfo('x', [1, channels, 40, 40])],
      output: [valueInfo('y20', null)],
    },
  })
}
const large = largeModel()
console.log(`synthetic model: ${(large.byteLength / 1e6).toFixed(1)} MB`)

// Vitest 5: `bench` is a test-context fixture; each `.run()` prints its ops/s and latency row.
describe('open a model (bytes already in memory)', () => {
  test('yolox_nano.onnx (3.5 MB)', async ({ bench }) => {
    await bench('yolox_nano', () => void openModelBytes(yolox, noSiblings, 'yolox_nano.onnx')).run()
  })
  test('nanodet_m.onnx (3.8 MB)', async ({ bench }) => {
    await bench('nanodet_m', () => void openModelBytes(nanodet, noSiblings, 'nanodet_m.onnx')).run()
  })
  test('synthetic 21×Conv512 (≈198 MB)', async ({ bench }) => {
    const before = process.memoryUsage().heapUsed
    await bench('synthetic 198 MB', () => void openModelBytes(large, noSiblings, 'large.onnx')).run({
      iterations: 10,
    })
    const grew = (process.memoryUsage().heapUsed - before) / 1e6
    console.log(`heap after 10 opens of the 198 MB model: ${grew >= 0 ? '+' : ''}${grew.toFixed(1)} MB`)
  })
})
