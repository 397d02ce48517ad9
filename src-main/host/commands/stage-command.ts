/**
 * `quantscope end-nodes <model.onnx> [--json]`: the head's end nodes proposed by graph pattern.
 * `quantscope build-stage --model m.onnx --stage parsed|fp_optimized [--end-nodes a,b,c] -o out.onnx`:
 * write a stage variant and print its recipe. Bad input (unknown or non-separating end nodes, no image
 * input, not an ONNX file) exits 2 with one line on stderr.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { FileAccessError, InvalidArgumentError, quote } from '../../core/errors'
import { proposeEndNodes, type EndNodeProposal } from '../../core/onnx/end-nodes'
import { decodeOnnxModel } from '../../core/onnx/onnx-model'
import { buildFpOptimizedStage } from '../../core/onnx/stage-fp-optimized'
import { buildParsedStage } from '../../core/onnx/stage-parsed'
import type { Variant } from '../../core/onnx/variant'
import { readModelFile, sha256Hex } from '../../services/files/model-file'
import type { CliIo } from '../cli-io'

const STAGES = ['parsed', 'fp_optimized'] as const

function endNodeList(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (names.length === 0) {
    throw new InvalidArgumentError(`--end-nodes ${JSON.stringify(value)} names no node; give a,b,c`)
  }
  return names
}

export function formatProposal(p: EndNodeProposal): string {
  const lines = [`family  ${p.family}`, `reason  ${p.reason}`, 'end nodes:']
  for (const e of p.endNodes) {
    lines.push(`  ${e.name}  (${e.role}, stride ${e.stride ?? '?'}, ${e.channels ?? '?'} ch) -> ${e.output}`)
  }
  return lines.join('\n')
}

interface BuildFlags {
  model: string
  stage: (typeof STAGES)[number]
  endNodes?: string[]
  output: string
  json?: boolean
}

export function registerStageCommands(program: Command, io: CliIo): void {
  program
    .command('end-nodes')
    .description("propose a detector's end nodes (the last head convolutions, where the parsed stage cuts)")
    .argument('<model>', 'an ONNX model')
    .option('--json', 'print the proposal as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const model = readModelFile(file)
      const proposal = proposeEndNodes(decodeOnnxModel(model.bytes))
      io.out(opts.json ? JSON.stringify(proposal, null, 2) : formatProposal(proposal))
    })

  program
    .command('build-stage')
    .description('write a stage variant of an ONNX model: parsed (cut at the end nodes) or fp_optimized')
    .requiredOption('--model <file>', 'the original ONNX model')
    .addOption(new Option('--stage <name>', 'the stage to build').choices(STAGES).makeOptionMandatory())
    .option('--end-nodes <a,b,c>', 'parsed: end node names (default: the proposal)', endNodeList)
    .requiredOption('-o, --output <file>', 'where to write the variant (.onnx)')
    .option('--json', 'print the recipe as JSON')
    .action((flags: BuildFlags) => {
      if (flags.endNodes && flags.stage !== 'parsed') {
        throw new InvalidArgumentError('--end-nodes applies to --stage parsed only')
      }
      const model = readModelFile(flags.model)
      const out = resolve(flags.output)
      if (out === model.path) {
        throw new InvalidArgumentError(
          `-o ${quote(flags.output)} is the input model; write the variant elsewhere`,
        )
      }
      const variant: Variant =
        flags.stage === 'parsed'
          ? buildParsedStage(model.bytes, flags.endNodes ? { endNodes: flags.endNodes } : {})
          : buildFpOptimizedStage(model.bytes)
      const sha256 = sha256Hex(variant.bytes)
      try {
        writeFileSync(out, variant.bytes)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        throw new FileAccessError(`cannot write ${quote(out)}: ${code ?? (error as Error).message}`, {
          cause: error,
        })
      }
      const summary = {
        stage: variant.stage,
        path: out,
        bytes: variant.bytes.byteLength,
        sha256,
        recipe: variant.recipe,
      }
      if (flags.json) io.out(JSON.stringify(summary, null, 2))
      else
        io.out(
          `${variant.stage} variant written to ${out} (${variant.bytes.byteLength} bytes, sha256 ${sha256})`,
        )
    })
}
