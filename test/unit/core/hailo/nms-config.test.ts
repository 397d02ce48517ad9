/** Model Zoo NMS config JSON: every fixture read, validated and written back byte for byte. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NmsConfigError } from '../../../../src-main/core/errors'
import { openHef } from '../../../../src-main/core/hailo/hef'
import {
  nmsConfigToJson,
  nmsConfigUnknownKeys,
  nmsSettingsFromConfig,
  nmsSettingsFromHef,
  readNmsConfig,
  writeNmsConfig,
} from '../../../../src-main/core/hailo/nms-config'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'

const dir = sharedFixture('hailo', 'model-zoo', 'cfg', 'postprocess_config')
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()

describe('every Model Zoo NMS config in the fixtures', () => {
  it('there are 5', () => {
    expect(files).toEqual([
      'yolov5m_nms_config.json',
      'yolov5m_spp_nms_config.json',
      'yolov5s_nms_config.json',
      'yolov8n_nms_config.json',
      'yolov8s_nms_config.json',
    ])
  })

  it.each(files)('%s: read, write back identical text, JSON equal, nothing unknown', (file) => {
    const text = readFileSync(join(dir, file), 'utf8')
    const config = readNmsConfig(text, file)
    expect(writeNmsConfig(config)).toBe(text)
    expect(nmsConfigToJson(config)).toEqual(JSON.parse(text))
    expect(readNmsConfig(writeNmsConfig(config))).toEqual(config)
    expect(nmsConfigUnknownKeys(config)).toEqual([])
  })

  it('yolov8n: the fields a protocol needs (docs/hailo-formats.md section 7)', () => {
    const c = readNmsConfig(readFileSync(join(dir, 'yolov8n_nms_config.json'), 'utf8'))
    expect(c).toMatchObject({
      scoreThreshold: 0.2,
      iouThreshold: 0.7,
      imageHeight: 640,
      imageWidth: 640,
      maxProposalsPerClass: 100,
      classes: 80,
      regressionLength: 16,
      backgroundRemoval: false,
      backgroundRemovalIndex: null,
    })
    expect(c.bboxDecoders.map((d) => [d.style, d.name, d.stride, d.regLayer, d.clsLayer])).toEqual([
      ['yolov8', 'yolov8n/bbox_decoder41', 8, 'yolov8n/conv41', 'yolov8n/conv42'],
      ['yolov8', 'yolov8n/bbox_decoder52', 16, 'yolov8n/conv52', 'yolov8n/conv53'],
      ['yolov8', 'yolov8n/bbox_decoder62', 32, 'yolov8n/conv62', 'yolov8n/conv63'],
    ])
    expect(nmsSettingsFromConfig(c).decoders[0]).toEqual({
      stride: 8,
      anchors: [],
      reg: 'yolov8n/conv41',
      cls: 'yolov8n/conv42',
      obj: null,
      head: null,
    })
  })

  it('yolov5 configs: anchors pair up as (w, h) per stride', () => {
    for (const f of ['yolov5s_nms_config.json', 'yolov5m_nms_config.json', 'yolov5m_spp_nms_config.json']) {
      const s = nmsSettingsFromConfig(readNmsConfig(readFileSync(join(dir, f), 'utf8')))
      expect(s.decoders.map((d) => [d.stride, d.anchors])).toEqual([
        [
          8,
          [
            [10, 13],
            [16, 30],
            [33, 23],
          ],
        ],
        [
          16,
          [
            [30, 61],
            [62, 45],
            [59, 119],
          ],
        ],
        [
          32,
          [
            [116, 90],
            [156, 198],
            [373, 326],
          ],
        ],
      ])
    }
    const s5 = readNmsConfig(readFileSync(join(dir, 'yolov5s_nms_config.json'), 'utf8'))
    expect([s5.scoreThreshold, s5.iouThreshold, s5.bboxDecoders[0]?.encodedLayer]).toEqual([
      0.001,
      0.6,
      'conv55',
    ])
    const v8s = readNmsConfig(readFileSync(join(dir, 'yolov8s_nms_config.json'), 'utf8'))
    expect(v8s.backgroundRemovalIndex).toBe(0)
    expect(v8s.bboxDecoders[0]?.regLayer).toBe('conv41')
  })

  it('the HEF NMS op and the yolov8n config give the same settings, except where the HEF says otherwise', () => {
    const fromConfig = nmsSettingsFromConfig(
      readNmsConfig(readFileSync(join(dir, 'yolov8n_nms_config.json'), 'utf8')),
    )
    const op = openHef(readBytes(sharedFixture('hailo', 'yolov8n.hef'))).networkGroups[0]?.nmsOps[0]
    if (!op) throw new Error('no NMS op')
    const fromHef = nmsSettingsFromHef(op)
    expect(fromHef).toMatchObject({
      scoreThreshold: fromConfig.scoreThreshold,
      maxProposalsPerClass: fromConfig.maxProposalsPerClass,
      imageHeight: 640,
      imageWidth: 640,
      regressionLength: 16,
      backgroundRemoval: false,
    })
    expect(fromHef.iouThreshold).toBe(Math.fround(0.7))
    expect(fromHef.classes).toBe(110)
    expect(fromHef.decoders.map((d) => d.stride)).toEqual(fromConfig.decoders.map((d) => d.stride))
    expect(fromHef.decoders[0]).toMatchObject({ reg: 'yolov8n/conv41_97', cls: 'yolov8n/conv42_97' })
  })
})

describe('unknown keys are kept and written back in place', () => {
  it('top level and decoder level', () => {
    const text = `${JSON.stringify(
      {
        nms_scores_th: 0.3,
        future_knob: { a: 1 },
        nms_iou_th: 0.5,
        image_dims: [320, 480],
        max_proposals_per_class: 10,
        classes: 3,
        bbox_decoders: [
          { name: 'd', stride: 8, reg_layer: 'c1', cls_layer: 'c2', obj_layer: 'c3', color: 'red' },
        ],
      },
      null,
      4,
    )}\n`
    const c = readNmsConfig(text)
    expect(c.backgroundRemoval).toBeNull()
    expect(c.bboxDecoders[0]?.style).toBe('yolox')
    expect(nmsConfigUnknownKeys(c)).toEqual([
      { where: 'NMS config', keys: ['future_knob'] },
      { where: 'bbox_decoders[0]', keys: ['color'] },
    ])
    expect(writeNmsConfig(c)).toBe(text)
    c.iouThreshold = 0.45
    expect(JSON.parse(writeNmsConfig(c))).toMatchObject({ nms_iou_th: 0.45, future_knob: { a: 1 } })
  })
})

describe('validation names the bad key and value', () => {
  const good = JSON.parse(readFileSync(join(dir, 'yolov8n_nms_config.json'), 'utf8')) as Record<
    string,
    unknown
  >
  const withField = (key: string, value: unknown) => JSON.stringify({ ...good, [key]: value })
  it.each([
    ['nms_iou_th', 1.7, '"nms_iou_th" is 1.7; it must be a number from 0 to 1'],
    ['nms_scores_th', 'high', '"nms_scores_th" is "high"; it must be a number from 0 to 1'],
    ['image_dims', [640], '"image_dims" is [640]; it must be [height, width] in pixels'],
    ['classes', 0, '"classes" is 0; it must be a whole number above 0'],
    ['max_proposals_per_class', 2.5, '"max_proposals_per_class" is 2.5; it must be a whole number above 0'],
    ['background_removal', 'no', '"background_removal" is "no"; it must be true or false'],
    ['bbox_decoders', {}, '"bbox_decoders" is {}; it must be a list of decoders'],
    ['regression_length', -1, '"regression_length" is -1; it must be a whole number ≥ 1'],
  ])('%s = %j', (key, value, message) => {
    expect(() => readNmsConfig(withField(key, value), 'cfg.json')).toThrow(NmsConfigError)
    expect(() => readNmsConfig(withField(key, value), 'cfg.json')).toThrow(
      `cfg.json: ${message} — fix the NMS config JSON`,
    )
  })

  it('missing keys, bad decoders, anchors of different lengths, bad JSON', () => {
    const { classes: _c, ...noClasses } = good
    expect(() => readNmsConfig(JSON.stringify(noClasses))).toThrow('"classes" is missing')
    expect(() => readNmsConfig(withField('bbox_decoders', [{ stride: 8, reg_layer: 'a' }]))).toThrow(
      'bbox_decoders[0]: "cls_layer" is missing; it must be a layer name',
    )
    expect(() =>
      readNmsConfig(withField('bbox_decoders', [{ stride: 8, w: [1, 2], h: [1], encoded_layer: 'c' }])),
    ).toThrow(/"w" has 2 anchors and "h" has 1/)
    expect(() =>
      readNmsConfig(withField('bbox_decoders', [{ stride: 0, reg_layer: 'a', cls_layer: 'b' }])),
    ).toThrow(/"stride" is 0/)
    expect(() => readNmsConfig('{"nms_scores_th": ')).toThrow(/NMS config is not valid JSON/)
    expect(() => readNmsConfig('[]')).toThrow(/is not a JSON object/)
  })
})
