/**
 * `quantscope quantize --model m.onnx --calib <instances.json|data.yaml> -o out.onnx`: calibrate the
 * float model on a calibration set (services/jobs/calibrate) and write the QDQ variant
 * (core/quant/qdq-model) with its recipe. Conv inputs get uint8 Q/DQ, Conv weights int8 (per channel by
 * default; a8_w4 simulates 4-bit weights), biases int32; everything else stays float.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { makeProtocol, PRESET_NAMES, type PresetName } from '../../core/detect/protocol'
import { resolveModelInput } from '../../core/detect/model-input'
import { FileAccessError, InvalidArgumentError, quote } from '../../core/errors'
import { openModelBytes } from '../../core/formats/registry'
import { proposeEndNodes } from '../../core/onnx/end-nodes'
import { decodeOnnxModel, type OnnxModel } from '../../core/onnx/onnx-model'
import type { QdqPrecision, QuantizeRecipeOptions, WeightGranularity } from '../../core/quant/qdq-model'
import type { ObserverMethod } from '../../core/quant/observers'
import type { CalibrationSelection } from '../../core/quant/calibration-set'
import { readModelFile, sha256Hex } from '../../services/files/model-file'
import type { CliIo } from '../cli-io'
import { positiveInt } from './parse-flags'

interface QuantizeFlags {
  model: string
  calib: string
  images?: string
  split: string
  calibSize: number
  seed: number
  selection: CalibrationSelection
  method: ObserverMethod
  percentile: number
  perChannel?: boolean
  perTensor?: boolean
  precision: QdqPrecision
  excludeHead?: boolean
  endNodes?: string[]
  exclude?: string[]
  preset?: PresetName
  output: string
  json?: boolean
}

function nameList(flag: string) {
  return (value: string): string[] => {
    const names = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    if (names.length === 0)
      throw new InvalidArgumentError(`${flag} ${JSON.stringify(value)} names nothing; give a,b,c`)
    return names
  }
}

function seedOf(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 4294967295) {
    throw new InvalidArgumentError(`--seed ${JSON.stringify(value)} is not a whole number in 0 … 4294967295`)
  }
  return Number(value)
}

function percentileOf(value: string): number {
  const p = Number(value)
  if (!(p > 50 && p <= 100)) {
    throw new InvalidArgumentError(`--percentile ${JSON.stringify(value)} must be in (50, 100], e.g. 99.99`)
  }
  return p
}

/** The preprocessing preset of the model's head family (YOLOX and NanoDet have their own). */
function presetOf(model: OnnxModel): PresetName {
  try {
    const family = proposeEndNodes(model).family
    return family === 'yolox' ? 'yolox' : family === 'nanodet' ? 'nanodet' : 'ultralytics'
  } catch {
    return 'ultralytics'
  }
}

