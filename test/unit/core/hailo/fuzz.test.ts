/**
 * Seeded mutation fuzzing of the Hailo readers: bit flips, byte overwrites, truncations, splices
 * (a chunk copied over another place, inserted or deleted) and header-field pokes, applied to the real
 * HEF, a HEF around its real protobuf with a small CCWS, a synthetic HEF, a synthetic HAR, an HN and
 * .alls scripts. Whatever the bytes, a reader returns a summary or throws one of Quantscope's error
 * classes — never a TypeError, RangeError or a library's own error. A failing case prints its seed.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { QuantscopeError } from '../../../../src-main/core/errors'
import { openModelBytes } from '../../../../src-main/core/formats/registry'
import { openAlls, parseAlls, writeAlls } from '../../../../src-main/core/hailo/alls'
import { openHar } from '../../../../src-main/core/hailo/har'
import { openHef } from '../../../../src-main/core/hailo/hef'
import { openHn } from '../../../../src-main/core/hailo/hn'
import { readNmsConfig, writeNmsConfig } from '../../../../src-main/core/hailo/nms-config'
import { readBytes, sharedFixture } from '../../../helpers/fixtures'
import { noSiblingsHost } from '../../../helpers/fs-model-host'
import {
  buildHar,
  buildHef,
  encodeHefProto,
  smallHefProto,
  smallHn,
  utf8,
} from '../../../helpers/hailo-builders'
import { mulberry32 } from '../../../helpers/seeded-random'

const rng = mulberry32

/** One random mutation of `input`, confined to [lo, hi) where it writes. */
function mutate(input: Uint8Array, seed: number, lo = 0, hi = input.length): Uint8Array {
  const r = rng(seed)
  const int = (n: number): number => Math.floor(r() * n)
  const at = (): number => lo + int(Math.max(1, hi - lo))
  const out = input.slice()
  const kind = int(7)
  switch (kind) {
    case 0: {
      // 1–8 bit flips
      for (let i = 0, n = 1 + int(8); i < n; i++) {
        const p = at()
        if (p < out.length) out[p] = (out[p] as number) ^ (1 << int(8))
      }
      return out
    }
    case 1: {
      // overwrite 1–16 bytes with interesting values
      const values = [0, 0xff, 0x7f, 0x80, 0x01, 0x08, 0x0a, 0x12, 0x22]
      for (let i = 0, n = 1 + int(16); i < n; i++) {
        const p = at()
        if (p < out.length) out[p] = values[int(values.length)] as number
      }
      return out
    }
    case 2:
      // truncate
      return out.subarray(0, at())
    case 3: {
      // copy a chunk from elsewhere over a place
      const len = 1 + int(64)
      const from = int(Math.max(1, input.length - len))
      const to = at()
      if (to < out.length) out.set(input.subarray(from, from + len).subarray(0, out.length - to), to)
      return out
    }
    case 4: {
      // insert a chunk
      const p = at()
      const from = int(input.length)
      const chunk = input.subarray(from, from + 1 + int(64))
      const res = new Uint8Array(out.length + chunk.length)
      res.set(out.subarray(0, p))
      res.set(chunk, p)
      res.set(out.subarray(p), p + chunk.length)
      return res
    }
    case 5: {
      // delete a chunk
      const p = at()
      const len = 1 + int(64)
      const res = new Uint8Array(Math.max(0, out.length - len))
      res.set(out.subarray(0, p).subarray(0, res.length))
      if (p + len < out.length) res.set(out.subarray(p + len), p)
      return res
    }
    default: {
      // poke a 32-bit big-endian field in the first 64 bytes (HEF header fields)
      if (out.length >= 8) {
        const p = 4 * int(Math.min(16, Math.floor(out.length / 4)))
        const v = [0, 1, 2, 3, 4, 7, 0xffffffff, 0x7fffffff, input.length, int(input.length * 2)][
          int(10)
        ] as number
        if (p + 4 <= out.length) new DataView(out.buffer, out.byteOffset).setUint32(p, v >>> 0, false)
      }
      return out
    }
  }
}

/** Run `open` on `count` mutations; fail with the seed on anything but a QuantscopeError. */
function fuzz(
  name: string,
  base: Uint8Array,
  count: number,
  open: (bytes: Uint8Array) => unknown,
  firstSeed: number,
  region?: [number, number],
): { opened: number; refused: number } {
  let opened = 0
  let refused = 0
  for (let i = 0; i < count; i++) {
    const seed = firstSeed + i
    const bytes = mutate(base, seed, region?.[0], region?.[1])
    try {
      const summary = open(bytes)
      JSON.stringify(summary)
      opened++
    } catch (err) {
      if (!(err instanceof QuantscopeError)) {
        throw new Error(`${name}: seed ${seed} threw ${(err as Error)?.name}: ${(err as Error)?.message}`, {
          cause: err,
        })
      }
      expect((err as Error).message, `${name} seed ${seed}`).not.toContain('\n')
      refused++
    }
  }
  return { opened, refused }
}

