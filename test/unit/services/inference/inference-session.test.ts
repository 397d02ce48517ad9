/**
 * The inference service on the real fixture models with the real onnxruntime: metadata, outputs,
 * intermediate tensors as extra outputs (checked against the final output they feed), disposal, errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidArgumentError, OnnxParseError } from '../../../../src-main/core/errors'
import { InferenceSession } from '../../../../src-main/services/inference/inference-session'
import { nanodetM, yoloxNano } from '../../../helpers/bad-files'
import { readBytes } from '../../../helpers/fixtures'

/** A deterministic 416×416 NCHW picture: smooth gradients, values 0..255. */
function picture(): { dims: number[]; data: Float32Array } {
  const data = new Float32Array(3 * 416 * 416)
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 416; y++) {
      for (let x = 0; x < 416; x++) data[(c * 416 + y) * 416 + x] = (x * (c + 1) + y * 2) % 256
    }
  }
  return { dims: [1, 3, 416, 416], data }
}

describe('InferenceSession on yolox_nano', () => {
  // 'onnx::Concat_1146' is the stride-32 regression conv (head.reg_preds.2): [1, 4, 13, 13], raw.
  const intermediate = 'onnx::Concat_1146'
  let session: InferenceSession
  beforeAll(async () => {
    session = await InferenceSession.open(
      readBytes(yoloxNano),
      { extraOutputs: [intermediate] },
      'yolox_nano.onnx',
    )
  })
  afterAll(async () => {
    await session.release()
  })

  it('reports inputs, outputs, the CPU provider and the thread counts', () => {
    expect(session.inputs).toEqual([{ name: 'images', type: 'float32', shape: [1, 3, 416, 416] }])
    expect(session.outputs).toEqual([
      { name: 'output', type: 'float32', shape: [1, 3549, 85] },
      { name: intermediate, type: 'float32', shape: [1, 4, 13, 13] },
    ])
    expect(session.outputNames).toEqual(['output', intermediate])
    expect(session.executionProvider).toBe('cpu')
    expect(session.threads.intraOp).toBeGreaterThanOrEqual(1)
    expect(session.threads.interOp).toBe(1)
  })

  it('returns float32 outputs by name; the intermediate tensor is the raw regression the output carries', async () => {
    const outputs = await session.run({ images: picture() })
    expect([...outputs.keys()]).toEqual(['output', intermediate])
    const out = outputs.get('output')!
    const reg = outputs.get(intermediate)!
    expect(out.dims).toEqual([1, 3549, 85])
    expect(out.data).toBeInstanceOf(Float32Array)
    expect(reg.dims).toEqual([1, 4, 13, 13])
    // Objectness and class columns went through the graph's sigmoid.
    for (let r = 0; r < 3549; r += 97) {
      for (let c = 4; c < 85; c += 9) {
        const v = out.data[r * 85 + c]!
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(1)
      }
    }
    // Rows 3380… are the 13×13 stride-32 cells; their first 4 columns are that conv's channels.
    const first32 = 52 * 52 + 26 * 26
    for (let c = 0; c < 4; c++) {
      for (let cell = 0; cell < 169; cell++) {
        expect(out.data[(first32 + cell) * 85 + c]).toBe(reg.data[c * 169 + cell])
      }
    }
  })

  it('fetches a chosen subset of outputs, and the same input gives the same bits', async () => {
    const a = await session.run({ images: picture() }, [intermediate])
    const b = await session.run({ images: picture() }, [intermediate])
    expect([...a.keys()]).toEqual([intermediate])
    expect(
      Buffer.from(a.get(intermediate)!.data.buffer).equals(Buffer.from(b.get(intermediate)!.data.buffer)),
    ).toBe(true)
  })

  it('times runs on the inference thread and keeps queued runs apart', async () => {
    const [x, y] = await Promise.all([
      session.timedRun({ images: picture() }, ['output']),
      session.timedRun({ images: { dims: [1, 3, 416, 416], data: new Float32Array(3 * 416 * 416) } }, [
        'output',
      ]),
    ])
    expect(x.runMs).toBeGreaterThan(0)
    expect(y.runMs).toBeGreaterThan(0)
    expect(x.outputs.get('output')!.data[4]).not.toBe(y.outputs.get('output')!.data[4])
  })

  it('names the output a caller asks for that the session does not have', async () => {
    await expect(session.run({ images: picture() }, ['nope'])).rejects.toThrow(/"nope" is not an output/)
  })

  it('reports onnxruntime errors on a wrong input shape without losing the session', async () => {
    await expect(
      session.run({ images: { dims: [1, 3, 10, 10], data: new Float32Array(300) } }),
    ).rejects.toThrow(/onnxruntime/)
    expect((await session.run({ images: picture() }, ['output'])).get('output')!.dims).toEqual([1, 3549, 85])
  })
})

describe('InferenceSession lifecycle and errors', () => {
  it('nanodet_m: six outputs in graph order', async () => {
    const session = await InferenceSession.open(readBytes(nanodetM))
    try {
      expect(session.inputs.map((i) => i.name)).toEqual(['input.1'])
      expect(session.outputs.map((o) => [o.name, o.shape])).toEqual([
        ['792', [1, 2704, 80]],
        ['814', [1, 676, 80]],
        ['836', [1, 169, 80]],
        ['795', [1, 2704, 32]],
        ['817', [1, 676, 32]],
        ['839', [1, 169, 32]],
      ])
    } finally {
      await session.release()
    }
  })

  it('release frees the session: idempotent, later runs fail with a clear message', async () => {
    const session = await InferenceSession.open(readBytes(yoloxNano), { intraOpThreads: 1 })
    await session.release()
    await session.release()
    expect(session.isReleased).toBe(true)
    await expect(session.run({ images: picture() })).rejects.toThrow(/released/)
  })

  it('an unknown intermediate tensor name is refused with the name', async () => {
    const error = await InferenceSession.open(readBytes(yoloxNano), {
      extraOutputs: ['no/such/tensor'],
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect((error as Error).message).toContain('"no/such/tensor"')
  })

  it('bytes that are not a model fail as OnnxParseError; bad thread counts as InvalidArgumentError', async () => {
    await expect(InferenceSession.open(new Uint8Array([1, 2, 3, 4]), {}, 'junk.onnx')).rejects.toBeInstanceOf(
      OnnxParseError,
    )
    await expect(InferenceSession.open(readBytes(yoloxNano), { intraOpThreads: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    )
  })
})
