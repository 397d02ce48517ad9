/**
 * A Quantscope recipe written as a Hailo `.alls` fragment, so a variant measured in Quantscope can be
 * reproduced with the Dataflow Compiler.
 *
 * `Recipe` here is a minimal stand-in: the quantization issue owns the real recipe type and will map it
 * onto this one (or replace it). Every command written is one that appears in Model Zoo or public
 * scripts (docs/hailo-formats.md section 6); `activation_clipping` and `model_optimization_flavor`
 * appear only in third-party scripts, and precision modes other than a8_w4 were not seen first-hand.
 */
import { InvalidArgumentError, quote } from '../errors'
import { writeAlls, type AllsCommand, type AllsValue } from './alls'

/** Hailo's precision modes: activation bits and weight bits. */
export type HailoPrecisionMode = 'a8_w8' | 'a8_w4' | 'a16_w16' | 'a16_w8'

/**
 * What produced a variant, in the terms an .alls script can say. Every field is optional; an empty
 * recipe writes an empty fragment. Layer names are HN names without the network prefix (`conv42`) or
 * scoped (`yolov8n/conv42`); brace patterns such as `{conv*}` pass through.
 */
export interface Recipe {
  /** Input normalization folded into the network: `(x − mean) / std` per channel, in input pixel units (0..255). */
  normalization?: { mean: readonly number[]; std: readonly number[] }
  /** `model_optimization_flavor(optimization_level=N[, compression_level=M])`; levels 0..4, compression 0..5. */
  optimizationLevel?: number
  compressionLevel?: number
  /** `model_optimization_config(calibration, batch_size=, calibset_size=)`. */
  calibration?: { batchSize?: number; calibsetSize?: number }
  /** `quantization_param(<layers>, precision_mode=<mode>)`, one command per entry. */
  precisionModes?: ReadonlyArray<{ layers: readonly string[]; mode: HailoPrecisionMode }>
  /**
   * `pre_quantization_optimization(activation_clipping, layers=[..], mode=<mode>[, clipping_values=[lo, hi]])`.
   * `manual` takes real-valued limits; `percentile` takes percentiles (e.g. [0, 99.99]).
   */
  activationClipping?: ReadonlyArray<{
    layers: readonly string[]
    mode: 'manual' | 'percentile' | 'disabled'
    clippingValues?: readonly [number, number]
  }>
  /** `change_output_activation(<layer>, <activation>)`, e.g. sigmoid on the class branches. */
  outputActivations?: ReadonlyArray<{ layer: string; activation: string }>
  /** `nms_postprocess("<config>", meta_arch=<arch>, engine=<engine>)`. */
  nms?: { configPath: string; metaArch: string; engine?: 'cpu' | 'nn_core' | 'auto' }
}