describe('fuzzing: only Quantscope errors, whatever the bytes', () => {
  const full = readBytes(sharedFixture('hailo', 'yolov8n.hef'))
  const proto = full.subarray(44, 44 + 1_074_368)

  it('the real HEF: 300 mutations anywhere (header, proto, CCWS)', () => {
    const r = fuzz('yolov8n.hef', full, 300, openHef, 1_000)
    expect(r.opened + r.refused).toBe(300)
    expect(r.opened).toBeGreaterThan(0)
  })

  it('the real protobuf with a small CCWS: 1,500 mutations inside the proto and header', () => {
    const mini = buildHef({ version: 2, proto, ccws: new Uint8Array(64).fill(7) })
    const r = fuzz('mini yolov8n', mini, 1_500, openHef, 10_000, [0, 44 + proto.length])
    expect(r.opened).toBeGreaterThan(100)
    expect(r.refused).toBeGreaterThan(100)
  })

  it('a synthetic HEF of each header version: 2,000 mutations', () => {
    const p = encodeHefProto(smallHefProto())
    let n = 0
    for (const version of [0, 1, 2, 3] as const) {
      const hef = buildHef({
        version,
        proto: p,
        ccws: new Uint8Array(100).fill(3),
        padding: 16,
        additionalInfo: new Uint8Array(8),
      })
      n += Object.values(fuzz(`small v${version}`, hef, 500, openHef, 20_000 + version * 1000)).reduce(
        (a, b) => a + b,
      )
    }
    expect(n).toBe(2_000)
  })

  it('a synthetic HAR: 2,000 mutations', () => {
    const har = buildHar()
    const r = fuzz('har', har, 2_000, (b) => openHar(b), 30_000)
    expect(r.opened).toBeGreaterThan(100)
    expect(r.refused).toBeGreaterThan(100)
  })

  it('an HN: 1,500 byte mutations and 1,000 structural ones', () => {
    const text = utf8(JSON.stringify(smallHn(), null, 1))
    fuzz('hn', text, 1_500, openHn, 40_000)
    // Structural: replace a random node of the JSON tree with a value of another type.
    const weird: unknown[] = [null, 0, -1, 1e308, 'x', '', true, [], {}, [1, 'a'], { type: 5 }, [[null]]]
    for (let i = 0; i < 1_000; i++) {
      const r = rng(50_000 + i)
      const tree = smallHn() as Record<string, unknown>
      const nodes: Array<[Record<string, unknown> | unknown[], string | number]> = []
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) {
          v.forEach((x, k) => {
            nodes.push([v, k])
            walk(x)
          })
        } else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            nodes.push([v as Record<string, unknown>, k])
            walk(x)
          }
        }
      }
      walk(tree)
      for (let m = 0; m < 3; m++) {
        const [parent, key] = nodes[Math.floor(r() * nodes.length)] as [Record<string, unknown>, string]
        parent[key] = weird[Math.floor(r() * weird.length)]
      }
      try {
        JSON.stringify(openHn(utf8(JSON.stringify(tree))))
      } catch (err) {
        if (!(err instanceof QuantscopeError)) {
          throw new Error(`hn structural seed ${50_000 + i}: ${String(err)}`, { cause: err })
        }
      }
    }
  })

  it('.alls scripts: 2,000 mutations of the fixture scripts; parse never throws and round-trips', () => {
    const root = sharedFixture('hailo', 'model-zoo', 'cfg', 'alls')
    const list = (d: string): string[] =>
      readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? list(join(d, n)) : [join(d, n)]))
    const scripts = list(root).map((f) => new Uint8Array(readFileSync(f)))
    for (let i = 0; i < 2_000; i++) {
      const seed = 60_000 + i
      const bytes = mutate(scripts[i % scripts.length] as Uint8Array, seed)
      const text = new TextDecoder().decode(bytes)
      const script = parseAlls(text)
      const again = parseAlls(writeAlls(script))
      expect(writeAlls(again), `alls seed ${seed}`).toBe(writeAlls(script))
      try {
        openAlls(bytes)
      } catch (err) {
        if (!(err instanceof QuantscopeError))
          throw new Error(`alls seed ${seed}: ${String(err)}`, { cause: err })
      }
    }
  })

  it('NMS configs: 1,000 mutations read or refused with NmsConfigError, and what reads writes back', () => {
    const dir = sharedFixture('hailo', 'model-zoo', 'cfg', 'postprocess_config')
    const configs = readdirSync(dir).map((f) => new Uint8Array(readFileSync(join(dir, f))))
    for (let i = 0; i < 1_000; i++) {
      const seed = 70_000 + i
      const text = new TextDecoder().decode(mutate(configs[i % configs.length] as Uint8Array, seed))
      try {
        const c = readNmsConfig(text)
        expect(readNmsConfig(writeNmsConfig(c)), `nms seed ${seed}`).toEqual(c)
      } catch (err) {
        if (!(err instanceof QuantscopeError))
          throw new Error(`nms seed ${seed}: ${String(err)}`, { cause: err })
      }
    }
  })

  it('through the registry: 500 mutations of each Hailo file pick a reader or say what the bytes are', () => {
    const inputs = [
      full.subarray(0, 200_000),
      buildHar(),
      utf8(JSON.stringify(smallHn())),
      utf8('normalization1 = normalization([0.0], [1.0])\n'),
    ]
    inputs.forEach((base, k) => {
      fuzz(`registry ${k}`, base, 500, (b) => openModelBytes(b, noSiblingsHost, 'x'), 80_000 + k * 1000)
    })
  })
})
