/**
 * ONNX inference: the only place that loads onnxruntime-node. One `InferenceSession` per model, reused
 * for every image of a run, released with `release()`.
 *
 * - A thread per session. onnxruntime-node's `run` returns a promise but computes on the calling thread
 *   (measured: the event loop does not turn during a 12 ms run), so a session on the main thread would
 *   stall decoding, preprocessing and the UI for every inference. The session lives in a worker thread
 *   (inference-worker-source.ts); inputs and outputs cross as typed arrays, outputs without a copy.
 * - Execution provider: the CPU by default. 'cuda' is opt-in and only works where onnxruntime-node's
 *   CUDA provider files were installed (its install script fetches them; this project's `allowScripts`
 *   skips it, so builds from the npm registry are CPU-only). Asking for CUDA without them fails with a
 *   message that says so; nothing falls back silently.
 * - Threads: intra-op = the machine's available parallelism (os.availableParallelism()), inter-op = 1
 *   with sequential execution: detectors are a chain of convolutions, parallelism inside each op is what
 *   pays. Idle intra-op threads sleep instead of spinning (`spinning: false`): spinning threads take the
 *   cores the image decoder and the pre/post-processing need — measured on 2 cores, an evaluation ran
 *   2.2× slower with spinning on.
 * - Outputs: the graph's outputs by default; any tensor of the graph can be asked for at open time
 *   (`extraOutputs`): intermediate tensors are appended to the graph outputs (core/onnx/extra-outputs).
 * - Output values: onnxruntime returns the element type the graph declares. Core sees float32
 *   (`NamedTensor`): float32 as is, float16/float64 converted, integer outputs (uint8/int8 … of a graph
 *   cut before its DequantizeLinear) converted value for value — not dequantized, since the scale and
 *   zero point are not part of the output — unless `dequantize[name] = { scale, zeroPoint }` is given,
 *   then (q − zeroPoint) · scale.
 */
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { InvalidArgumentError, OnnxParseError, quote } from '../../core/errors'
import type { InputTensor } from '../../core/detect/preprocess'
import type { ModelOutputs, NamedTensor } from '../../core/detect/detection-types'
import { withExtraOutputs } from '../../core/onnx/extra-outputs'
import { INFERENCE_WORKER_SOURCE } from './inference-worker-source'

export type ExecutionProvider = 'cpu' | 'cuda'

export interface Dequantization {
  scale: number
  zeroPoint: number
}

export interface InferenceOptions {
  executionProvider?: ExecutionProvider
  /** Threads inside one operator; default: os.availableParallelism(). */
  intraOpThreads?: number
  /** Threads across independent operators; default 1 (sequential execution). */
  interOpThreads?: number
  /** Let idle onnxruntime threads spin (lower latency for a lone inference loop, starves other work). Default false. */
  spinning?: boolean
  /** Names of intermediate tensors to fetch besides the graph outputs. */
  extraOutputs?: readonly string[]
  /** Integer outputs to dequantize, by name. */
  dequantize?: Readonly<Record<string, Dequantization>>
}

export interface TensorMetadata {
  name: string
  /** onnxruntime's element type name: 'float32', 'uint8', 'int64', 'float16' … */
  type: string
  /** Symbolic dimensions as their names; null when the graph declares no shape. */
  shape: (number | string)[] | null
}

/** Feeds by input name. */
export type InputFeeds = Readonly<Record<string, InputTensor>>

export interface RunOptions {
  /** Hand the feeds' buffers to the inference thread instead of copying them (the caller must not use them after). */
  transferInputs?: boolean
}

interface WireTensor {
  name: string
  type: string
  dims: number[]
  data: ArrayLike<number> | ArrayLike<bigint>
}

type WorkerMessage =
  | { type: 'ready'; inputs: TensorMetadata[]; outputs: TensorMetadata[]; outputNames: string[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; outputs: WireTensor[]; runMs: number }
  | { type: 'error'; id: number; message: string }
  | { type: 'released' }

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024)
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * 2 ** (exp - 15) * (1 + frac / 1024)
}

