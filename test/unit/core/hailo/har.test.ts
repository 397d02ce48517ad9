/**
 * HAR, tar, .npz and HN readers: archives written by GNU tar and NumPy (test/fixtures/hailo, see
 * make-fixtures.py), synthetic archives from the documented layout, and the unsafe entries a hostile
 * archive could hold.
 */
import { describe, expect, it } from 'vitest'
import { HarParseError } from '../../../../src-main/core/errors'
import { harReader, harStage, openHar } from '../../../../src-main/core/hailo/har'
import { hnReader, looksLikeHn, openHn } from '../../../../src-main/core/hailo/hn'
import { dtypeItemSize, indexNpz, parseNpyHeader, splitParamName } from '../../../../src-main/core/hailo/npz'
import { looksLikeTar, readTar, unsafePathReason } from '../../../../src-main/core/hailo/tar'
import { readBytes, repoFixture } from '../../../helpers/fixtures'
import {
  buildHar,
  buildNpz,
  buildTar,
  npyBytes,
  smallHn,
  utf8,
  type TarEntrySpec,
} from '../../../helpers/hailo-builders'

function errorOf(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a throw')
}

describe('archives written by GNU tar and NumPy', () => {
  it.each(['tiny-pax.har', 'tiny-gnu.har'])('%s: members, metadata, HN and both weight indexes', (file) => {
    const bytes = readBytes(repoFixture('hailo', file))
    expect(harReader.match(bytes)).toBe(true)
    const s = openHar(bytes)
    expect(s.members.map((m) => m.name.split('/').pop())).toEqual([
      'tiny.hn',
      'tiny.metadata.json',
      'tiny.npz',
      'tiny.q.npz',
    ])
    expect(s.members.map((m) => m.kind)).toEqual([
      'hn',
      'metadata',
      'weights (native)',
      'weights (quantized)',
    ])
    expect(s.skipped).toEqual([])
    expect(s).toMatchObject({ state: 'quantized_model', stage: 'quantized', sdkVersion: '3.31.0' })
    expect(s.metadata).toEqual({ state: 'quantized_model', hn: 'tiny.hn', sdk_version: '3.31.0' })
    expect(s.hnMember?.endsWith('/tiny.hn')).toBe(true)
    expect(s.paramsMember?.endsWith('/tiny.q.npz')).toBe(true)
    expect(s.network?.name).toBe('tiny')
    expect(s.network?.inputs).toEqual([{ layer: 'tiny/input_layer1', shape: [-1, 16, 16, 3] }])
    expect(s.network?.outputs).toEqual([{ layer: 'tiny/conv2', shape: [-1, 16, 16, 4] }])
    expect(s.network?.outputLayersOrder).toEqual(['tiny/conv2'])
    expect(s.network?.layers.find((l) => l.name === 'tiny/conv1')).toMatchObject({
      type: 'conv',
      activation: 'relu',
      originalNames: ['/model.0/conv/Conv'],
      outputShapes: [[-1, 16, 16, 8]],
    })
    const native = s.params.find((p) => p.role === 'native')
    expect(native?.arrays.map((a) => [a.name, a.dtype, a.shape, a.compressed])).toEqual([
      ['tiny/conv1/kernel:0', '<f4', [3, 3, 3, 8], false],
      ['tiny/conv1/bias:0', '<f4', [8], false],
      ['tiny/conv2/kernel:0', '<f4', [1, 1, 8, 4], false],
      ['tiny/conv2/bias:0', '<f4', [4], false],
    ])
    expect(native?.totalElements).toBe(216 + 8 + 32 + 4)
    expect(native?.totalBytes).toBe((216 + 8 + 32 + 4) * 4)
    const q = s.params.find((p) => p.role === 'quantized')
    expect(q?.arrays.map((a) => [a.layer, a.param, a.dtype, a.shape, a.dataBytes, a.compressed])).toEqual([
      ['conv1', 'kernel', '|i1', [3, 3, 3, 8], 216, true],
      ['conv1', 'bias', '<i4', [8], 32, true],
      ['conv1', 'output_activation_bits', '<u2', [], 2, true],
      ['conv2', 'kernel', '|i1', [1, 1, 8, 4], 32, true],
      ['conv2', 'bias', '<i4', [4], 16, true],
      ['conv2', 'weight_bits', '<u2', [], 2, true],
    ])
    expect(q?.problems).toEqual([])
    expect(s.unknownKeys).toEqual([])
    expect(s.warnings).toEqual([])
  })

  it('the GNU archive uses long-name records, and directories are not members', () => {
    const listing = readTar(readBytes(repoFixture('hailo', 'tiny-gnu.har')))
    expect(listing.members[0]?.name.length).toBeGreaterThan(100)
    expect(listing.directories).toHaveLength(2)
    expect(listing.complete).toBe(true)
  })

  it('NumPy .npz files directly: stored and deflated', () => {
    const stored = indexNpz(readBytes(repoFixture('hailo', 'tiny.npz')), 'tiny.npz')
    expect(stored.arrays).toHaveLength(4)
    const deflated = indexNpz(readBytes(repoFixture('hailo', 'tiny_compressed.npz')), 'tiny_compressed.npz')
    expect(deflated.arrays.every((a) => a.compressed)).toBe(true)
    expect(deflated.role).toBe('native')
  })
})

