import { describe, expect, it } from 'vitest'
import {
  buildLadderOption,
  ladderGroups,
  ladderPoints,
  ladderStages,
  labelPlaces,
  protocolHashes,
  type LadderRun,
} from '../../../../src-renderer/src/charts/ladder'

let nextId = 1
function run(stage: string, label: string, map: number, extra: Partial<LadderRun> = {}): LadderRun {
  const id = nextId++
  return {
    id,
    stage,
    label,
    modelId: null,
    protocolHash: 'p1',
    createdAt: `2026-01-01T00:00:${String(id).padStart(2, '0')}Z`,
    map50_95: map,
    map50: map + 0.2,
    precision: 0.6,
    recall: 0.5,
    ...extra,
  }
}

describe('ladderStages', () => {
  it('orders known stages as the ladder does and puts user labels after, by name', () => {
    const stages = [
      'hardware',
      'zz-custom',
      'original',
      'emulator',
      'quantized',
      'a-custom',
      'parsed',
      'fp_optimized',
    ]
    expect(ladderStages(stages.map((stage) => ({ stage })))).toEqual([
      'original',
      'parsed',
      'fp_optimized',
      'quantized',
      'emulator',
      'hardware',
      'a-custom',
      'zz-custom',
    ])
  })
})

describe('ladderGroups and ladderPoints', () => {
  it('makes one line per model + label, keeps the newest run per stage, and gives deltas against the first stage', () => {
    const runs = [
      run('original', 'l1', 0.4),
      run('quantized', 'l1', 0.3),
      run('quantized', 'l1', 0.35), // newer: replaces the one above
      run('hardware', 'l1', 0.32),
      run('original', 'l2', 0.4, { modelId: 7 }),
    ]
    const groups = ladderGroups(runs, (id) => (id === 7 ? 'yolov8n.onnx' : undefined))
    expect(groups.map((g) => g.name)).toEqual(['l1', 'yolov8n.onnx · l2'])
    const points = ladderPoints(groups[0]!, ['original', 'quantized', 'hardware'], 'map50_95')
    expect(points.map((p) => p.runId)).toEqual([runs[0]!.id, runs[2]!.id, runs[3]!.id])
    expect(points[0]!.delta).toBeNull()
    expect(points[1]!.delta).toBeCloseTo(-0.05, 12)
    expect(points[2]!.delta).toBeCloseTo(-0.08, 12)
  })

  it('names a model it cannot resolve by id', () => {
    expect(ladderGroups([run('original', 'x', 0.1, { modelId: 3 })])[0]!.name).toBe('model #3 · x')
  })
})

describe('protocolHashes', () => {
  it('lists the distinct protocols, most used first', () => {
    expect(protocolHashes([{ protocolHash: 'b' }, { protocolHash: 'a' }, { protocolHash: 'a' }])).toEqual([
      'a',
      'b',
    ])
  })
})

describe('buildLadderOption', () => {
  it('draws a line per group over the stages, labels values in % and deltas in points', () => {
    const runs = [run('original', 'l1', 0.4), run('hardware', 'l1', 0.3), run('original', 'l2', 0.5)]
    const groups = ladderGroups(runs)
    const option = buildLadderOption(groups, ['original', 'hardware'], 'map50_95')
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['original', 'hardware'] })
    const series = option.series as Array<{
      name: string
      data: Array<{ value: number; label: { formatter: string } } | null>
    }>
    expect(series.map((s) => s.name)).toEqual(['l1', 'l2'])
    expect(series[0]!.data.map((d) => d?.label.formatter)).toEqual(['40.00', '30.00 (−10.00)'])
    expect(series[1]!.data[1]).toBeNull()
    expect(option.title).toMatchObject({ text: 'mAP50-95' })
  })
})

describe('labelPlaces', () => {
  it('labels the highest point above, the lowest below, middles to the right, and equal points once', () => {
    const runs = [
      run('original', 'a', 0.4),
      run('original', 'b', 0.4),
      run('original', 'c', 0.2),
      run('hardware', 'a', 0.3),
      run('hardware', 'b', 0.35),
      run('hardware', 'c', 0.1),
    ]
    const places = labelPlaces(ladderGroups(runs), ['original', 'hardware'], 'map50_95')
    const at = (group: number, stage: string) => places.get(`${group}\u0000${stage}`)
    expect([at(0, 'original'), at(1, 'original'), at(2, 'original')]).toEqual(['top', 'hidden', 'bottom'])
    expect([at(1, 'hardware'), at(0, 'hardware'), at(2, 'hardware')]).toEqual(['top', 'right', 'bottom'])
  })
})