/** onnxruntime's tensor → core's float32 NamedTensor. */
function toNamedTensor(t: WireTensor, dq: Dequantization | undefined): NamedTensor {
  let data: Float32Array
  if (t.type === 'float32') {
    data = t.data as Float32Array
  } else if (t.type === 'float16') {
    const bits = t.data as Uint16Array
    data = new Float32Array(bits.length)
    for (let i = 0; i < bits.length; i++) data[i] = halfToFloat(bits[i] as number)
  } else if (t.type === 'int64' || t.type === 'uint64') {
    data = Float32Array.from(t.data as BigInt64Array, (v) => Number(v))
  } else if (t.type === 'string') {
    throw new InvalidArgumentError(`output ${quote(t.name)} holds strings, not numbers`)
  } else {
    data = Float32Array.from(t.data as ArrayLike<number>)
  }
  if (dq !== undefined) {
    const out = data === t.data ? new Float32Array(data) : data
    for (let i = 0; i < out.length; i++) out[i] = ((out[i] as number) - dq.zeroPoint) * dq.scale
    data = out
  }
  return { name: t.name, dims: t.dims, data }
}

function wireInput(
  name: string,
  input: InputTensor,
): { type: string; dims: number[]; data: Float32Array | Uint8Array } {
  if (input.data instanceof Float32Array) return { type: 'float32', dims: input.dims, data: input.data }
  if (input.data instanceof Uint8Array) return { type: 'uint8', dims: input.dims, data: input.data }
  throw new InvalidArgumentError(`input ${quote(name)}: unsupported data type`)
}

function loadError(message: string, name: string, ep: ExecutionProvider): Error {
  const first = message.split('\n')[0] ?? message
  const missing = /Graph output \((.*)\) does not exist/.exec(message)
  if (missing) {
    return new InvalidArgumentError(
      `${quote(missing[1])} is not a tensor of ${quote(name)}; name a node output (see quantscope inspect)`,
    )
  }
  if (ep === 'cuda') {
    return new InvalidArgumentError(
      `the CUDA execution provider could not start (${first}); its libraries come with onnxruntime-node's CUDA install, which this build skips — use the CPU`,
    )
  }
  return new OnnxParseError(`onnxruntime cannot load ${quote(name)}: ${first}`)
}

export class InferenceSession {
  private released = false
  private nextId = 1
  private readonly waiting = new Map<
    number,
    { resolve: (v: { outputs: WireTensor[]; runMs: number }) => void; reject: (e: Error) => void }
  >()
  private releaseDone: (() => void) | null = null