describe('HAR from the documented layout', () => {
  it('reads state, SDK, HN and picks the weights the state names', () => {
    const s = openHar(buildHar())
    expect(s.stage).toBe('quantized')
    expect(s.paramsMember).toBe('net.q.npz')
    expect(s.params.map((p) => [p.member, p.role, p.arrays.length])).toEqual([
      ['net.npz', 'native', 2],
      ['net.q.npz', 'quantized', 2],
    ])
    expect(openHar(buildHar({ state: 'fp_optimized_model' })).warnings).toContain(
      'state "fp_optimized_model" selects the .fpo.npz weights, which the HAR does not hold',
    )
    expect(openHar(buildHar({ state: 'native_model' })).paramsMember).toBe('net.npz')
    expect(openHar(buildHar({ state: 'compiled_model' })).paramsMember).toBe('net.q.npz')
  })

  it.each([
    ['fp_optimized_model', 'fp_optimized'],
    ['quantized_model', 'quantized'],
    ['compiled_model', 'compiled'],
    ['native', 'native'],
    ['parsed_model', 'native'],
    ['banana', 'unknown'],
  ] as const)('state %s is stage %s', (state, stage) => {
    expect(harStage(state)).toBe(stage)
  })

  it('keeps and reports what it does not understand: metadata keys, HN keys, params keys, state words', () => {
    const s = openHar(
      buildHar({
        state: 'mystery_state',
        metadataExtra: { compiler_flags: ['-O3'], author: 'me' },
        hn: smallHn({ extra_top: 1 }),
      }),
    )
    expect(s.metadata['author']).toBe('me')
    expect(s.metadata['compiler_flags']).toBe('["-O3"]')
    expect(s.unknownKeys).toEqual([
      { where: 'net.metadata.json', keys: ['author', 'compiler_flags'] },
      { where: 'HN top level', keys: ['extra_top'] },
      { where: 'net_params', keys: ['clusters'] },
      { where: 'layers.*.params (conv)', keys: ['fancy'] },
      { where: 'layers.*', keys: ['color'] },
      { where: 'metadata state', keys: ['mystery_state'] },
    ])
    expect(s.network?.quantizationKeys).toEqual([{ key: 'precision_config', count: 1 }])
  })

  it('finds members inside a folder and an embedded HEF', () => {
    const s = openHar(
      buildHar({ folder: 'export/run1', extra: [{ name: 'export/run1/net.hef', data: new Uint8Array(40) }] }),
    )
    expect(s.hnMember).toBe('export/run1/net.hn')
    expect(s.embeddedHef).toEqual({ member: 'export/run1/net.hef', size: 40 })
  })

  it('a tar without HAR members is refused with a message naming its members', () => {
    const err = errorOf(() => openHar(buildTar([{ name: 'notes.txt', data: 'hello' }])))
    expect(err).toBeInstanceOf(HarParseError)
    expect(err.message).toMatch(
      /holds no <name>\.metadata\.json and no \.hn member \(members: "notes\.txt"\); it is not a Hailo HAR/,
    )
  })

  it('bad JSON in the metadata or HN is a HarParseError naming the member', () => {
    const badMeta = buildTar([{ name: 'x.metadata.json', data: '{"state": ' }])
    expect(errorOf(() => openHar(badMeta)).message).toMatch(/^x\.metadata\.json is not valid JSON/)
    const badHn = buildTar([{ name: 'x.hn', data: '[1, 2]' }])
    expect(errorOf(() => openHar(badHn)).message).toMatch(/^x\.hn is JSON but not an object/)
    const notUtf8 = buildTar([{ name: 'x.hn', data: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }])
    expect(errorOf(() => openHar(notUtf8)).message).toMatch(/^x\.hn is not UTF-8 text/)
  })

  it('a damaged .npz is a warning, the rest of the HAR still opens', () => {
    const s = openHar(
      buildHar({ extra: [{ name: 'broken.fpo.npz', data: 'PK but not really a zip file at all....' }] }),
    )
    expect(
      s.warnings.some((w) => w.startsWith('broken.fpo.npz: no zip end-of-central-directory record')),
    ).toBe(true)
    expect(s.network).not.toBeNull()
  })
})

