/**
 * `quantscope metrics --gt <instances.json|data.yaml> --dt <results.json>`: score a COCO results file
 * against ground truth, with pycocotools' numbers (and Ultralytics' on request).
 */
import { Option, type Command } from 'commander'
import { checkDetections, describeDetectionCheck } from '../../core/datasets/coco-results'
import { InvalidArgumentError } from '../../core/errors'
import { computeMetrics, metricsReportJson, type MetricsFlavor } from '../../core/metrics/metrics-report'
import { openDataset, openDetections } from '../../services/files/dataset-files'
import { formatMetricsTable } from '../metrics-table'
import type { CliIo } from '../cli-io'

function parseUnit(flag: string) {
  return (value: string): number => {
    const v = Number(value)
    if (value.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new InvalidArgumentError(`${flag} ${JSON.stringify(value)} is not a number between 0 and 1`)
    }
    return v
  }
}

interface MetricsFlags {
  gt: string
  dt: string
  flavor: MetricsFlavor
  yolo80?: boolean
  conf?: number
  iou?: number
  images?: string
  split?: string
  json?: boolean
}

export function registerMetricsCommand(program: Command, io: CliIo): void {
  program
    .command('metrics')
    .description(
      'score detections (COCO results JSON) against ground truth, as pycocotools and Ultralytics do',
    )
    .requiredOption('--gt <file>', 'ground truth: COCO instances JSON or a YOLO data.yaml')
    .requiredOption(
      '--dt <file>',
      'detections: COCO results JSON [{image_id, category_id, bbox [x,y,w,h] px, score}]',
    )
    .addOption(
      new Option('--flavor <name>', 'which numbers lead').choices(['coco', 'ultralytics']).default('coco'),
    )
    .option('--yolo80', 'detections carry class indices 0..79; map them to COCO category ids')
    .option(
      '--conf <x>',
      'with --iou: precision, recall and confusion matrix at this confidence',
      parseUnit('--conf'),
    )
    .option('--iou <y>', 'with --conf: the IoU a match needs', parseUnit('--iou'))
    .option('--split <name>', 'YOLO data.yaml: the split to read', 'val')
    .option('--json', 'print the report as JSON')
    .action(async (flags: MetricsFlags) => {
      if ((flags.conf === undefined) !== (flags.iou === undefined)) {
        throw new InvalidArgumentError('--conf and --iou go together: give both (e.g. --conf 0.4 --iou 0.8)')
      }
      const isYaml = /\.ya?ml$/i.test(flags.gt)
      const dataset = await openDataset(flags.gt, isYaml ? { split: flags.split } : {})
      const dets = await openDetections(flags.dt, { categoryIds: flags.yolo80 ? 'yolo80' : 'coco' })
      for (const line of describeDetectionCheck(checkDetections(dataset, dets))) io.err(`warning: ${line}`)
      for (const line of dataset.warnings) io.err(`warning: ${line}`)
      const report = computeMetrics(dataset, dets, {
        flavor: flags.flavor,
        ...(flags.conf !== undefined && flags.iou !== undefined
          ? { atConfidence: { conf: flags.conf, iou: flags.iou } }
          : {}),
      })
      io.out(flags.json ? JSON.stringify(metricsReportJson(report), null, 2) : formatMetricsTable(report))
    })
}
