/**
 * What the e2e tests share: start and stop `quantscope serve` on a workspace, launch Debian's Chromium,
 * count painted canvas pixels. Needs `npx electron-vite build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

const SERVE_URL = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/

export interface Serve {
  child: ChildProcess
  url: string
  port: number
  output: () => string
}

/** Start `quantscope serve` and resolve once it printed its URL; reject with its output if it exits first. */
export function startServe(workspace: string): Promise<Serve> {
  const child = spawn(
    process.execPath,
    ['bin/quantscope.mjs', 'serve', '--port', '0', '--workspace', workspace],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      rejectStart(new Error(`quantscope serve printed no URL within 30 s. Output:\n${output}`))
    }, 30_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = SERVE_URL.exec(output)
      if (match) {
        clearTimeout(timer)
        resolveStart({ child, url: match[0], port: Number(match[1]), output: () => output })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      rejectStart(
        new Error(
          `quantscope serve exited (code ${code}, signal ${signal}) before printing its URL:\n${output}`,
        ),
      )
    })
  })
}

export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL')
    await exited
  }
}

/** Number of canvas pixels that are not fully transparent: a drawn chart has thousands. */
export function paintedPixels(page: Page, testid: string): Promise<number> {
  return page
    .locator(`[data-testid="${testid}"] canvas`)
    .first()
    .evaluate((canvas) => {
      const c = canvas as unknown as {
        width: number
        height: number
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
        }
      }
      if (c.width === 0 || c.height === 0) return 0
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height)
      let painted = 0
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++
      return painted
    })
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

/** Collect page errors and console errors (CSP violations are console errors) into `problems`. */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    // A meta-delivered CSP cannot carry frame-ancestors; Chromium says so. serve sends X-Frame-Options instead.
    if (message.type() === 'error' && !/frame-ancestors/.test(message.text())) {
      problems.push(`console error: ${message.text()}`)
    }
  })
}