export function registerQuantizeCommand(program: Command, io: CliIo): void {
  program
    .command('quantize')
    .description('calibrate an ONNX detector and write its INT8 QDQ variant (Conv inputs and weights)')
    .requiredOption('--model <file>', 'the float ONNX model')
    .requiredOption('--calib <file>', 'calibration dataset: a COCO instances JSON or a data.yaml')
    .option('--images <dir>', 'COCO JSON: the folder holding its images')
    .option('--split <name>', 'data.yaml: the split to calibrate on', 'train')
    .option('--calib-size <n>', 'images to calibrate on', positiveInt('--calib-size'), 8)
    .addOption(
      new Option('--selection <rule>', 'which images: the first N, or N drawn by --seed')
        .choices(['first', 'seeded'])
        .default('first'),
    )
    .option('--seed <n>', 'seed of --selection seeded', seedOf, 0)
    .addOption(
      new Option('--method <name>', 'activation range observer')
        .choices(['minmax', 'percentile', 'mse'])
        .default('minmax'),
    )
    .option('--percentile <p>', 'percentile clipping for --method percentile', percentileOf, 99.99)
    .option('--per-channel', 'weights: one scale per output channel (default)')
    .option('--per-tensor', 'weights: one scale per tensor')
    .addOption(
      new Option('--precision <mode>', 'bit widths').choices(['a8_w8', 'a8_w4', 'a16_w8']).default('a8_w8'),
    )
    .option('--exclude-head', 'keep everything after the end nodes in float')
    .option(
      '--end-nodes <a,b,c>',
      'end nodes for --exclude-head (default: proposed)',
      nameList('--end-nodes'),
    )
    .option('--exclude <a,b,c>', 'node names kept in float', nameList('--exclude'))
    .addOption(
      new Option('--preset <name>', 'preprocessing preset (default: the head family’s)').choices(
        PRESET_NAMES,
      ),
    )
    .requiredOption('-o, --output <file>', 'where to write the QDQ model (.onnx)')
    .option('--json', 'print the recipe as JSON')
    .action(async (flags: QuantizeFlags) => {
      if (flags.perChannel && flags.perTensor) {
        throw new InvalidArgumentError('--per-channel and --per-tensor exclude each other; pick one')
      }
      const model = readModelFile(flags.model)
      const out = resolve(flags.output)
      if (out === model.path) {
        throw new InvalidArgumentError(
          `-o ${quote(flags.output)} is the input model; write the variant elsewhere`,
        )
      }
      const summary = openModelBytes(model.bytes, model.host, model.fileName)
      if (summary.format !== 'onnx') {
        throw new InvalidArgumentError(
          `${quote(model.fileName)} is a ${summary.format.toUpperCase()} file; quantize takes ONNX`,
        )
      }
      const input = resolveModelInput(summary.inputs, {
        metadata: summary.metadata,
        modelName: model.fileName,
      })
      const decoded = decodeOnnxModel(model.bytes)
      const preset = flags.preset ?? presetOf(decoded)
      const preprocess = makeProtocol(
        input,
        preset === 'yolox' ? 'yolox' : preset === 'nanodet' ? 'nanodet' : 'yolov8',
        {
          preset,
        },
      ).preprocess
      const weights: WeightGranularity = flags.perTensor ? 'per-tensor' : 'per-channel'
      const recipe: QuantizeRecipeOptions = {
        weights,
        precision: flags.precision,
        ...(flags.exclude ? { excluded: flags.exclude } : {}),
        ...(flags.excludeHead ? { excludeHead: true } : {}),
        ...(flags.endNodes ? { endNodes: flags.endNodes } : {}),
      }
      // The engine (sharp, the inference worker) loads only when a calibration runs.
      const [{ calibrate }, { activationTensorsToCalibrate, buildQuantizedStage }, { openDataset }] =
        await Promise.all([
          import('../../services/jobs/calibrate'),
          import('../../core/quant/qdq-model'),
          import('../../services/files/dataset-files'),
        ])
      const isYaml = /\.ya?ml$/i.test(flags.calib)
      const dataset = await openDataset(flags.calib, {
        ...(isYaml ? { split: flags.split } : {}),
        ...(flags.images === undefined ? {} : { imagesDir: flags.images }),
      })
      const calibration = await calibrate({
        model: model.bytes,
        inputName: input.name,
        tensors: activationTensorsToCalibrate(decoded, recipe),
        dataset,
        preprocess,
        size: flags.calibSize,
        selection: flags.selection,
        seed: flags.seed,
        method: flags.method,
        percentile: flags.percentile,
      })
      const variant = buildQuantizedStage(model.bytes, decoded, calibration.ranges, recipe, {
        method: flags.method === 'percentile' ? `percentile ${flags.percentile}` : flags.method,
        images: calibration.images.length,
        selection: flags.selection === 'seeded' ? `seeded ${flags.seed}` : 'first',
        imageListSha256: calibration.imageListSha256,
      })
      const sha256 = sha256Hex(variant.bytes)
      try {
        writeFileSync(out, variant.bytes)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        throw new FileAccessError(`cannot write ${quote(out)}: ${code ?? (error as Error).message}`, {
          cause: error,
        })
      }
      const skipped = calibration.skipped.map((s) => `${s.fileName}: ${s.message}`)
      if (flags.json) {
        io.out(
          JSON.stringify(
            {
              stage: 'quantized',
              path: out,
              bytes: variant.bytes.byteLength,
              sha256,
              preset,
              skipped,
              recipe: variant.recipe,
            },
            null,
            2,
          ),
        )
        return
      }
      for (const w of [...variant.recipe.warnings, ...skipped.map((s) => `skipped ${s}`)])
        io.err(`warning: ${w}`)
      io.out(
        `quantized variant written to ${out} (${variant.bytes.byteLength} bytes, sha256 ${sha256}): ` +
          `${variant.recipe.quantizedNodes.length} Conv quantized, ${flags.precision}, ${weights} weights, ` +
          `${flags.method} on ${calibration.images.length} image(s)`,
      )
    })
}
