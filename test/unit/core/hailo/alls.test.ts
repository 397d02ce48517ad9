/**
 * .alls model scripts: every command of every Model Zoo script in the fixtures is parsed, written back
 * and re-parsed unchanged; the grammar's corners; the recipe → .alls fragment.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AllsScriptError, InvalidArgumentError } from '../../../../src-main/core/errors'
import {
  allsReader,
  commandsOf,
  looksLikeAlls,
  openAlls,
  parseAlls,
  writeAlls,
  type AllsScript,
  type AllsStatement,
} from '../../../../src-main/core/hailo/alls'
import { recipeCommands, recipeToAlls, type Recipe } from '../../../../src-main/core/hailo/recipe-alls'
import { sharedFixture } from '../../../helpers/fixtures'
import { utf8 } from '../../../helpers/hailo-builders'

const allsRoot = sharedFixture('hailo', 'model-zoo', 'cfg', 'alls')

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? listFiles(path) : [path]
    })
    .filter((p) => p.endsWith('.alls'))
    .sort()
}

const files = listFiles(allsRoot)

/** Statements without line numbers (a rewritten script may join lines). */
function shape(script: AllsScript): Array<Omit<AllsStatement, 'line'>> {
  return script.statements.map((s) => {
    const { line: _line, ...rest } = s
    return rest
  })
}

