/**
 * The `quantscope` command as a user runs it: the built bin (npm test builds first), real files, real
 * exit codes and streams.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nanodetM, repoRoot, writeBadFiles, yoloxNano, type BadFiles } from '../helpers/bad-files'
import { sharedFixture } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'
import type { HefSummary } from '../../src-main/shared/model-summary'

const bin = join(repoRoot, 'bin', 'quantscope.mjs')

function quantscope(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('quantscope CLI', () => {
  const temp = tempDir()
  let bad: BadFiles
  beforeAll(() => {
    bad = writeBadFiles(temp.dir)
  })
  afterAll(() => temp.remove())

  it('inspect --json prints the summary with the reference figures', () => {
    const r = quantscope('inspect', yoloxNano, '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      path: string
      sha256: string
      summary: { parameters: { initializerElements: number }; macs: { total: number } }
    }
    expect(out.path).toBe(yoloxNano)
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(out.summary.parameters.initializerElements).toBe(904_481)
    expect(out.summary.macs.total).toBe(522_553_408)
  })

  it('inspect prints a readable report', () => {
    const r = quantscope('inspect', nanodetM)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/parameters\s+941,863 in/)
    expect(r.stdout).toMatch(/MACs\s+578,357,208/)
  })

  it.each([
    ['empty', /empty/],
    ['random', /random\.onnx/],
    ['pngRenamed', /PNG/],
    ['truncated', /truncated/],
    ['missingExternal', /external data file/],
    ['nonexistent', /no file at/],
    ['directory', /is a folder/],
  ] as [keyof BadFiles, RegExp][])('%s: one line on stderr, exit code 2, no stack', (name, message) => {
    const r = quantscope('inspect', bad[name])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^quantscope: /)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
  })

  describe('inspect a Hailo HEF', () => {
    const hef = sharedFixture('hailo', 'yolov8n.hef')

    it('--json: the network group, six outputs with original names and quantization, and the NMS settings', () => {
      const r = quantscope('inspect', hef, '--json')
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const out = JSON.parse(r.stdout) as { summary: HefSummary }
      const s = out.summary
      expect(s.format).toBe('hef')
      expect(s.container.checksum.ok).toBe(true)
      const g = s.networkGroups[0]
      expect(g?.name).toBe('yolov8n')
      expect(
        g?.outputs.map((t) => [t.name, t.originalNames[0], t.quantization?.zeroPoint, t.quantization?.scale]),
      ).toEqual([
        ['yolov8n/conv42_97', '/model.22/cv3.0/cv3.0.2/Conv', 0, 0.0035226591862738132],
        ['yolov8n/conv41_97', '/model.22/cv2.0/cv2.0.2/Conv', 102, 0.23191237449645996],
        ['yolov8n/conv53_97', '/model.22/cv3.1/cv3.1.2/Conv', 0, 0.0038428271654993296],
        ['yolov8n/conv52_97', '/model.22/cv2.1/cv2.1.2/Conv', 76, 0.1948164999485016],
        ['yolov8n/conv63_97', '/model.22/cv3.2/cv3.2.2/Conv', 0, 0.0039195287972688675],
        ['yolov8n/conv62_97', '/model.22/cv2.2/cv2.2.2/Conv', 80, 0.09003238379955292],
      ])
      expect(g?.nmsOps[0]).toMatchObject({
        metaArch: 'yolov8',
        scoreThreshold: 0.2,
        iouThreshold: 0.699999988079071,
        maxProposalsPerClass: 100,
        classes: 110,
        imageHeight: 640,
        imageWidth: 640,
        regressionLength: 16,
      })
    })

    it('text report: architecture, streams and NMS settings', () => {
      const r = quantscope('inspect', hef)
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/architecture\s+HAILO8P \(hw_arch 1\)/)
      expect(r.stdout).toMatch(/checksum\s+xxh3-64 7f048e5a53496001 ok/)
      expect(r.stdout).toMatch(
        /output\s+yolov8n\/conv41_97 40x40x64 FRAMES 8-bit pad 1 zp 102 scale 0\.23191237449645996/,
      )
      expect(r.stdout).toMatch(/thresholds\s+score 0\.2, IoU 0\.699999988079071/)
    })

    it('a copy with one byte changed: opens, and reports the checksum mismatch', () => {
      const bytes = readFileSync(hef)
      bytes[600_000] = (bytes[600_000] as number) ^ 0x01
      const corrupted = join(temp.dir, 'corrupted.hef')
      writeFileSync(corrupted, bytes)
      const r = quantscope('inspect', corrupted)
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/checksum\s+MISMATCH: xxh3-64 stored 7f048e5a53496001, computed [0-9a-f]{16}/)
      expect(r.stdout).toMatch(/warning\s+checksum mismatch/)
      const json = quantscope('inspect', corrupted, '--json')
      expect((JSON.parse(json.stdout) as { summary: HefSummary }).summary.container.checksum.ok).toBe(false)
    })

    it('a truncated copy: one line on stderr, exit code 2', () => {
      const truncated = join(temp.dir, 'truncated.hef')
      writeFileSync(truncated, readFileSync(hef).subarray(0, 500_000))
      const r = quantscope('inspect', truncated)
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(
        /^quantscope: "truncated\.hef": HEF proto size 1074368 exceeds file size 500000/,
      )
    })
  })

  it('--debug adds the stack trace', () => {
    const r = quantscope('inspect', bad.random, '--debug')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/\n\s+at /)
  })

  it('--help, --version and usage errors', () => {
    const help = quantscope('--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/inspect/)
    expect(help.stdout).toMatch(/serve/)
    const version = quantscope('--version')
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const usage = quantscope('inspect')
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/missing required argument/)
    const port = quantscope('serve', '--port', 'abc')
    expect(port.code).toBe(2)
    expect(port.stderr).toMatch(/--port "abc" is not a port number/)
  })
})
