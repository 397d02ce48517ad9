/**
 * `quantscope` — the command line. Every command calls the same core, services and handlers as the
 * window. Errors: one line on stderr and a non-zero exit (2 for bad input, 1 for anything else); the
 * stack trace only with --debug.
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { openModelBytes } from '../core/formats/registry'
import { InvalidArgumentError, QuantscopeError } from '../core/errors'
import { readModelFile } from '../services/files/model-file'
import { defaultWorkspaceDir, openWorkspace } from '../services/store/workspace'
import { QUANTSCOPE_VERSION } from '../shared/version'
import { processIo, type CliIo } from './cli-io'
import { registerEvalCommand } from './commands/eval-command'
import { registerMetricsCommand } from './commands/metrics-command'
import { registerQuantizeCommand } from './commands/quantize-command'
import { registerRunsCommands } from './commands/runs-command'
import { registerStageCommands } from './commands/stage-command'
import { formatInspectReport } from './inspect-report'

export type { CliIo } from './cli-io'

/** The built renderer sits beside the main bundle: out/main/cli.js → out/renderer. */
function defaultRendererDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../renderer')
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(
      `--port ${JSON.stringify(value)} is not a port number (0–65535; 0 picks a free one)`,
    )
  }
  return port
}

/** Exit code for an error: 2 when the user's input was wrong, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  // A run cancelled with Ctrl+C (an AbortSignal's reason): the shell's code for SIGINT.
  if (error instanceof DOMException && error.name === 'AbortError') return 130
  if (error instanceof QuantscopeError) {
    return ['BAD_FILE', 'UNSUPPORTED_FORMAT', 'NOT_FOUND', 'IO', 'INVALID_ARGUMENT'].includes(error.code)
      ? 2
      : 1
  }
  return 1
}

export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command()
  program
    .name('quantscope')
    .description('Find where a detector loses accuracy on its way to an edge accelerator.')
    .version(QUANTSCOPE_VERSION, '-v, --version')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run quantscope --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()

  program
    .command('inspect')
    .description('say what a model file is: inputs, outputs, opsets, parameters, MACs, operators')
    .argument('<file>', 'a model file: .onnx, .hef, .har, .hn or .alls')
    .option('--json', 'print the summary as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const model = readModelFile(file)
      const summary = openModelBytes(model.bytes, model.host, model.fileName)
      const inspected = { path: model.path, sizeBytes: model.sizeBytes, sha256: model.sha256, summary }
      io.out(opts.json ? JSON.stringify(inspected, null, 2) : formatInspectReport(inspected))
    })

  program
    .command('serve')
    .description('serve the Quantscope UI to a browser on this machine')
    .addOption(new Option('--port <n>', 'port (0 picks a free one)').default(0).argParser(parsePort))
    .option('--host <addr>', 'address to bind; keep the loopback default unless you know why', '127.0.0.1')
    .option('--workspace <dir>', 'workspace folder (default: the desktop app’s)')
    .option('--renderer <dir>', 'built renderer folder (default: the one beside this build)')
    .action(async (opts: { port: number; host: string; workspace?: string; renderer?: string }) => {
      // Loaded on demand: the HTTP/WebSocket host and the API handlers (zod) cost ~150 ms to load.
      const { LOOPBACK_HOSTS, startServer } = await import('./serve')
      const workspace = openWorkspace(opts.workspace ?? defaultWorkspaceDir())
      if (!LOOPBACK_HOSTS.has(opts.host)) {
        io.err(
          `warning: binding to ${opts.host} exposes your files to that network; the token is the only guard`,
        )
      }
      const server = await startServer({
        workspace,
        rendererDir: opts.renderer ?? defaultRendererDir(),
        host: opts.host,
        port: opts.port,
      })
      io.out(`Quantscope is serving ${server.urlWithToken}`)
      io.out(`workspace ${workspace.dir} — press Ctrl+C to stop`)
      const stop = (): void => {
        void server.close().finally(() => {
          workspace.close()
          process.exit(0)
        })
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })

  registerEvalCommand(program, io)
  registerMetricsCommand(program, io)
  registerRunsCommands(program, io)
  registerStageCommands(program, io)
  registerQuantizeCommand(program, io)

  return program
}

/** Run the CLI; resolves to the exit code (serve keeps the process alive until a signal). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io)
  const debug = argv.includes('--debug')
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2
    }
    io.err(`quantscope: ${(error as Error).message ?? String(error)}`)
    if (debug && error instanceof Error && error.stack) io.err(error.stack)
    return exitCodeFor(error)
  }
}

// Entry point when bundled as out/main/cli.js and started by bin/quantscope.mjs.
export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2))
  if (code !== 0) process.exitCode = code
}
