/**
 * `quantscope eval --model m.onnx --data <instances.json|data.yaml>`: run a detector over a dataset under
 * one protocol and print pycocotools' and Ultralytics' numbers and the speed per image. The progress bar
 * goes to stderr, and only when stderr is a terminal.
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { parseDecoderName } from '../../core/detect/decoder-detect'
import {
  describeProtocol,
  PRESET_NAMES,
  RESIZE_KERNELS,
  RESIZE_MODES,
  type PresetName,
  type ProtocolChoices,
  type ResizeKernel,
  type ResizeMode,
  type Triple,
} from '../../core/detect/protocol'
import { FileAccessError, InvalidArgumentError, quote } from '../../core/errors'
import { openDataset } from '../../services/files/dataset-files'
import type { EvalProgress, EvaluateOptions, EvaluationResult } from '../../services/jobs/evaluate'
import { defaultWorkspaceDir, openWorkspace, type Workspace } from '../../services/store/workspace'
import type { RunSummary } from '../../shared/run'
import type { CliIo } from '../cli-io'
import { formatMetricsTable } from '../metrics-table'
import { positiveInt } from './parse-flags'

function unitNumber(flag: string) {
  return (value: string): number => {
    const v = Number(value)
    if (value.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new InvalidArgumentError(`${flag} ${quote(value)} is not a number between 0 and 1`)
    }
    return v
  }
}

function triple(flag: string) {
  return (value: string): Triple => {
    const parts = value.split(',').map((p) => Number(p.trim()))
    if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v))) {
      throw new InvalidArgumentError(`${flag} ${quote(value)} must be three numbers a,b,c (one per channel)`)
    }
    return parts as Triple
  }
}

function imgsz(value: string): number | [number, number] {
  const parts = value.split(/[,x×]/).map((p) => p.trim())
  if (parts.every((p) => /^\d+$/.test(p) && Number(p) > 0) && (parts.length === 1 || parts.length === 2)) {
    return parts.length === 1 ? Number(parts[0]) : [Number(parts[0]), Number(parts[1])]
  }
  throw new InvalidArgumentError(`--imgsz ${quote(value)} is not a size: give 640, or height,width`)
}

interface EvalFlags {
  model: string
  data: string
  images?: string
  split: string
  imgsz?: number | [number, number]
  preset?: PresetName
  resize?: ResizeMode
  letterbox?: boolean
  letterboxTopleft?: boolean
  stretch?: boolean
  pad?: number
  resizeKernel?: ResizeKernel
  bgr?: boolean
  rgb?: boolean
  pixelRange?: '1' | '255'
  mean?: Triple
  std?: Triple
  conf?: number
  iou?: number
  maxDet?: number
  nmsProfile?: 'ultralytics' | 'hailo'
  agnostic?: boolean
  decoder: string
  limit?: number
  threads?: number
  saveDets?: string
  workspace?: string
  store: boolean
  stage: string
  backend: string
  label?: string
  json?: boolean
}

function resizeChoice(flags: EvalFlags): ResizeMode | undefined {
  const picked = [
    flags.resize,
    flags.letterbox ? 'letterbox' : undefined,
    flags.letterboxTopleft ? 'letterbox-topleft' : undefined,
    flags.stretch ? 'stretch' : undefined,
  ].filter((v): v is ResizeMode => v !== undefined)
  if (new Set(picked).size > 1) {
    throw new InvalidArgumentError(`choose one resize: ${picked.map((p) => `--${p}`).join(' and ')} disagree`)
  }
  return picked[0]
}

export function protocolChoicesOf(flags: EvalFlags): ProtocolChoices {
  if (flags.bgr && flags.rgb) throw new InvalidArgumentError('--bgr and --rgb disagree: choose one')
  const choices: ProtocolChoices = { nms: {} }
  const resize = resizeChoice(flags)
  if (flags.preset !== undefined) choices.preset = flags.preset
  if (resize !== undefined) choices.resize = resize
  if (flags.pad !== undefined) choices.pad = flags.pad
  if (flags.resizeKernel !== undefined) choices.kernel = flags.resizeKernel
  if (flags.bgr) choices.colorOrder = 'bgr'
  if (flags.rgb) choices.colorOrder = 'rgb'
  if (flags.pixelRange !== undefined) choices.pixelRange = flags.pixelRange === '1' ? 1 : 255
  if (flags.mean !== undefined) choices.mean = flags.mean
  if (flags.std !== undefined) choices.std = flags.std
  const nms = choices.nms!
  if (flags.nmsProfile !== undefined) nms.profile = flags.nmsProfile
  if (flags.conf !== undefined) nms.conf = flags.conf
  if (flags.iou !== undefined) nms.iou = flags.iou
  if (flags.maxDet !== undefined) nms.maxDet = flags.maxDet
  if (flags.agnostic) nms.classAgnostic = true
  return choices
}

/** `[=====>      ] 64/128  3 errors  eta 4s` on one terminal line. */
function progressLine(p: Pick<EvalProgress, 'done' | 'total' | 'errors' | 'etaMs'>): string {
  const width = 30
  const filled = Math.round((p.done / p.total) * width)
  const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}`
  const eta = p.etaMs === null ? '' : `  eta ${Math.ceil(p.etaMs / 1000)}s`
  const errors = p.errors > 0 ? `  ${p.errors} error${p.errors === 1 ? '' : 's'}` : ''
  return `[${bar}] ${p.done}/${p.total}${errors}${eta}`
}

const ms = (v: number): string => `${v.toFixed(1)}ms`

export function formatEvalReport(result: EvaluationResult, modelName: string): string {
  const s = result.speed
  const lines = [
    `model     ${modelName} (${result.model.input.width}×${result.model.input.height}, decoder ${result.protocol.decode.decoder}: ${result.model.decoderReason})`,
    `protocol  ${describeProtocol(result.protocol)}`,
    `          hash ${result.protocolHash.slice(0, 16)}`,
    `images    ${result.images} scored of ${result.total}${result.errors.length > 0 ? `, ${result.errors.length} failed` : ''}; ${result.predictions.length} detections`,
    '',
    formatMetricsTable(result.metrics),
    '',
    `Speed: ${ms(s.preprocess)} preprocess, ${ms(s.inference)} inference, ${ms(s.postprocess)} postprocess per image; ` +
      `${(result.wallMs / 1000).toFixed(1)}s in all (${((result.total / result.wallMs) * 1000).toFixed(1)} images/s)`,
  ]
  return lines.join('\n')
}

export function registerEvalCommand(program: Command, io: CliIo): void {
  program
    .command('eval')
    .description(
      'evaluate an ONNX detector on a dataset under one protocol: COCO mAP, Ultralytics P/R/mAP, speed',
    )
    .requiredOption('--model <file>', 'the .onnx model')
    .requiredOption('--data <file>', 'ground truth: COCO instances JSON, or a YOLO data.yaml (or its folder)')
    .option('--images <dir>', 'COCO JSON: the folder holding its images')
    .option('--split <name>', 'YOLO data.yaml: the split to evaluate', 'val')
    .option('--imgsz <n>', 'input size (square, or height,width); must match a fixed model input', imgsz)
    .addOption(
      new Option(
        '--preset <name>',
        'preprocessing contract: ultralytics (RGB ÷255, centered letterbox 114), yolox (BGR 0..255, top-left letterbox 114), nanodet (BGR mean/std, centered letterbox 0); default: the decoder’s family',
      ).choices(PRESET_NAMES),
    )
    .addOption(new Option('--resize <mode>', 'how the picture fits the input').choices(RESIZE_MODES))
    .option('--letterbox', 'same as --resize letterbox (keep aspect, pad centered)')
    .option('--letterbox-topleft', 'same as --resize letterbox-topleft (keep aspect, pad right and bottom)')
    .option('--stretch', 'same as --resize stretch (no aspect kept, no pad)')
    .option('--pad <v>', 'letterbox fill value 0..255 (default 114)', (v) => {
      if (!/^\d+$/.test(v) || Number(v) > 255)
        throw new InvalidArgumentError(`--pad ${quote(v)} is not 0..255`)
      return Number(v)
    })
    .addOption(
      new Option(
        '--resize-kernel <k>',
        'resampling: opencv-linear (cv2 INTER_LINEAR, bit-exact; default) or libvips’ linear, cubic, lanczos3, nearest',
      ).choices(RESIZE_KERNELS),
    )
    .option('--bgr', 'feed channels as B, G, R')
    .option('--rgb', 'feed channels as R, G, B')
    .addOption(new Option('--pixel-range <r>', '1: pixels ÷ 255; 255: raw 0..255').choices(['1', '255']))
    .option(
      '--mean <a,b,c>',
      'per-channel mean subtracted after the range (tensor channel order)',
      triple('--mean'),
    )
    .option('--std <a,b,c>', 'per-channel std divided by after the mean', triple('--std'))
    .option(
      '--conf <x>',
      'confidence threshold before NMS (default 0.001; hailo profile 0.2)',
      unitNumber('--conf'),
    )
    .option('--iou <x>', 'NMS IoU threshold (default 0.7)', unitNumber('--iou'))
    .option('--max-det <n>', 'detections kept per image (default 300)', positiveInt('--max-det'))
    .addOption(
      new Option(
        '--nms-profile <name>',
        'NMS rules: ultralytics (yolo val) or hailo (HailoRT host NMS)',
      ).choices(['ultralytics', 'hailo']),
    )
    .option('--agnostic', 'one NMS across classes')
    .option('--decoder <name>', 'auto, or one of yolov5, yolov8, yolox, nanodet, e2e, raw-v5, raw-v8', 'auto')
    .option('--limit <n>', 'evaluate the first n images only', positiveInt('--limit'))
    .option(
      '--threads <n>',
      'onnxruntime intra-op threads (default: the CPU count − 1, at least 1)',
      positiveInt('--threads'),
    )
    .option('--save-dets <file>', 'write the detections as COCO results JSON')
    .option('--workspace <dir>', 'workspace folder the run is stored in (default: the desktop app’s)')
    .option('--no-store', 'do not store the run in the workspace')
    .option('--stage <name>', 'the ladder stage this run stands for', 'original')
    .option('--backend <name>', 'where inference ran', 'ort-cpu')
    .option('--label <text>', 'a label for the run (a recipe name, a sweep …)')
    .option('--json', 'print {metrics, speed, images, errors, protocol} as JSON')
    .action(async (flags: EvalFlags) => {
      const decoder = flags.decoder === 'auto' ? 'auto' : parseDecoderName(flags.decoder)
      // The engine (sharp, the inference worker) loads only when an evaluation runs.
      const [{ evaluate, formatPredictions }, { evaluateAsRun }] = await Promise.all([
        import('../../services/jobs/evaluate'),
        import('../../services/jobs/eval-run'),
      ])
      const protocol = protocolChoicesOf(flags)
      const isYaml = /\.ya?ml$/i.test(flags.data)
      const dataset = await openDataset(flags.data, {
        ...(isYaml ? { split: flags.split } : {}),
        ...(flags.images === undefined ? {} : { imagesDir: flags.images }),
      })
      const controller = new AbortController()
      const onSignal = (): void => controller.abort(new DOMException('cancelled by the user', 'AbortError'))
      process.once('SIGINT', onSignal)
      const tty = process.stderr.isTTY === true
      let last = 0
      let workspace: Workspace | undefined
      try {
        const evalOptions: Omit<EvaluateOptions, 'signal' | 'onProgress'> = {
          modelPath: flags.model,
          dataset,
          decoder,
          protocol,
          ...(flags.imgsz === undefined ? {} : { imgsz: flags.imgsz }),
          ...(flags.limit === undefined ? {} : { limit: flags.limit }),
          ...(flags.threads === undefined ? {} : { inference: { intraOpThreads: flags.threads } }),
        }
        const onProgress = tty
          ? (p: { done: number; total: number; errors: number; etaMs?: number | null }) => {
              const now = performance.now()
              if (p.done < p.total && now - last < 100) return
              last = now
              process.stderr.write(
                `\r${progressLine({ ...p, etaMs: p.etaMs ?? null })}\u001b[K${p.done === p.total ? '\n' : ''}`,
              )
            }
          : undefined
        let result: EvaluationResult
        let run: RunSummary | undefined
        if (flags.store) {
          workspace = openWorkspace(flags.workspace ?? defaultWorkspaceDir())
          const stored = await evaluateAsRun(workspace, {
            ...evalOptions,
            datasetSource: {
              path: resolve(flags.data),
              ...(flags.images === undefined ? {} : { imagesDir: resolve(flags.images) }),
              ...(isYaml ? { split: flags.split } : {}),
            },
            stage: flags.stage,
            backend: flags.backend,
            ...(flags.label === undefined ? {} : { label: flags.label }),
            signal: controller.signal,
            ...(onProgress ? { onProgress } : {}),
          })
          result = stored.result
          run = stored.run
        } else {
          result = await evaluate({
            ...evalOptions,
            signal: controller.signal,
            ...(onProgress ? { onProgress } : {}),
          })
        }
        if (flags.saveDets !== undefined) {
          try {
            await writeFile(flags.saveDets, formatPredictions(result.predictions))
          } catch (error) {
            throw new FileAccessError(
              `cannot write ${quote(flags.saveDets)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
              { cause: error },
            )
          }
        }
        for (const w of result.warnings) io.err(`warning: ${w}`)
        if (result.errors.length > 0) {
          io.err(
            `warning: ${result.errors.length} image(s) could not be read and were left out: ${result.errors
              .slice(0, 5)
              .map((e) => `${e.fileName} (${e.reason})`)
              .join(', ')}${result.errors.length > 5 ? ' …' : ''}`,
          )
        }
        if (flags.json) {
          io.out(
            JSON.stringify(
              {
                metrics: result.metrics,
                speed: result.speed,
                images: result.images,
                total: result.total,
                errors: result.errors,
                protocol: result.protocol,
                protocolHash: result.protocolHash,
                model: result.model,
                detections: result.predictions.length,
                wallMs: result.wallMs,
                warnings: result.warnings,
                run: run ? { id: run.id, uid: run.uid, status: run.status, workspace: workspace?.dir } : null,
              },
              null,
              2,
            ),
          )
        } else {
          io.out(formatEvalReport(result, flags.model))
          if (run) io.out(`stored as run ${run.id} (${run.status}) in ${workspace!.dir}`)
        }
      } finally {
        process.removeListener('SIGINT', onSignal)
        workspace?.close()
      }
    })
}
