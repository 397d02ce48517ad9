import { describe, expect, it } from 'vitest'
import type { PrCurveData } from '../../../../src-main/shared/api'
import {
  buildPrCurvesOption,
  curvePoints,
  findCurve,
  RECALL_POINTS,
} from '../../../../src-renderer/src/charts/pr-curves'

const curve = (categoryId: number, iou: number, fill: number): PrCurveData => ({
  categoryId,
  iou,
  precision: Array.from({ length: 101 }, (_, i) => (i > 90 ? -1 : fill)),
})

describe('findCurve and curvePoints', () => {
  it('finds a class at an IoU and turns COCO -1 into gaps on the 101 recall points', () => {
    const curves = [curve(-1, 0.5, 0.8), curve(1, 0.5, 0.6), curve(-1, 0.75, 0.4)]
    expect(findCurve(curves, -1, 0.75)!.precision[0]).toBe(0.4)
    expect(findCurve(curves, 2, 0.5)).toBeUndefined()
    const points = curvePoints(findCurve(curves, 1, 0.5)!)
    expect(points).toHaveLength(101)
    expect(points[0]).toEqual([0, 0.6])
    expect(points[100]).toEqual([1, null])
    expect(RECALL_POINTS[50]).toBe(0.5)
  })
})

describe('buildPrCurvesOption', () => {
  it('draws one line per run, the mean curve at IoU 0.5 by default, empty where a run lacks it', () => {
    const option = buildPrCurvesOption([
      { name: '#1 original', curves: [curve(-1, 0.5, 0.8), curve(1, 0.5, 0.6)] },
      { name: '#2 hardware', curves: [curve(1, 0.5, 0.3)] },
    ])
    const series = option.series as Array<{ name: string; data: [number, number | null][] }>
    expect(series.map((s) => s.name)).toEqual(['#1 original', '#2 hardware'])
    expect(series[0]!.data[10]).toEqual([0.1, 0.8])
    expect(series[1]!.data).toEqual([])
    const perClass = buildPrCurvesOption([{ name: 'a', curves: [curve(1, 0.5, 0.6)] }], 1)
    expect((perClass.series as Array<{ data: unknown[] }>)[0]!.data).toHaveLength(101)
  })
})
