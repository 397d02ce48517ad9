/** Builders for detection tests: output maps from plain arrays, and the raw-heads fixture reader. */
import type { ModelOutputs, NamedTensor } from '../../src-main/core/detect/detection-types'
import { readJson, repoFixture } from './fixtures'

export function tensor(name: string, dims: number[], values: ArrayLike<number>): NamedTensor {
  const size = dims.reduce((a, b) => a * b, 1)
  if (values.length !== size) throw new Error(`${name}: ${values.length} values for dims [${dims.join(',')}]`)
  return { name, dims, data: Float32Array.from(values) }
}

export function outputsOf(...tensors: NamedTensor[]): ModelOutputs {
  return new Map(tensors.map((t) => [t.name, t]))
}

/** A zero-filled tensor and a setter by multi-index. */
export function zeros(name: string, dims: number[]): NamedTensor & { set(index: number[], v: number): void } {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1))
  return {
    name,
    dims,
    data,
    set(index: number[], v: number) {
      let o = 0
      for (const [i, d] of dims.entries()) o = o * d + index[i]!
      data[o] = v
    },
  }
}

interface FixtureTensor {
  name: string
  dims: number[]
  f32: string
}

interface FixtureHead {
  raw: FixtureTensor[]
  original: FixtureTensor
  expected: { count: number; boxes: string; scores: string }
  anchors?: number[][]
}

export interface RawHeadsFixture {
  inputSize: number
  strides: number[]
  numClasses: number
  yolov5: FixtureHead
  yolov8: FixtureHead
}

function bytes(b64: string): ArrayBuffer {
  const buf = Buffer.from(b64, 'base64')
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
}

export function fixtureTensor(t: FixtureTensor): NamedTensor {
  return { name: t.name, dims: t.dims, data: new Float32Array(bytes(t.f32)) }
}

export function fixtureFloat64(b64: string): Float64Array {
  return new Float64Array(bytes(b64))
}

/** test/fixtures/detect/raw-heads.json, written by make-raw-heads.py. */
export function rawHeadsFixture(): RawHeadsFixture {
  return readJson<RawHeadsFixture>(repoFixture('detect', 'raw-heads.json'))
}
