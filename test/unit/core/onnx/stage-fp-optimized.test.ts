/**
 * The fp_optimized stage: BN folded, Identity/Constant cleaned up, ReLU/LeakyRelu pairs equalized —
 * outputs equal to the original's within float tolerance.
 */
import { describe, expect, it } from 'vitest'
import { decodeOnnxModel } from '../../../../src-main/core/onnx/onnx-model'
import { float32Values } from '../../../../src-main/core/onnx/tensor-data'
import { buildFpOptimizedStage } from '../../../../src-main/core/onnx/stage-fp-optimized'
import { readBytes, repoFixture, sharedFixture } from '../../../helpers/fixtures'
import { maxAbsDiff, maxRelDiff, runOnnx, uniform } from '../../../helpers/onnx-run'

describe('fp_optimized stage on a torch export with unfolded BatchNormalization', () => {
  const bytes = readBytes(repoFixture('stages', 'bn_unfolded.onnx'))
  const input = { name: 'images', dims: [1, 3, 64, 64], data: uniform(3 * 64 * 64, -1, 1, 5) }

  it('folds all six BNs, drops the Identity, turns the Constant into an initializer', () => {
    const before = decodeOnnxModel(bytes)
    expect(before.graph.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(6)
    const variant = buildFpOptimizedStage(bytes)
    const after = decodeOnnxModel(variant.bytes)
    const ops = after.graph.nodes.map((n) => n.opType)
    expect(ops).not.toContain('BatchNormalization')
    expect(ops).not.toContain('Identity')
    expect(after.graph.nodes.filter((n) => n.opType === 'Constant' && n.outputs[0] === 'zero')).toHaveLength(
      0,
    )
    expect(after.graph.initializers.some((t) => t.name === 'zero')).toBe(true)
    expect(variant.recipe.foldedBatchNorms).toHaveLength(6)
    expect(variant.recipe.removedIdentities).toBe(1)
    expect(variant.recipe.constantsToInitializers).toBeGreaterThanOrEqual(1)
    // ReLU (b1 → b2), LeakyRelu (b2 → depthwise b3), ReLU (b3 → b4), ReLU (b6 → out); not b4 (SiLU), b5 (ReLU6).
    expect(variant.recipe.equalizedPairs).toHaveLength(4)
    expect(variant.recipe.skippedPairs.join('\n')).toMatch(/SiLU is not positively homogeneous/)
    expect(variant.recipe.skippedPairs.join('\n')).toMatch(/Clip \(ReLU6\)/)
  })

  it('gives the original outputs within float tolerance', async () => {
    const variant = buildFpOptimizedStage(bytes)
    const [a, b] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
    const abs = maxAbsDiff(a.get('out'), b.get('out'))
    const rel = maxRelDiff(a.get('out'), b.get('out'))
    console.info(
      `bn_unfolded fp_optimized: max abs diff ${abs.toExponential(2)}, relative ${rel.toExponential(2)}`,
    )
    expect(rel).toBeLessThan(1e-5)
  })

  it('equalization balances the channel ranges of an equalized pair', () => {
    const plain = decodeOnnxModel(buildFpOptimizedStage(bytes, { equalize: false }).bytes)
    const eq = decodeOnnxModel(buildFpOptimizedStage(bytes).bytes)
    const ranges = (m: typeof plain, node: string, axis: 0 | 1) => {
      const conv = m.graph.nodes.find((n) => n.name === node)!
      const w = m.graph.initializers.find((t) => t.name === conv.inputs[1])!
      const v = float32Values(w)
      const [o = 0, i = 0] = w.dims
      const per = v.length / (o * i)
      const c = axis === 0 ? o : i
      const r = new Float64Array(c)
      for (let a = 0; a < o; a++)
        for (let b = 0; b < i; b++)
          for (let k = 0; k < per; k++) {
            const ch = axis === 0 ? a : b
            r[ch] = Math.max(r[ch]!, Math.abs(v[(a * i + b) * per + k]!))
          }
      return r
    }
    const first = eq.graph.nodes.find((n) => n.opType === 'Conv')!.name
    const second = eq.graph.nodes.filter((n) => n.opType === 'Conv')[1]!.name
    const r1 = ranges(eq, first, 0)
    const r2 = ranges(eq, second, 1)
    for (let i = 0; i < r1.length; i++) expect(r1[i]).toBeCloseTo(r2[i]!, 4)
    expect(ranges(plain, first, 0).some((v, i) => Math.abs(v - ranges(plain, second, 1)[i]!) > 1e-3)).toBe(
      true,
    )
  })
})

describe('fp_optimized stage on the YOLOv8-style export (shape arithmetic in the decode)', () => {
  it('folds the Shape subgraph on static shapes; outputs unchanged', async () => {
    const bytes = readBytes(repoFixture('stages', 'yolov8_tiny.onnx'))
    const variant = buildFpOptimizedStage(bytes)
    const before = decodeOnnxModel(bytes).graph.nodes
    const after = decodeOnnxModel(variant.bytes).graph.nodes
    expect(before.some((n) => n.opType === 'Shape')).toBe(true)
    expect(after.some((n) => n.opType === 'Shape')).toBe(false)
    expect(after.some((n) => n.opType === 'Constant')).toBe(false)
    expect(variant.recipe.foldedShapeNodes).toBeGreaterThan(0)
    expect(after.length).toBeLessThan(before.length)
    // SiLU everywhere: nothing to equalize, every pair is reported as skipped.
    expect(variant.recipe.equalizedPairs).toEqual([])
    const input = { name: 'images', dims: [1, 3, 64, 64], data: uniform(3 * 64 * 64, 0, 1, 4) }
    const [a, b] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
    const rel = maxRelDiff(a.get('output0'), b.get('output0'))
    console.info(
      `yolov8_tiny fp_optimized: ${before.length} → ${after.length} nodes, ${variant.recipe.foldedShapeNodes} ` +
        `shape nodes folded; max abs diff ${maxAbsDiff(a.get('output0'), b.get('output0')).toExponential(2)}`,
    )
    expect(rel).toBeLessThan(1e-6)
  })
})

describe('fp_optimized stage on the fixture detectors', () => {
  const cases = [
    { file: sharedFixture('models', 'yolox_nano.onnx'), input: 'images', lo: 0, hi: 255 },
    { file: sharedFixture('models', 'nanodet_m.onnx'), input: 'input.1', lo: -2, hi: 2 },
  ]
  for (const c of cases) {
    const name = c.file.split('/').pop()!
    it(`${name}: outputs equal the original's within float tolerance`, async () => {
      const bytes = readBytes(c.file)
      const variant = buildFpOptimizedStage(bytes)
      const input = { name: c.input, dims: [1, 3, 416, 416], data: uniform(3 * 416 * 416, c.lo, c.hi, 9) }
      const [a, b] = await Promise.all([runOnnx(bytes, input), runOnnx(variant.bytes, input)])
      let worst = 0
      let worstAbs = 0
      for (const [k, t] of a) {
        worst = Math.max(worst, maxRelDiff(t, b.get(k)))
        worstAbs = Math.max(worstAbs, maxAbsDiff(t, b.get(k)))
      }
      console.info(
        `${name} fp_optimized: ${variant.recipe.equalizedPairs.length} pairs equalized, ` +
          `${variant.recipe.skippedPairs.length} skipped, ${variant.recipe.foldedBatchNorms.length} BN folded; ` +
          `max abs diff ${worstAbs.toExponential(2)}, relative ${worst.toExponential(2)}`,
      )
      expect(worst).toBeLessThan(1e-4)
    })
  }
})
