/**
 * The `quantscope` command as a user runs it: the built bin (npm test builds first), real files, real
 * exit codes and streams.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nanodetM, repoRoot, writeBadFiles, yoloxNano, type BadFiles } from '../helpers/bad-files'
import { tempDir } from '../helpers/temp'

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