describe('HAR safety: nothing leaves the archive, no link is followed, sizes are bounded', () => {
  const base = (extra: TarEntrySpec[]) => openHar(buildHar({ extra }))

  it.each([
    ['../../etc/passwd', 'has a ".." path segment, which would leave the archive'],
    ['net/../../evil.hn', 'has a ".." path segment, which would leave the archive'],
    ['/etc/shadow', 'has an absolute path, which would point outside the archive'],
    ['C:\\Windows\\evil.hn', 'has an absolute path, which would point outside the archive'],
    ['\\\\server\\share\\x.hn', 'has an absolute path, which would point outside the archive'],
  ])('%s is skipped: it %s', (name, reason) => {
    const s = base([{ name, data: '{"layers": {}}' }])
    expect(s.skipped).toEqual([{ name, reason }])
    expect(s.members.map((m) => m.name)).not.toContain(name)
    expect(s.warnings).toContain(`skipped tar member ${JSON.stringify(name)}: it ${reason}`)
    expect(unsafePathReason(name)).toBe(reason)
  })

  it('a pax path that leaves the archive is caught too (the header name looks harmless)', () => {
    const s = base([{ name: 'harmless.hn', data: '{}', pax: { path: '../../outside.hn' } }])
    expect(s.skipped).toEqual([
      { name: '../../outside.hn', reason: 'has a ".." path segment, which would leave the archive' },
    ])
  })

  it('symbolic and hard links are listed, never followed', () => {
    const s = base([
      { name: 'evil.hn', type: '2', linkName: '/etc/passwd' },
      { name: 'hard.npz', type: '1', linkName: 'net.npz' },
    ])
    expect(s.skipped).toEqual([
      { name: 'evil.hn', reason: 'is a symbolic link to "/etc/passwd"; links are not followed' },
      { name: 'hard.npz', reason: 'is a hard link to "net.npz"; links are not followed' },
    ])
    expect(s.hnMember).toBe('net.hn')
  })

  it('devices and FIFOs are skipped', () => {
    const s = base([
      { name: 'dev', type: '3' },
      { name: 'fifo', type: '6' },
    ])
    expect(s.skipped.map((x) => x.reason)).toEqual([
      'is a character device, not a regular file',
      'is a FIFO, not a regular file',
    ])
  })

  it('members over the size limit are skipped, and a member larger than the archive is a truncation', () => {
    const har = buildHar({ extra: [{ name: 'big.npz', data: new Uint8Array(5000) }] })
    const s = openHar(har, { limits: { maxEntries: 100, maxMemberBytes: 4096 } })
    expect(s.skipped).toEqual([
      { name: 'big.npz', reason: 'is 5000 bytes, over the 4096-byte limit for one member' },
    ])
    const lying = buildTar([{ name: 'x.hn', data: '{}', declaredSize: 1 << 30 }])
    expect(errorOf(() => openHar(lying)).message).toMatch(
      /tar member at byte 0 declares 1073741824 bytes but the archive ends at byte \d+; the HAR is truncated/,
    )
  })

  it('too many members is refused', () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' }))
    const err = errorOf(() => openHar(buildTar(entries), { limits: { maxEntries: 10, maxMemberBytes: 1e9 } }))
    expect(err.message).toMatch(/more than 10 members/)
  })

  it('duplicate names: the first copy is used', () => {
    const s = base([{ name: 'net.hn', data: '{"layers": {}}' }])
    expect(s.skipped).toEqual([
      { name: 'net.hn', reason: 'appears twice in the archive; the first copy is used' },
    ])
    expect(s.network?.layerCount).toBe(4)
  })

  it('truncated archives fail cleanly at every cut', () => {
    const har = buildHar()
    for (let cut = 0; cut < har.length; cut += 97) {
      try {
        openHar(har.subarray(0, cut))
      } catch (err) {
        expect(err, `cut ${cut}`).toBeInstanceOf(HarParseError)
        expect((err as Error).message).not.toContain('\n')
      }
    }
  })

  it('a header with a wrong checksum is refused', () => {
    const har = buildHar().slice()
    har[0] = 'X'.charCodeAt(0)
    expect(errorOf(() => openHar(har)).message).toMatch(/^the tar header at byte 0 has a wrong checksum/)
  })
})