const LAYER = /^(\{[^{}\n]+\}|[A-Za-z_][A-Za-z0-9_./*-]*)$/
const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/

function word(text: string): AllsValue {
  return { kind: 'word', text }
}

function num(value: number, field: string): AllsValue {
  if (!Number.isFinite(value))
    throw new InvalidArgumentError(`recipe ${field} is ${value}; it must be a finite number`)
  return { kind: 'number', value, text: String(value) }
}

function int(value: number, field: string, min: number, max: number): AllsValue {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `recipe ${field} is ${Number.isFinite(value) ? value : quote(value)}; it must be a whole number from ${min} to ${max}`,
    )
  }
  return num(value, field)
}

function layerList(layers: readonly string[], field: string): AllsValue {
  if (layers.length === 0) throw new InvalidArgumentError(`recipe ${field} names no layer; give at least one`)
  for (const l of layers) {
    if (!LAYER.test(l)) {
      throw new InvalidArgumentError(
        `recipe ${field} names layer ${quote(l)}, which an .alls script cannot hold; use an HN layer name such as conv42 or a pattern such as {conv*}`,
      )
    }
  }
  if (layers.length === 1) {
    const only = layers[0] as string
    return only.startsWith('{') ? { kind: 'pattern', text: only } : word(only)
  }
  return {
    kind: 'list',
    items: layers.map((l) => (l.startsWith('{') ? { kind: 'pattern', text: l } : word(l))),
  }
}

function command(
  name: string,
  positional: AllsValue[],
  keywords: Array<[string, AllsValue]> = [],
  targets: string[] = [],
): AllsCommand {
  return {
    kind: 'command',
    line: 0,
    targets,
    name,
    positional,
    keywords: keywords.map(([key, value]) => ({ key, value })),
    comment: null,
    known: true,
  }
}

const PRECISION_MODES: ReadonlySet<string> = new Set(['a8_w8', 'a8_w4', 'a16_w16', 'a16_w8'])

/** The commands a recipe stands for, in the order a Model Zoo script puts them. */
export function recipeCommands(recipe: Recipe): AllsCommand[] {
  const out: AllsCommand[] = []
  if (recipe.normalization) {
    const { mean, std } = recipe.normalization
    if (mean.length !== std.length || mean.length === 0) {
      throw new InvalidArgumentError(
        `recipe normalization has ${mean.length} means and ${std.length} stds; give one of each per input channel`,
      )
    }
    std.forEach((s, i) => {
      if (!(s > 0))
        throw new InvalidArgumentError(`recipe normalization std[${i}] is ${s}; it must be positive`)
    })
    const list = (xs: readonly number[], f: string): AllsValue => ({
      kind: 'list',
      items: xs.map((x, i) => {
        const v = num(x, `${f}[${i}]`)
        // Model Zoo scripts write 0.0 and 255.0: keep a decimal point on whole numbers.
        return v.kind === 'number' && Number.isInteger(x) ? { ...v, text: x.toFixed(1) } : v
      }),
    })
    out.push(
      command(
        'normalization',
        [list(mean, 'normalization.mean'), list(std, 'normalization.std')],
        [],
        ['normalization1'],
      ),
    )
  }
  for (const a of recipe.outputActivations ?? []) {
    if (!WORD.test(a.activation))
      throw new InvalidArgumentError(
        `recipe output activation ${quote(a.activation)} is not an activation name such as sigmoid`,
      )
    out.push(
      command('change_output_activation', [
        layerList([a.layer], 'outputActivations.layer'),
        word(a.activation),
      ]),
    )
  }
  if (recipe.nms) {
    const { configPath, metaArch, engine = 'cpu' } = recipe.nms
    if (!WORD.test(metaArch))
      throw new InvalidArgumentError(
        `recipe nms.metaArch ${quote(metaArch)} is not a meta-architecture name such as yolov8`,
      )
    if (configPath.includes('\n'))
      throw new InvalidArgumentError(`recipe nms.configPath ${quote(configPath)} has a line break`)
    out.push(
      command(
        'nms_postprocess',
        [{ kind: 'string', value: configPath, quote: '"' }],
        [
          ['meta_arch', word(metaArch)],
          ['engine', word(engine)],
        ],
      ),
    )
  }
  if (recipe.optimizationLevel !== undefined || recipe.compressionLevel !== undefined) {
    const kw: Array<[string, AllsValue]> = []
    if (recipe.optimizationLevel !== undefined)
      kw.push(['optimization_level', int(recipe.optimizationLevel, 'optimizationLevel', 0, 4)])
    if (recipe.compressionLevel !== undefined)
      kw.push(['compression_level', int(recipe.compressionLevel, 'compressionLevel', 0, 5)])
    out.push(command('model_optimization_flavor', [], kw))
  }
  if (
    recipe.calibration &&
    (recipe.calibration.batchSize !== undefined || recipe.calibration.calibsetSize !== undefined)
  ) {
    const kw: Array<[string, AllsValue]> = []
    if (recipe.calibration.batchSize !== undefined)
      kw.push(['batch_size', int(recipe.calibration.batchSize, 'calibration.batchSize', 1, 65536)])
    if (recipe.calibration.calibsetSize !== undefined)
      kw.push(['calibset_size', int(recipe.calibration.calibsetSize, 'calibration.calibsetSize', 1, 1 << 24)])
    out.push(command('model_optimization_config', [word('calibration')], kw))
  }
  for (const c of recipe.activationClipping ?? []) {
    const kw: Array<[string, AllsValue]> = [
      ['layers', { kind: 'list', items: layerListItems(c.layers) }],
      ['mode', word(c.mode)],
    ]
    if (c.mode !== 'disabled') {
      if (!c.clippingValues)
        throw new InvalidArgumentError(`recipe activation clipping (${c.mode}) needs clippingValues [lo, hi]`)
      const [lo, hi] = c.clippingValues
      if (!(lo < hi))
        throw new InvalidArgumentError(`recipe activation clipping values [${lo}, ${hi}] must have lo < hi`)
      kw.push([
        'clipping_values',
        { kind: 'list', items: [num(lo, 'clippingValues[0]'), num(hi, 'clippingValues[1]')] },
      ])
    }
    out.push(command('pre_quantization_optimization', [word('activation_clipping')], kw))
  }
  for (const p of recipe.precisionModes ?? []) {
    if (!PRECISION_MODES.has(p.mode)) {
      throw new InvalidArgumentError(
        `recipe precision mode ${quote(p.mode)} is not one of a8_w8, a8_w4, a16_w16, a16_w8`,
      )
    }
    out.push(
      command(
        'quantization_param',
        [layerList(p.layers, 'precisionModes.layers')],
        [['precision_mode', word(p.mode)]],
      ),
    )
  }
  return out
}

function layerListItems(layers: readonly string[]): AllsValue[] {
  const v = layerList(layers, 'activationClipping.layers')
  return v.kind === 'list' ? v.items : [v]
}

/** The recipe as .alls text, one command per line, ending with a line break (empty recipe: ''). */
export function recipeToAlls(recipe: Recipe): string {
  const statements = recipeCommands(recipe)
  return writeAlls({ statements, eol: '\n', finalNewline: statements.length > 0 })
}
