/** The models list's one-line facts, derived in main for every format (the renderer shows them as sent). */
import { describe, expect, it } from 'vitest'
import { openAlls } from '../../../../src-main/core/hailo/alls'
import { openHar } from '../../../../src-main/core/hailo/har'
import { openHef } from '../../../../src-main/core/hailo/hef'
import { openModelBytes } from '../../../../src-main/core/formats/registry'
import { listFacts } from '../../../../src-main/services/store/model-repository'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'
import { buildHar, utf8 } from '../../../helpers/hailo-builders'

describe('model list facts', () => {
  it('ONNX: inputs and outputs with shapes, parameters, MACs', () => {
    const onnx = openModelBytes(
      readBytes(sharedFixture('models', 'yolox_nano.onnx')),
      { siblingSize: () => null },
      'y.onnx',
    )
    expect(listFacts(onnx)).toEqual({
      inputs: 'images [1,3,416,416]',
      outputs: 'output [1,3549,85]',
      parameters: 904_481,
      macs: 522_553_408,
      detail: 'IR 6 · pytorch',
    })
  })

  it('HEF, HAR and .alls: no MACs, a detail line saying what the file is', () => {
    const hef = openHef(readBytes(sharedFixture('hailo', 'yolov8n.hef')))
    expect(listFacts(hef)).toMatchObject({
      parameters: null,
      macs: null,
      detail: 'HAILO8P · SDK 3.31.0 · yolov8 NMS on host',
    })
    expect(listFacts(hef).outputs.split(', ')).toHaveLength(6)
    expect(listFacts(openHar(buildHar()))).toMatchObject({ parameters: 432 + 1360, macs: null })
    expect(listFacts(openHar(buildHar())).detail).toMatch(/^quantized_model/)
    expect(listFacts(openAlls(utf8('a(1)\nb(2)\n')))).toEqual({
      inputs: '',
      outputs: '',
      parameters: null,
      macs: null,
      detail: '2 commands',
    })
  })
})