describe('tar sniffing', () => {
  it('recognizes ustar and v7 headers, not text or zip', () => {
    const tar = buildTar([{ name: 'a.hn', data: '{}' }])
    expect(looksLikeTar(tar)).toBe(true)
    const v7 = tar.slice()
    v7.fill(0, 257, 265)
    let sum = 0
    v7.fill(0x20, 148, 156)
    for (let i = 0; i < 512; i++) sum += v7[i] as number
    v7.set(utf8(`${sum.toString(8).padStart(6, '0')}\0 `), 148)
    expect(looksLikeTar(v7)).toBe(true)
    expect(readTar(v7).members.map((m) => m.name)).toEqual(['a.hn'])
    expect(looksLikeTar(utf8('x'.repeat(600)))).toBe(false)
    expect(looksLikeTar(buildNpz({ 'a/b/c:0': [1] }))).toBe(false)
  })
})

describe('.npz index', () => {
  it('stored and deflated members, names split into layer and param', () => {
    for (const compressed of [false, true]) {
      const idx = indexNpz(
        buildNpz({ 'net/conv1/kernel:0': [3, 3, 3, 16], 'net/block/conv9_depth/bias:0': [7] }, compressed),
        'w.q.npz',
      )
      expect(idx.role).toBe('quantized')
      expect(idx.arrays).toEqual([
        {
          name: 'net/conv1/kernel:0',
          layer: 'conv1',
          param: 'kernel',
          dtype: '<f4',
          shape: [3, 3, 3, 16],
          elements: 432,
          dataBytes: 1728,
          compressed,
        },
        {
          name: 'net/block/conv9_depth/bias:0',
          layer: 'block/conv9_depth',
          param: 'bias',
          dtype: '<f4',
          shape: [7],
          elements: 7,
          dataBytes: 28,
          compressed,
        },
      ])
      expect(idx.totalElements).toBe(439)
    }
  })

  it('npy headers: versions 1 and 2, scalars, big-endian and structured dtypes', () => {
    expect(parseNpyHeader(npyBytes('>f8', [2, 3], 8), 'a')).toMatchObject({
      descr: '>f8',
      shape: [2, 3],
      fortranOrder: false,
    })
    expect(parseNpyHeader(npyBytes('<u2', [], 2), 'a')?.shape).toEqual([])
    const v2 = npyBytes('<i4', [5], 4).slice()
    const dictLen = new DataView(v2.buffer).getUint16(8, true)
    const upgraded = new Uint8Array(v2.length + 2)
    upgraded.set(v2.subarray(0, 8))
    upgraded[6] = 2
    new DataView(upgraded.buffer).setUint32(8, dictLen, true)
    upgraded.set(v2.subarray(10), 12)
    expect(parseNpyHeader(upgraded, 'a')).toMatchObject({
      descr: '<i4',
      shape: [5],
      headerBytes: 12 + dictLen,
    })
    expect(dtypeItemSize('|u1')).toBe(1)
    expect(dtypeItemSize('<c8')).toBe(8)
    expect(dtypeItemSize('<U4')).toBe(16)
    expect(dtypeItemSize('structured')).toBeNull()
    expect(errorOf(() => parseNpyHeader(utf8('not an npy file at all'), 'w.npz: "x"')).message).toBe(
      'w.npz: "x" is not a .npy array (no \\x93NUMPY magic)',
    )
    expect(splitParamName('kernel')).toEqual({ layer: '', param: '' })
  })

  it('entries that are not arrays, or whose size disagrees with their shape, are listed as problems', () => {
    const npz = buildNpz({ 'a/b/c:0': [2, 2] })
    const withText = indexNpz(npz, 'x.npz')
    expect(withText.problems).toEqual([])
    const lying = npz.slice()
    // Change the shape text (2, 2) to (2, 3) inside the stored .npy header.
    const at = Buffer.from(lying).indexOf("'shape': (2, 2)")
    lying[at + 13] = '3'.charCodeAt(0)
    const idx = indexNpz(lying, 'x.npz')
    expect(idx.problems[0]).toMatch(/shape \(2, 3\) of <f4 needs 24 bytes but the member holds 16/)
  })

  it('a zip that is not one throws HarParseError', () => {
    expect(errorOf(() => indexNpz(utf8('short'), 'w.npz')).message).toMatch(
      /^w\.npz: it is 5 bytes, shorter than a zip end record/,
    )
  })
})

