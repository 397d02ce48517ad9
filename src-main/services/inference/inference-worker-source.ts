/**
 * The code of the thread that hosts an onnxruntime session (see inference-session.ts for why a thread).
 * Kept as a string and started with `new Worker(source, { eval: true })`: no separate bundle entry and no
 * path to find at run time, in the built app, the CLI and the tests alike. onnxruntime-node is loaded
 * from the absolute path the parent resolved, so it is the parent's copy.
 *
 * Protocol (structured clone; typed-array buffers transferred where the sender gives them up):
 *   parent → worker  workerData { ortPath, model: Uint8Array, options }
 *   worker → parent  { type: 'ready', inputs, outputs, outputNames } | { type: 'failed', message }
 *   parent → worker  { type: 'run', id, feeds: { name: { type, dims, data } }, outputNames }
 *   worker → parent  { type: 'result', id, outputs: [{ name, type, dims, data }], runMs } | { type: 'error', id, message }
 *   parent → worker  { type: 'release' }  →  { type: 'released' }
 */
export const INFERENCE_WORKER_SOURCE = String.raw`
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const ort = require(workerData.ortPath)

function meta(list) {
  return list.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))) }
      : { name: m.name, type: 'non-tensor', shape: null },
  )
}

async function main() {
  let session
  try {
    session = await ort.InferenceSession.create(workerData.model, workerData.options)
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) })
    return
  }
  parentPort.postMessage({
    type: 'ready',
    inputs: meta(session.inputMetadata),
    outputs: meta(session.outputMetadata),
    outputNames: session.outputNames.slice(),
  })
  // One message at a time, in arrival order: a run's clock starts when the previous run has finished,
  // so runMs is this run's time alone even when several are queued.
  let chain = Promise.resolve()
  parentPort.on('message', (msg) => {
    chain = chain.then(() => handle(msg))
  })
  async function handle(msg) {
    if (msg.type === 'release') {
      await session.release()
      parentPort.postMessage({ type: 'released' })
      parentPort.close()
      return
    }
    if (msg.type !== 'run') return
    try {
      const feeds = {}
      for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims)
      const t0 = performance.now()
      const results = await session.run(feeds, msg.outputNames)
      const runMs = performance.now() - t0
      const outputs = msg.outputNames.map((name) => {
        const t = results[name]
        return { name, type: t.type, dims: t.dims.slice(), data: t.data }
      })
      // Hand the output buffers over when they are whole and ours; a buffer onnxruntime still owns
      // cannot be detached, and then they are copied.
      const transfer = outputs
        .filter((o) => o.type !== 'string' && o.data.byteOffset === 0 && o.data.byteLength === o.data.buffer.byteLength)
        .map((o) => o.data.buffer)
      try {
        parentPort.postMessage({ type: 'result', id: msg.id, outputs, runMs }, [...new Set(transfer)])
      } catch (_) {
        parentPort.postMessage({ type: 'result', id: msg.id, outputs, runMs })
      }
    } catch (error) {
      parentPort.postMessage({ type: 'error', id: msg.id, message: String((error && error.message) || error) })
    }
  }
}
main()
`
