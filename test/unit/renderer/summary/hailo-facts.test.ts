import { describe, expect, it } from 'vitest'
import { openHef } from '../../../../src-main/core/hailo/hef'
import {
  checksumFact,
  formatHwc,
  formatRange,
  formatScale,
  imageSizeNote,
  nmsRows,
  paddedNote,
  postprocessFact,
} from '../../../../src-renderer/src/summary/hailo-facts'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'

describe('Hailo summary facts', () => {
  const hef = openHef(readBytes(sharedFixture('hailo', 'yolov8n.hef')))
  const g = hef.networkGroups[0]
  const reg = g?.outputs.find((t) => t.name === 'yolov8n/conv52_97')
  const op = g?.nmsOps[0]

  it('shapes, padding, scales and ranges', () => {
    if (!reg?.quantization) throw new Error('no stream')
    expect(formatHwc(reg.shape)).toBe('20×20×64')
    expect(paddedNote(reg)).toBe('20×24×64')
    expect(paddedNote(g?.inputs[0] as typeof reg)).toBe('')
    expect(formatScale(reg.quantization.scale)).toBe('0.194816')
    expect(formatScale(0)).toBe('0')
    expect(formatRange(reg.quantization)).toBe('[-14.806, 34.872]')
  })

  it('checksum, post-process and NMS rows', () => {
    expect(checksumFact(hef)).toMatchObject({ text: 'ok', tone: 'ok', short: 'xxh3-64 matches' })
    const broken = {
      ...hef,
      container: { ...hef.container, checksum: { ...hef.container.checksum, ok: false, actual: '0' } },
    }
    expect(checksumFact(broken)).toMatchObject({ text: 'mismatch', tone: 'warn' })
    expect(postprocessFact(hef)).toMatchObject({ text: 'yolov8 NMS', short: 'on the host (HailoRT)' })
    if (!op) throw new Error('no op')
    expect(nmsRows(op)).toEqual([
      ['Meta-architecture', 'yolov8'],
      ['Score threshold', '0.2'],
      ['IoU threshold', '0.7'],
      ['Classes', '110'],
      ['Max boxes per class', '100'],
      ['Image size (H × W)', '640 × 640'],
      ['Regression length', '16'],
      ['Background removal', 'no'],
    ])
    expect(imageSizeNote(hef)).toBe('The NMS assumes a 640×640 image but the input stream is 320×320.')
  })
})