describe('bare .hn files', () => {
  it('opens an HN, with its unknown keys reported', () => {
    const bytes = utf8(JSON.stringify(smallHn()))
    expect(looksLikeHn(bytes)).toBe(true)
    expect(hnReader.match(bytes)).toBe(true)
    const s = openHn(bytes)
    expect(s.format).toBe('hn')
    expect(s.network).toMatchObject({
      name: 'net',
      layerCount: 4,
      netParams: { version: '1.0', stage: 'HN', clusters: '8' },
    })
    expect(s.network.layerTypes).toEqual([
      { type: 'conv', count: 2 },
      { type: 'input_layer', count: 1 },
      { type: 'output_layer', count: 1 },
    ])
    expect(s.network.layers.find((l) => l.name === 'net/conv1')?.activation).toBe('silu')
    expect(s.network.layers.find((l) => l.name === 'net/conv2')?.activation).toBeNull()
    expect(s.unknownKeys.map((u) => u.where)).toEqual(['net_params', 'layers.*.params (conv)', 'layers.*'])
  })

  it('is not fooled by other JSON, and explains what is missing', () => {
    expect(looksLikeHn(utf8('{"nms_scores_th": 0.2, "bbox_decoders": []}'))).toBe(false)
    expect(looksLikeHn(utf8('[{"layers": {}}]'))).toBe(false)
    expect(errorOf(() => openHn(utf8('{"name": "x", "layers": []}'))).message).toBe(
      'the HN file has no "layers" object (top-level keys: name, layers); it is not a Hailo HN network',
    )
  })

  it('odd layers become warnings, not crashes', () => {
    const s = openHn(
      utf8(JSON.stringify({ name: 'n', layers: { a: 5, b: { input: 'x', output_shapes: 'y' } } })),
    )
    expect(s.warnings).toEqual([
      'layer "a" is not an object; skipped',
      'layer "b" has no "type"',
      'the HN has no input_layer',
      'the HN has no output_layer',
    ])
  })
})
