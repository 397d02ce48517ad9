/**
 * The Models screen end to end: the built renderer in Debian's Chromium against a real
 * `quantscope serve` (a child process) on a fresh workspace, with the real fixture models.
 * Needs `npx electron-vite build` first (the renderer in out/renderer, the CLI in out/main).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp'
import {
  launchChromium,
  paintedPixels,
  repo,
  startServe,
  stopServe,
  watchProblems,
  type Serve,
} from './serve-harness'

const models = resolve(repo, '..', 'shared', 'fixtures', 'models')
const yoloxPath = join(models, 'yolox_nano.onnx')
const nanodetPath = join(models, 'nanodet_m.onnx')
const screenshotPath = join(repo, 'test-results', 'models.png')

describe('Models screen in Chromium against quantscope serve', () => {
  const workspace = tempDir('quantscope-e2e-')
  let serve: Serve | undefined
  let browser: Browser | undefined
  let page: Page
  const browserProblems: string[] = []
  const killOnExit = (): void => {
    serve?.child.kill('SIGKILL')
  }

  beforeAll(async () => {
    for (const built of ['out/renderer/index.html', 'out/main/cli.js']) {
      if (!existsSync(join(repo, built)))
        throw new Error(`${built} is missing: run \`npx electron-vite build\` first`)
    }
    // If the test process dies without running afterAll, the server must not outlive it.
    process.once('exit', killOnExit)
    serve = await startServe(workspace.dir)
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 })
    page.setDefaultTimeout(15_000)
    watchProblems(page, browserProblems)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (serve) await stopServe(serve.child)
    process.off('exit', killOnExit)
    workspace.remove()
  }, 30_000)

  it('refuses an HTTP request that has no token with 401', async () => {
    const response = await fetch(`http://127.0.0.1:${serve!.port}/`)
    expect(response.status).toBe(401)
    await response.body?.cancel()
  })

  it('shows the workspace, the host and the empty state, and takes the token out of the address bar', async () => {
    await page.goto(serve!.url)
    await expect
      .poll(() => page.getByTestId('workspace-path').textContent())
      .toContain(workspace.dir.split('/').pop())
    expect(await page.getByTestId('host-badge').textContent()).toContain(`serve · 127.0.0.1:${serve!.port}`)
    await page.getByTestId('models-empty').waitFor()
    expect(await page.getByTestId('models-empty').textContent()).toContain('Open an ONNX model')
    expect(page.url()).not.toContain('token=')
  })

  it('opens yolox_nano by path and shows its parameters, MACs, inputs and outputs', async () => {
    await page.getByTestId('open-path-input').fill(yoloxPath)
    await page.getByTestId('open-path-button').click()
    const summary = page.getByTestId('summary-panel')
    await summary.waitFor()
    expect(await summary.getByTestId('summary-title').textContent()).toBe('yolox_nano.onnx')
    expect(await page.getByTestId('param-count').textContent()).toBe('904,481')
    expect(await page.getByTestId('mac-count').textContent()).toBe('522,553,408')

    const io = page.getByTestId('io-table')
    const input = io.getByTestId('io-input')
    const output = io.getByTestId('io-output')
    expect(await input.count()).toBe(1)
    expect(await output.count()).toBe(1)
    expect(await input.getByTestId('io-name').textContent()).toBe('images')
    expect(await input.getByTestId('io-shape').textContent()).toBe('[1, 3, 416, 416]')
    expect(await output.getByTestId('io-name').textContent()).toBe('output')
    expect(await output.getByTestId('io-shape').textContent()).toBe('[1, 3549, 85]')

    const rows = page.getByTestId('model-list').getByTestId('model-row')
    expect(await rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('yolox_nano.onnx')
  })

  it('draws the op-type histogram on a canvas', async () => {
    const chart = page.getByTestId('op-histogram-chart')
    await chart.locator('canvas').first().waitFor()
    await expect.poll(() => paintedPixels(page, 'op-histogram-chart')).toBeGreaterThan(1_000)
    const box = await chart.boundingBox()
    expect(box!.width).toBeGreaterThan(200)
    expect(box!.height).toBeGreaterThan(100)
  })

  it('shows an error that names a path that does not exist, and dismisses it', async () => {
    const missing = join(workspace.dir, 'no-such-folder', 'missing_model.onnx')
    await page.getByTestId('open-path-input').fill(missing)
    await page.getByTestId('open-path-button').click()
    const panel = page.getByTestId('error-panel')
    await panel.waitFor()
    expect(await panel.getByTestId('error-message').first().textContent()).toContain(missing)
    expect(await panel.getByTestId('error-code').first().textContent()).toBe('NOT_FOUND')
    // The model shown before is still shown.
    expect(await page.getByTestId('param-count').textContent()).toBe('904,481')
    await panel.getByTestId('error-dismiss').first().click()
    await panel.waitFor({ state: 'detached' })
  })

  it('opens a file dropped on the window (uploaded as bytes) and adds it to the list', async () => {
    const bytes = readFileSync(nanodetPath)
    const dataTransfer = await page.evaluateHandle(
      ({ base64, name }) => {
        const binary = atob(base64)
        const array = new Uint8Array(binary.length)
        for (let i = 0; i < binary.length; i++) array[i] = binary.charCodeAt(i)
        // Typed by hand: this file compiles without the DOM library.
        const { DataTransfer } = globalThis as unknown as {
          DataTransfer: new () => { items: { add(file: File): unknown } }
        }
        const transfer = new DataTransfer()
        transfer.items.add(new File([array], name, { type: 'application/octet-stream' }))
        return transfer
      },
      { base64: bytes.toString('base64'), name: 'nanodet_m.onnx' },
    )
    await page.dispatchEvent('main', 'dragenter', { dataTransfer })
    await page.getByTestId('drop-overlay').waitFor()
    await page.dispatchEvent('main', 'dragover', { dataTransfer })
    await page.dispatchEvent('main', 'drop', { dataTransfer })
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' })

    const rows = page.getByTestId('model-list').getByTestId('model-row')
    await expect.poll(() => rows.count()).toBe(2)
    await expect
      .poll(() => rows.allTextContents())
      .toEqual([expect.stringContaining('nanodet_m.onnx'), expect.stringContaining('yolox_nano.onnx')])
    // The dropped model is selected; its copy lives in the workspace.
    await expect.poll(() => page.getByTestId('summary-title').textContent()).toBe('nanodet_m.onnx')
    expect(await page.getByTestId('param-count').textContent()).toBe('941,863')
    expect(await page.getByTestId('summary-path').textContent()).toContain(workspace.dir.split('/').pop())
    expect(await page.getByTestId('error-panel').count()).toBe(0)
  })

  it('keeps the list after a reload (the token was remembered) and saves the README screenshot', async () => {
    await page.reload()
    const rows = page.getByTestId('model-list').getByTestId('model-row')
    await expect.poll(() => rows.count()).toBe(2)
    await rows.filter({ hasText: 'yolox_nano.onnx' }).click()
    await expect.poll(() => page.getByTestId('summary-title').textContent()).toBe('yolox_nano.onnx')
    await expect.poll(() => paintedPixels(page, 'op-histogram-chart')).toBeGreaterThan(1_000)
    await expect.poll(() => paintedPixels(page, 'macs-chart')).toBeGreaterThan(100)
    mkdirSync(dirname(screenshotPath), { recursive: true })
    await page.screenshot({ path: screenshotPath, fullPage: true })
    expect(existsSync(screenshotPath)).toBe(true)
  })

  it('removes a model from the list only after confirmation', async () => {
    const rows = page.getByTestId('model-list').getByTestId('model-row')
    const nanodet = rows.filter({ hasText: 'nanodet_m.onnx' })
    await nanodet.hover()
    await nanodet.getByTestId('remove-model').click()
    await nanodet.getByTestId('confirm-remove').waitFor()
    expect(await rows.count()).toBe(2)
    await nanodet.getByTestId('confirm-remove-yes').click()
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('yolox_nano.onnx')
    expect(await page.getByTestId('summary-title').textContent()).toBe('yolox_nano.onnx')
  })

  it('says what to do next in Runs, Ladder and Compare while the workspace has no runs', async () => {
    await page.getByTestId('nav-runs').click()
    await page.getByTestId('runs-empty').waitFor()
    expect(await page.getByTestId('runs-empty').textContent()).toContain(
      'No runs yet: import device results or run quantscope eval',
    )
    await page.getByTestId('runs-empty-import').click()
    await page.getByTestId('import-results-form').waitFor()
    await page.getByTestId('nav-ladder').click()
    expect(await page.getByTestId('ladder-empty').textContent()).toContain('No completed runs to draw')
    await page.getByTestId('nav-compare').click()
    expect(await page.getByTestId('compare-empty').textContent()).toContain('Pick two or more runs')
    await page.getByTestId('nav-models').click()
    await page.getByTestId('model-list').waitFor()
  })

  it('ran without page errors, console errors or CSP violations', () => {
    expect(browserProblems).toEqual([])
  })
})
