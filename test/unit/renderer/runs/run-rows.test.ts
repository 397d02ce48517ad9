import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../../src-main/shared/api'
import {
  groupValue,
  parseTags,
  precisionModesText,
  toRunRow,
} from '../../../../src-renderer/src/runs/run-rows'

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  id: 1,
  uid: 'u',
  status: 'completed',
  stage: 'quantized',
  backend: 'ort-cpu',
  label: 'l',
  modelId: 2,
  variantId: null,
  datasetId: 3,
  protocolHash: 'abcdef0123456789',
  optimizationLevel: null,
  calibrationSetId: null,
  clipping: null,
  weightGranularity: null,
  precisionModes: { head: 'a16_w16', '*': 'a8_w8' },
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  map50_95: 0.3,
  map50: 0.5,
  precision: 0.6,
  recall: 0.4,
  imageCount: 128,
  errorCount: 0,
  tags: ['a', 'b'],
  notes: '',
  error: null,
  ...over,
})

describe('toRunRow', () => {
  it('adds the names and texts the table shows and filters on', () => {
    const row = toRunRow(
      summary(),
      (id) => (id === 2 ? 'yolov8n.onnx' : undefined),
      () => undefined,
    )
    expect(row).toMatchObject({
      model: 'yolov8n.onnx',
      dataset: 'dataset #3',
      precisionText: '*=a8_w8 head=a16_w16',
      protocol: 'abcdef0123',
      tagsText: 'a, b',
    })
    expect(
      toRunRow(
        summary({ modelId: null }),
        () => 'x',
        () => 'y',
      ).model,
    ).toBe('')
  })
})

describe('parseTags, precisionModesText, groupValue', () => {
  it('reads an edited tags cell', () => {
    expect(parseTags(' int8, baseline  int8,,')).toEqual(['int8', 'baseline'])
    expect(parseTags('')).toEqual([])
  })
  it('writes no precision modes as empty text', () => {
    expect(precisionModesText(null)).toBe('')
  })
  it('groups empty values under (none)', () => {
    const row = toRunRow(
      summary({ optimizationLevel: null }),
      () => undefined,
      () => undefined,
    )
    expect(groupValue(row, 'optimizationLevel')).toBe('(none)')
    expect(groupValue(row, 'stage')).toBe('quantized')
  })
})