describe('every Model Zoo script in the fixtures', () => {
  it('there are 13 of them', () => {
    expect(files.map((f) => relative(allsRoot, f))).toHaveLength(13)
  })

  it.each(files.map((f) => [relative(allsRoot, f), f]))(
    '%s: every line is a command, comment or blank; round trip is exact',
    (_name, file) => {
      const text = readFileSync(file, 'utf8')
      const script = parseAlls(text)
      expect(script.statements.filter((s) => s.kind === 'verbatim')).toEqual([])
      // Every non-blank, non-comment line is one command, in order, by name.
      const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
      expect(commandsOf(script).map((c) => c.name)).toEqual(
        lines.map((l) => (/(\w+)\(/.exec(l) as RegExpExecArray)[1]),
      )
      expect(commandsOf(script).every((c) => c.known)).toBe(true)
      const written = writeAlls(script)
      expect(written).toBe(text)
      expect(shape(parseAlls(written))).toEqual(shape(script))
      expect(parseAlls(written)).toEqual(script)
    },
  )

  it('yolov8n.alls reads as the documented commands', () => {
    const script = parseAlls(readFileSync(join(allsRoot, 'generic', 'yolov8n.alls'), 'utf8'))
    const [norm, act, , , nms, alloc] = commandsOf(script)
    expect(norm).toMatchObject({
      targets: ['normalization1'],
      name: 'normalization',
      positional: [
        { kind: 'list', items: [0, 0, 0].map(() => ({ kind: 'number', value: 0, text: '0.0' })) },
        { kind: 'list', items: [0, 0, 0].map(() => ({ kind: 'number', value: 255, text: '255.0' })) },
      ],
      keywords: [],
    })
    expect(act).toMatchObject({
      name: 'change_output_activation',
      positional: [
        { kind: 'word', text: 'conv42' },
        { kind: 'word', text: 'sigmoid' },
      ],
    })
    expect(nms).toMatchObject({
      name: 'nms_postprocess',
      positional: [{ kind: 'string', value: '../../postprocess_config/yolov8n_nms_config.json', quote: '"' }],
      keywords: [
        { key: 'meta_arch', value: { kind: 'word', text: 'yolov8' } },
        { key: 'engine', value: { kind: 'word', text: 'cpu' } },
      ],
    })
    expect(alloc).toMatchObject({
      name: 'allocator_param',
      keywords: [{ key: 'width_splitter_defuse', value: { kind: 'word', text: 'disabled' } }],
    })
    expect(script.statements[5]).toEqual({ kind: 'blank', line: 6 })
  })

  it('the summary of yolov5m (hailo8/base) lists precision modes, NMS and the comment', () => {
    const s = openAlls(readFileSync(join(allsRoot, 'hailo8', 'base', 'yolov5m.alls')))
    expect(s.precisionModes).toEqual([
      { mode: 'a8_w4', layers: ['conv45', 'conv46', 'conv51', 'conv53', 'conv84', 'conv89', 'conv91'] },
    ])
    expect(s.nmsPostprocess).toEqual([
      {
        configPath: '../../../postprocess_config/yolov5m_spp_nms_config.json',
        metaArch: 'yolov5',
        engine: 'cpu',
      },
    ])
    expect(s.commentCount).toBe(1)
    expect(s.commands[0]).toEqual({
      line: 1,
      name: 'normalization',
      targets: ['normalization1'],
      text: 'normalization1 = normalization([0.0, 0.0, 0.0], [255.0, 255.0, 255.0])',
      known: true,
    })
    expect(s.unknownKeys).toEqual([])
    expect(s.lineCount).toBe(16)
    expect(s.commandCounts.find((c) => c.name === 'quantization_param')?.count).toBe(7)
  })

  it('a file without a final newline keeps it that way (nanodet_repvgg, hailo8)', () => {
    const text = readFileSync(join(allsRoot, 'hailo8', 'base', 'nanodet_repvgg.alls'), 'utf8')
    expect(text.endsWith('\n')).toBe(false)
    expect(parseAlls(text).finalNewline).toBe(false)
    expect(writeAlls(parseAlls(text))).toBe(text)
  })
})

describe('grammar corners', () => {
  it('numbers keep their text; words, patterns, tuples, strings with quotes and backslashes', () => {
    const text = [
      'post_quantization_optimization(finetune, learning_rate=1e-5, loss_factors=[0.125, 2, -1, .5])',
      'quantization_param({output_layer*}, precision_mode=a16_w16)',
      'quantization_param([conv1, yolov8n/conv2], precision_mode=a8_w8)',
      "nms_postprocess('C:\\data\\cfg.json', meta_arch=yolov8)",
      'x(a, "say \\"hi\\"", t=(1, 2))',
      'a, b = split_thing(conv3)  # trailing note',
      '   # indented comment',
    ].join('\n')
    const script = parseAlls(text)
    const [ft, q1, q2, nms, x, split] = commandsOf(script)
    expect(ft?.keywords[0]?.value).toEqual({ kind: 'number', value: 1e-5, text: '1e-5' })
    expect(ft?.keywords[1]?.value).toEqual({
      kind: 'list',
      items: [
        { kind: 'number', value: 0.125, text: '0.125' },
        { kind: 'number', value: 2, text: '2' },
        { kind: 'number', value: -1, text: '-1' },
        { kind: 'number', value: 0.5, text: '.5' },
      ],
    })
    expect(q1?.positional[0]).toEqual({ kind: 'pattern', text: '{output_layer*}' })
    expect(q2?.positional[0]).toEqual({
      kind: 'list',
      items: [
        { kind: 'word', text: 'conv1' },
        { kind: 'word', text: 'yolov8n/conv2' },
      ],
    })
    expect(nms?.positional[0]).toEqual({ kind: 'string', value: 'C:\\data\\cfg.json', quote: "'" })
    expect(x?.positional[1]).toEqual({ kind: 'string', value: 'say "hi"', quote: '"' })
    expect(x?.keywords[0]?.value.kind).toBe('tuple')
    expect(x?.known).toBe(false)
    expect(split).toMatchObject({ targets: ['a', 'b'], name: 'split_thing', comment: '# trailing note' })
    expect(script.statements[6]).toEqual({ kind: 'comment', line: 7, text: '   # indented comment' })
    const again = parseAlls(writeAlls(script))
    expect(shape(again)).toEqual(shape(script))
    expect(writeAlls(again)).toBe(writeAlls(script))
  })

  it('a command over several lines is one command; it is written on one line', () => {
    const text =
      'resources_param(\n    max_utilization=0.9,\n    max_memory_utilization=0.8,\n)\nperformance_param(fps=30)\n'
    const script = parseAlls(text)
    expect(commandsOf(script).map((c) => [c.line, c.name, c.keywords.length])).toEqual([
      [1, 'resources_param', 2],
      [5, 'performance_param', 1],
    ])
    expect(writeAlls(script)).toBe(
      'resources_param(max_utilization=0.9, max_memory_utilization=0.8)\nperformance_param(fps=30)\n',
    )
  })

  it('lines that are not commands are kept verbatim, with why, and come back unchanged', () => {
    const text =
      'normalization1 = normalization([1], [2])\nthis is not a command\nbad(a=1, b)\nopen(\nx = [1, 2\n'
    const script = parseAlls(text)
    const verbatim = script.statements.filter((s) => s.kind === 'verbatim')
    expect(verbatim.map((v) => [v.line, v.kind === 'verbatim' ? v.reason : ''])).toEqual([
      [2, 'expected "(" at column 6, found "is"'],
      [3, 'a positional argument follows keyword arguments at column 10'],
      [4, 'expected "," or "]" at column 16'],
    ])
    expect(writeAlls(script)).toBe(text)
    const s = openAlls(utf8(text))
    expect(s.unparsed.map((u) => u.line)).toEqual([2, 3, 4])
    expect(s.warnings[0]).toBe(
      'line 2 is not a command Quantscope can read (expected "(" at column 6, found "is"); it is kept as written',
    )
  })

  it('CRLF scripts stay CRLF', () => {
    const text = 'a(1)\r\nb(2)\r\n'
    expect(writeAlls(parseAlls(text))).toBe(text)
  })

  it('unknown commands are kept and reported as not understood', () => {
    const s = openAlls(
      utf8('normalization1 = normalization([0.0], [1.0])\nfuture_param(speed=11)\nfuture_param(x=1)\n'),
    )
    expect(s.unknownKeys).toEqual([{ where: 'commands', keys: ['future_param'] }])
    expect(s.commands.map((c) => c.known)).toEqual([true, false, false])
  })

  it('sniffing and refusal', () => {
    expect(looksLikeAlls(utf8('# comment\n\nnormalization1 = normalization([0.0], [1.0])'))).toBe(true)
    expect(allsReader.match(utf8('model_optimization_flavor(optimization_level=2)'))).toBe(true)
    expect(looksLikeAlls(utf8('{"a": 1}'))).toBe(false)
    expect(looksLikeAlls(utf8('hello world'))).toBe(false)
    expect(looksLikeAlls(new Uint8Array([0, 1, 2, 3]))).toBe(false)
    const noCommand = (() => {
      try {
        openAlls(utf8('# only a comment\n'))
      } catch (e) {
        return e
      }
    })()
    expect(noCommand).toBeInstanceOf(AllsScriptError)
    expect(() => openAlls(new Uint8Array([0x61, 0x28, 0xff, 0x29]))).toThrow(/not UTF-8 text/)
  })
})

describe('recipeToAlls', () => {
  it('writes every part of a recipe as commands that parse back', () => {
    const recipe: Recipe = {
      normalization: { mean: [0, 0, 0], std: [255, 255, 255] },
      outputActivations: [{ layer: 'conv42', activation: 'sigmoid' }],
      nms: { configPath: '../../postprocess_config/yolov8n_nms_config.json', metaArch: 'yolov8' },
      optimizationLevel: 2,
      compressionLevel: 0,
      calibration: { batchSize: 8, calibsetSize: 64 },
      activationClipping: [
        { layers: ['conv42'], mode: 'manual', clippingValues: [-8, 8.5] },
        { layers: ['conv53', 'conv63'], mode: 'percentile', clippingValues: [0, 99.99] },
      ],
      precisionModes: [
        { layers: ['conv41', 'conv52', 'conv62'], mode: 'a16_w16' },
        { layers: ['{conv*}'], mode: 'a8_w8' },
      ],
    }
    const text = recipeToAlls(recipe)
    expect(text).toBe(
      [
        'normalization1 = normalization([0.0, 0.0, 0.0], [255.0, 255.0, 255.0])',
        'change_output_activation(conv42, sigmoid)',
        'nms_postprocess("../../postprocess_config/yolov8n_nms_config.json", meta_arch=yolov8, engine=cpu)',
        'model_optimization_flavor(optimization_level=2, compression_level=0)',
        'model_optimization_config(calibration, batch_size=8, calibset_size=64)',
        'pre_quantization_optimization(activation_clipping, layers=[conv42], mode=manual, clipping_values=[-8, 8.5])',
        'pre_quantization_optimization(activation_clipping, layers=[conv53, conv63], mode=percentile, clipping_values=[0, 99.99])',
        'quantization_param([conv41, conv52, conv62], precision_mode=a16_w16)',
        'quantization_param({conv*}, precision_mode=a8_w8)',
        '',
      ].join('\n'),
    )
    const parsed = parseAlls(text)
    expect(commandsOf(parsed).every((c) => c.known)).toBe(true)
    expect(shape(parsed)).toEqual(
      shape({ statements: recipeCommands(recipe), eol: '\n', finalNewline: true }),
    )
    expect(openAlls(utf8(text)).precisionModes).toEqual([
      { mode: 'a16_w16', layers: ['conv41', 'conv52', 'conv62'] },
      { mode: 'a8_w8', layers: ['{conv*}'] },
    ])
  })

  it('an empty recipe is an empty fragment; a single layer is written bare', () => {
    expect(recipeToAlls({})).toBe('')
    expect(recipeToAlls({ precisionModes: [{ layers: ['conv63'], mode: 'a16_w16' }] })).toBe(
      'quantization_param(conv63, precision_mode=a16_w16)\n',
    )
    expect(recipeToAlls({ optimizationLevel: 0 })).toBe('model_optimization_flavor(optimization_level=0)\n')
  })

  it.each([
    [{ optimizationLevel: 5 }, /optimizationLevel is 5; it must be a whole number from 0 to 4/],
    [
      { precisionModes: [{ layers: ['conv 1'], mode: 'a8_w8' as const }] },
      /names layer "conv 1", which an \.alls script cannot hold/,
    ],
    [{ precisionModes: [{ layers: [], mode: 'a8_w8' as const }] }, /names no layer/],
    [{ precisionModes: [{ layers: ['c'], mode: 'a4_w4' as never }] }, /precision mode "a4_w4" is not one of/],
    [{ normalization: { mean: [0, 0], std: [1] } }, /2 means and 1 stds/],
    [{ normalization: { mean: [0], std: [0] } }, /std\[0\] is 0; it must be positive/],
    [
      {
        activationClipping: [
          { layers: ['c'], mode: 'manual' as const, clippingValues: [3, 1] as [number, number] },
        ],
      },
      /must have lo < hi/,
    ],
    [{ nms: { configPath: 'x.json', metaArch: 'yolo v8' } }, /is not a meta-architecture name/],
  ])('refuses %j', (recipe, message) => {
    expect(() => recipeToAlls(recipe)).toThrow(InvalidArgumentError)
    expect(() => recipeToAlls(recipe)).toThrow(message)
  })
})
