/**
 * `quantscope runs …` and `quantscope datasets …`: the runs table from a terminal — list, show, tag,
 * note, delete, export (CSV or bundle), import (bundle or a device's COCO results).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { Option, type Command } from 'commander'
import { InvalidArgumentError, quote } from '../../core/errors'
import { parseJsonText } from '../../core/datasets/json-text'
import type { RunListQuery, RunSummary } from '../../shared/api'
import { RUN_SORT_KEYS, RUN_STATUSES } from '../../shared/run'
import type { CliIo } from '../cli-io'
import { withApi, workspaceOption } from './call-api'
import { keyValues, positiveInt } from './parse-flags'

const WHERE_KEYS = [
  'stage',
  'backend',
  'status',
  'model',
  'dataset',
  'label',
  'tag',
  'protocol',
  'level',
] as const

function toQuery(where: Record<string, string>, sort?: string): RunListQuery {
  const q: RunListQuery = {}
  const int = (key: string, v: string): number => positiveInt(`--where ${key}`)(v)
  for (const [k, v] of Object.entries(where)) {
    if (k === 'stage') q.stage = v
    else if (k === 'backend') q.backend = v
    else if (k === 'status') {
      if (!(RUN_STATUSES as readonly string[]).includes(v)) {
        throw new InvalidArgumentError(`--where status=${v}: status is one of ${RUN_STATUSES.join(', ')}`)
      }
      q.status = v as RunListQuery['status']
    } else if (k === 'model') q.modelId = int(k, v)
    else if (k === 'dataset') q.datasetId = int(k, v)
    else if (k === 'label') q.label = v
    else if (k === 'tag') q.tag = v
    else if (k === 'protocol') q.protocolHash = v
    else if (k === 'level') q.optimizationLevel = Number(v)
  }
  if (sort) {
    const desc = sort.startsWith('-')
    const key = desc ? sort.slice(1) : sort
    if (!(RUN_SORT_KEYS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(
        `--sort ${quote(sort)}: sort by one of ${RUN_SORT_KEYS.join(', ')} (prefix - for descending)`,
      )
    }
    q.sort = key
    q.order = desc ? 'desc' : 'asc'
  }
  return q
}

const f3 = (v: number | null): string => (v === null ? '—' : v.toFixed(3))

function runsTable(runs: readonly RunSummary[]): string {
  const head = [
    'id',
    'status',
    'stage',
    'backend',
    'label',
    'model',
    'mAP50-95',
    'mAP50',
    'P',
    'R',
    'created',
    'tags',
  ]
  const rows = runs.map((r) => [
    String(r.id),
    r.status,
    r.stage,
    r.backend,
    r.label,
    r.modelId === null ? '—' : String(r.modelId),
    f3(r.map50_95),
    f3(r.map50),
    f3(r.precision),
    f3(r.recall),
    r.createdAt.slice(0, 19).replace('T', ' '),
    r.tags.join(','),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  return [head, ...rows]
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

function writeOut(io: CliIo, text: string, output?: string): void {
  if (output) writeFileSync(output, text)
  else io.out(text.replace(/\r?\n$/, ''))
}

export function registerRunsCommands(program: Command, io: CliIo): void {
  const runs = program.command('runs').description('the runs stored in a workspace')

  workspaceOption(
    runs
      .command('list')
      .description('list runs (newest first)')
      .option(
        '--where <filters>',
        `filter: key=value,… with keys ${WHERE_KEYS.join(', ')}`,
        keyValues('--where', WHERE_KEYS),
        {},
      )
      .option('--sort <column>', `sort by ${RUN_SORT_KEYS.join(', ')}; prefix - for descending`)
      .option('--limit <n>', 'at most n runs', positiveInt('--limit'))
      .option('--json', 'print JSON'),
  ).action(
    async (o: {
      where: Record<string, string>
      sort?: string
      limit?: number
      json?: boolean
      workspace?: string
    }) => {
      const q = { ...toQuery(o.where, o.sort), ...(o.limit ? { limit: o.limit } : {}) }
      await withApi(o.workspace, async (api) => {
        const list = await api.call('runs.list', q)
        io.out(o.json ? JSON.stringify(list, null, 2) : list.length ? runsTable(list) : 'no runs match')
      })
    },
  )

  workspaceOption(
    runs
      .command('show')
      .description('one run in full')
      .argument('<id>', 'run id', positiveInt('<id>'))
      .option('--json', 'print JSON'),
  ).action(async (id: number, o: { json?: boolean; workspace?: string }) => {
    await withApi(o.workspace, async (api) => {
      const run = await api.call('runs.get', { id })
      if (o.json) return io.out(JSON.stringify(run, null, 2))
      io.out(runsTable([run]))
      io.out(`protocol ${run.protocolHash.slice(0, 12)} ${JSON.stringify(run.protocol)}`)
      if (Object.keys(run.recipe).length) io.out(`recipe ${JSON.stringify(run.recipe)}`)
      if (run.metrics) io.out(`COCO stats ${run.metrics.coco.stats.map((v) => v.toFixed(3)).join(' ')}`)
      if (run.notes) io.out(`notes ${run.notes}`)
      if (run.error) io.out(`error ${run.error}`)
    })
  })

  workspaceOption(
    runs
      .command('tag')
      .description('add a tag to a run')
      .argument('<id>', 'run id', positiveInt('<id>'))
      .argument('<tag>'),
  ).action(async (id: number, tag: string, o: { workspace?: string }) => {
    await withApi(o.workspace, async (api) =>
      io.out(`run ${id}: ${(await api.call('runs.tag', { id, tag })).tags.join(', ')}`),
    )
  })

  workspaceOption(
    runs
      .command('note')
      .description('set a run’s notes')
      .argument('<id>', 'run id', positiveInt('<id>'))
      .argument('<text>'),
  ).action(async (id: number, notes: string, o: { workspace?: string }) => {
    await withApi(o.workspace, async (api) => {
      await api.call('runs.setNotes', { id, notes })
      io.out(`run ${id}: notes saved`)
    })
  })

  workspaceOption(
    runs
      .command('delete')
      .description('delete a run and its outputs')
      .argument('<id>', 'run id', positiveInt('<id>')),
  ).action(async (id: number, o: { workspace?: string }) => {
    await withApi(o.workspace, async (api) => {
      const { deleted } = await api.call('runs.delete', { id })
      if (!deleted)
        throw new InvalidArgumentError(`no run with id ${id}; list runs with \`quantscope runs list\``)
      io.out(`run ${id} deleted`)
    })
  })

  workspaceOption(
    runs
      .command('export')
      .description('the runs table as CSV, or runs as a bundle for another workspace')
      .addOption(new Option('--format <f>', 'csv or bundle').choices(['csv', 'bundle']).default('csv'))
      .option('--where <filters>', 'filter (as runs list)', keyValues('--where', WHERE_KEYS), {})
      .option('--ids <ids>', 'bundle: comma-separated run ids (default: every run the filter selects)')
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  ).action(
    async (o: {
      format: 'csv' | 'bundle'
      where: Record<string, string>
      ids?: string
      output?: string
      workspace?: string
    }) => {
      await withApi(o.workspace, async (api) => {
        const q = toQuery(o.where)
        if (o.format === 'csv') return writeOut(io, (await api.call('runs.exportCsv', q)).csv, o.output)
        const ids = o.ids
          ? o.ids.split(',').map((s) => positiveInt('--ids')(s.trim()))
          : (await api.call('runs.list', { ...q, sort: 'id', order: 'asc' })).map((r) => r.id)
        if (!ids.length) throw new InvalidArgumentError('no runs to export: the filter selects none')
        const { json, runs: n } = await api.call('runs.exportBundle', { ids })
        writeOut(io, json, o.output)
        if (o.output) io.err(`${n} runs written to ${o.output}`)
      })
    },
  )

  workspaceOption(
    runs
      .command('import')
      .description('import a run bundle, or a COCO results JSON from a device as a run')
      .argument('<file>', 'bundle.json or coco-results.json')
      .option('--stage <stage>', 'results: the ladder stage (hardware, emulator, quantized …)')
      .option('--backend <name>', 'results: where they were made (hailo8, edgetpu, openvino …)')
      .option('--model <id>', 'results: the stored model they came from', positiveInt('--model'))
      .option('--dataset <id>', 'results: the stored dataset they score against', positiveInt('--dataset'))
      .option('--label <text>', 'results: a label for the run')
      .option('--notes <text>', 'results: notes')
      .option('--protocol <file>', 'results: JSON file describing the protocol they were made with')
      .option('--yolo80', 'results: category ids are class indices 0..79'),
  ).action(
    async (
      file: string,
      o: {
        stage?: string
        backend?: string
        model?: number
        dataset?: number
        label?: string
        notes?: string
        protocol?: string
        yolo80?: boolean
        workspace?: string
      },
    ) => {
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch (error) {
        throw new InvalidArgumentError(
          `cannot read ${quote(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        )
      }
      // A bundle is a JSON object; COCO results are an array.
      const isBundle = /^\s*\{/.test(text)
      await withApi(o.workspace, async (api) => {
        if (isBundle) {
          const r = await api.call('runs.importBundle', { json: text })
          io.out(
            `imported ${r.imported.length} runs${r.skipped.length ? `; ${r.skipped.length} already here, skipped` : ''}`,
          )
          return
        }
        if (!o.stage || !o.backend || !o.dataset) {
          throw new InvalidArgumentError(
            'importing COCO results needs --stage, --backend and --dataset <id> (see `quantscope datasets list`)',
          )
        }
        const protocol = o.protocol
          ? (parseJsonText(readFileSync(o.protocol, 'utf8'), o.protocol) as Record<string, unknown>)
          : undefined
        const r = await api.call('runs.importResults', {
          path: file,
          datasetId: o.dataset,
          stage: o.stage,
          backend: o.backend,
          ...(o.model ? { modelId: o.model } : {}),
          ...(o.label ? { label: o.label } : {}),
          ...(o.notes ? { notes: o.notes } : {}),
          ...(protocol ? { protocol } : {}),
          ...(o.yolo80 ? { yolo80: true } : {}),
        })
        for (const w of r.warnings) io.err(`warning: ${w}`)
        io.out(
          `run ${r.run.id}: ${r.run.stage} on ${r.run.backend}, mAP50-95 ${f3(r.run.map50_95)}, mAP50 ${f3(r.run.map50)}`,
        )
      })
    },
  )

  const datasets = program.command('datasets').description('the datasets stored in a workspace')
  workspaceOption(
    datasets
      .command('add')
      .description('read a dataset (COCO instances JSON or YOLO data.yaml) and store it')
      .argument('<path>')
      .option('--images <dir>', 'COCO JSON: the folder holding the images')
      .option('--split <name>', 'YOLO: the split to read (default val)')
      .option('--json', 'print JSON'),
  ).action(
    async (path: string, o: { images?: string; split?: string; json?: boolean; workspace?: string }) => {
      await withApi(o.workspace, async (api) => {
        const d = await api.call('datasets.open', {
          path,
          ...(o.split ? { split: o.split } : {}),
          ...(o.images ? { imagesDir: o.images } : {}),
        })
        for (const w of d.warnings ?? []) io.err(`warning: ${w}`)
        io.out(
          o.json
            ? JSON.stringify(d, null, 2)
            : `dataset ${d.id}: ${d.format}, ${d.imageCount} images, ${d.boxCount} boxes, fingerprint ${d.fingerprint.slice(0, 12)}`,
        )
      })
    },
  )
  workspaceOption(
    datasets.command('list').description('list stored datasets').option('--json', 'print JSON'),
  ).action(async (o: { json?: boolean; workspace?: string }) => {
    await withApi(o.workspace, async (api) => {
      const list = await api.call('datasets.list', {})
      io.out(
        o.json
          ? JSON.stringify(list, null, 2)
          : list
              .map((d) => `${d.id}  ${d.format}  ${d.imageCount} images  ${d.boxCount} boxes  ${d.path}`)
              .join('\n') || 'no datasets',
      )
    })
  })
}