  private constructor(
    private readonly worker: Worker,
    readonly inputs: readonly TensorMetadata[],
    readonly outputs: readonly TensorMetadata[],
    readonly outputNames: readonly string[],
    readonly executionProvider: ExecutionProvider,
    readonly threads: { intraOp: number; interOp: number },
    private readonly dequantize: Readonly<Record<string, Dequantization>>,
  ) {
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'result' || msg.type === 'error') {
        const w = this.waiting.get(msg.id)
        this.waiting.delete(msg.id)
        if (msg.type === 'result') w?.resolve({ outputs: msg.outputs, runMs: msg.runMs })
        else w?.reject(new Error(`onnxruntime: ${msg.message.split('\n')[0]}`))
      } else if (msg.type === 'released') {
        this.releaseDone?.()
      }
    })
    worker.on('error', (error) => this.failAll(error))
    worker.on('exit', () => this.failAll(new Error('the inference thread stopped')))
  }

  private failAll(error: Error): void {
    for (const w of this.waiting.values()) w.reject(error)
    this.waiting.clear()
    this.releaseDone?.()
  }

  /** Open a session on model bytes (from services/files); `name` is for messages. */
  static async open(
    model: Uint8Array,
    options: InferenceOptions = {},
    name = 'model',
  ): Promise<InferenceSession> {
    const ep = options.executionProvider ?? 'cpu'
    const intraOp = options.intraOpThreads ?? availableParallelism()
    const interOp = options.interOpThreads ?? 1
    if (!Number.isInteger(intraOp) || intraOp < 1 || !Number.isInteger(interOp) || interOp < 1) {
      throw new InvalidArgumentError(`thread counts must be positive integers; got ${intraOp} and ${interOp}`)
    }
    const spin = options.spinning === true ? '1' : '0'
    const sessionOptions = {
      executionProviders: [ep],
      intraOpNumThreads: intraOp,
      interOpNumThreads: interOp,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Warnings (old exporters' initializers listed as inputs …) would land on the CLI's stderr.
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
    }
    const bytes = withExtraOutputs(model, [...new Set(options.extraOutputs ?? [])])
    const worker = new Worker(INFERENCE_WORKER_SOURCE, {
      eval: true,
      workerData: {
        ortPath: createRequire(import.meta.url).resolve('onnxruntime-node'),
        model: bytes,
        options: sessionOptions,
      },
    })
    const ready = await new Promise<Extract<WorkerMessage, { type: 'ready' }>>((resolve, reject) => {
      const onMessage = (msg: WorkerMessage): void => {
        worker.off('error', onError)
        if (msg.type === 'ready') resolve(msg)
        else if (msg.type === 'failed') reject(loadError(msg.message, name, ep))
      }
      const onError = (error: Error): void => {
        worker.off('message', onMessage)
        reject(error)
      }
      worker.once('message', onMessage)
      worker.once('error', onError)
    }).catch(async (error: unknown) => {
      await worker.terminate()
      throw error
    })
    return new InferenceSession(
      worker,
      ready.inputs,
      ready.outputs,
      ready.outputNames,
      ep,
      { intraOp, interOp },
      options.dequantize ?? {},
    )
  }

  /**
   * Run once. `outputNames` picks outputs (default: all, graph outputs first, then the extra ones) and
   * fixes their order in the returned map.
   */
  async run(
    feeds: InputFeeds,
    outputNames: readonly string[] = this.outputNames,
    options: RunOptions = {},
  ): Promise<ModelOutputs> {
    return (await this.timedRun(feeds, outputNames, options)).outputs
  }

  /**
   * `run`, with the milliseconds onnxruntime spent, timed on the inference thread: the model's time
   * alone, without the hand-over or waiting for a busy main thread. Several runs may be in flight; they
   * execute one after the other in call order.
   */
  async timedRun(
    feeds: InputFeeds,
    outputNames: readonly string[] = this.outputNames,
    options: RunOptions = {},
  ): Promise<{ outputs: ModelOutputs; runMs: number }> {
    if (this.released) throw new InvalidArgumentError('this inference session was released; open a new one')
    for (const name of outputNames) {
      if (!this.outputNames.includes(name)) {
        throw new InvalidArgumentError(
          `${quote(name)} is not an output of this session; open it with extraOutputs: [${JSON.stringify(name)}]`,
        )
      }
    }
    const wire: Record<string, ReturnType<typeof wireInput>> = {}
    const transfer: ArrayBuffer[] = []
    for (const [name, input] of Object.entries(feeds)) {
      wire[name] = wireInput(name, input)
      const buffer = input.data.buffer
      if (options.transferInputs && buffer instanceof ArrayBuffer) transfer.push(buffer)
    }
    const id = this.nextId++
    const result = new Promise<{ outputs: WireTensor[]; runMs: number }>((resolve, reject) =>
      this.waiting.set(id, { resolve, reject }),
    )
    this.worker.postMessage({ type: 'run', id, feeds: wire, outputNames: [...outputNames] }, transfer)
    const { outputs, runMs } = await result
    return {
      outputs: new Map(outputs.map((t) => [t.name, toNamedTensor(t, this.dequantize[t.name])])),
      runMs,
    }
  }

  /** Free the native session and stop its thread. Idempotent; runs after this throw. */
  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    const done = new Promise<void>((resolve) => (this.releaseDone = resolve))
    this.worker.postMessage({ type: 'release' })
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 5000).unref())])
    await this.worker.terminate()
  }

  get isReleased(): boolean {
    return this.released
  }
}
