/**
 * The Runs, Ladder and Compare views end to end: real runs scored by the engine (the CLI imports COCO
 * results from the golden fixtures, some degraded here to make a ladder), then the built renderer in
 * Debian's Chromium against `quantscope serve` on that workspace.
 * Needs `npx electron-vite build` first.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunSummary } from '../../src-main/shared/api'
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

const golden = resolve(repo, '..', 'shared', 'fixtures', 'golden')
const results = join(repo, 'test-results')

interface CocoDet {
  image_id: number
  category_id: number
  bbox: [number, number, number, number]
  score: number
}

/** A deterministic stand-in for a lossier stage: drop every `dropEvery`-th box, shift boxes by `shift` px, damp scores. */
function degrade(dets: CocoDet[], dropEvery: number, shift: number, damp: number): CocoDet[] {
  return dets
    .filter((_, i) => i % dropEvery !== 0)
    .map((d, i) => ({
      ...d,
      bbox: [d.bbox[0] + shift, d.bbox[1] - shift, d.bbox[2], d.bbox[3]],
      score: d.score * (i % 3 === 0 ? damp : 1),
    }))
}

describe('Runs, Ladder and Compare in Chromium against quantscope serve', () => {
  const workspace = tempDir('quantscope-runs-e2e-')
  const W = join(workspace.dir, 'ws')
  let serve: Serve | undefined
  let browser: Browser | undefined
  let page: Page
  const problems: string[] = []
  const killOnExit = (): void => {
    serve?.child.kill('SIGKILL')
  }

  const cli = (...args: string[]): string =>
    execFileSync(process.execPath, ['bin/quantscope.mjs', ...args, '--workspace', W], {
      cwd: repo,
      encoding: 'utf8',
    })
  /** Wait for a test id; on a timeout, fail with what the error panel says (if anything). */
  const shown = async (testid: string): Promise<void> => {
    try {
      await page.getByTestId(testid).waitFor()
    } catch (error) {
      const panel = await page.getByTestId('error-panel').allTextContents()
      throw new Error(
        `${testid} did not show. Error panel: ${JSON.stringify(panel)}; browser: ${JSON.stringify(problems)}`,
        {
          cause: error,
        },
      )
    }
  }
  /** Tick a run's selection checkbox (the input is styled away: opacity 0) and wait until the grid counted it. */
  const selectRun = async (id: number, expected: number): Promise<void> => {
    await page.locator(`.ag-row[row-id="${id}"] .ag-selection-checkbox input`).first().check({ force: true })
    await expect
      .poll(() => page.getByTestId('selection-count').textContent())
      .toContain(`${expected} selected`)
  }
  /** Navigate inside the app (hash routes), as a link would. The page's globals are typed by hand: no DOM lib here. */
  const setHash = (hash: string): Promise<void> =>
    page.evaluate((h) => {
      ;(globalThis as unknown as { location: { hash: string } }).location.hash = h
    }, hash)
  const listRuns = (): RunSummary[] => JSON.parse(cli('runs', 'list', '--json')) as RunSummary[]

  beforeAll(async () => {
    for (const built of ['out/renderer/index.html', 'out/main/cli.js']) {
      if (!existsSync(join(repo, built)))
        throw new Error(`${built} is missing: run \`npx electron-vite build\` first`)
    }
    process.once('exit', killOnExit)
    const dir = workspace.dir
    const coco = join(golden, 'coco128-jitter-21')
    const dets = JSON.parse(readFileSync(join(coco, 'dets.json'), 'utf8')) as CocoDet[]
    const write = (name: string, value: unknown): string => {
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify(value))
      return path
    }
    const quantized = write('dets-quantized.json', degrade(dets, 9, 1.5, 0.8))
    const hardware = write('dets-hardware.json', degrade(dets, 5, 3, 0.6))
    const level2 = write('dets-level2.json', degrade(dets, 14, 0.8, 0.9))
    const protocol = write('protocol-nms06.json', {
      nms: { iou: 0.6, conf: 0.25 },
      preprocess: { size: 640 },
    })

    cli('datasets', 'add', join(coco, 'gt.json'))
    cli('datasets', 'add', join(golden, 'synthetic-11', 'gt.json'))
    const imp = (
      file: string,
      stage: string,
      backend: string,
      dataset: number,
      label: string,
      ...more: string[]
    ) =>
      cli(
        'runs',
        'import',
        file,
        '--stage',
        stage,
        '--backend',
        backend,
        '--dataset',
        String(dataset),
        '--label',
        label,
        ...more,
      )
    imp(join(coco, 'dets.json'), 'original', 'ort-cpu', 1, 'yolox-l1') // 1
    imp(quantized, 'quantized', 'ort-cpu', 1, 'yolox-l1') // 2
    imp(hardware, 'hardware', 'hailo8', 1, 'yolox-l1') // 3
    imp(join(coco, 'dets.json'), 'original', 'ort-cpu', 1, 'yolox-l2') // 4
    imp(level2, 'quantized', 'ort-cpu', 1, 'yolox-l2') // 5
    imp(join(golden, 'synthetic-11', 'dets.json'), 'original', 'ort-cpu', 2, 'synthetic') // 6
    imp(join(golden, 'synthetic-11', 'dets.json'), 'hardware', 'edgetpu', 2, 'synthetic') // 7
    imp(hardware, 'hardware', 'hailo8', 1, 'yolox-nms06', '--protocol', protocol) // 8

    serve = await startServe(W)
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 })
    page.setDefaultTimeout(15_000)
    watchProblems(page, problems)
    mkdirSync(results, { recursive: true })
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    if (serve) await stopServe(serve.child)
    process.off('exit', killOnExit)
    workspace.remove()
  }, 30_000)

  it('lists every run in the grid with its mAP, and the nav shows the views', async () => {
    await page.goto(serve!.url.replace('/?', '/?') + '#/runs')
    for (const nav of ['models', 'runs', 'ladder', 'compare']) await page.getByTestId(`nav-${nav}`).waitFor()
    const grid = page.getByTestId('runs-grid')
    await grid.locator('.ag-row').first().waitFor()
    await expect.poll(() => page.getByTestId('runs-count').textContent()).toContain('8 of 8')
    const stored = listRuns()
    const run1 = stored.find((r) => r.id === 1)!
    const cell = grid.locator('.ag-row[row-id="1"] [col-id="map50_95"]')
    expect((await cell.textContent())?.trim()).toBe((run1.map50_95! * 100).toFixed(2))
  })

  it('tags a selected run and the tag is stored', async () => {
    await selectRun(2, 1)
    await page.getByTestId('tag-input').fill('int8-baseline')
    await page.getByTestId('tag-button').click()
    await expect
      .poll(() => listRuns().find((r) => r.id === 2)?.tags, { timeout: 10_000 })
      .toEqual(['int8-baseline'])
    const tags = page.locator('.ag-row[row-id="2"] [col-id="tagsText"]')
    await expect.poll(() => tags.textContent()).toContain('int8-baseline')
  })

  it('groups by stage, hides equal columns with "differences only", and saves the screenshot', async () => {
    await page.getByTestId('group-by-select').selectOption('stage')
    await expect.poll(() => page.getByTestId('group-summary').textContent()).toContain('hardware · 3')
    const header = (col: string) => page.locator(`.ag-header-cell[col-id="${col}"]`)
    expect(await header('model').count()).toBeGreaterThan(0)
    await page.getByTestId('differences-only').check()
    // No run names a model: the model column says nothing here.
    await expect.poll(() => header('model').count()).toBe(0)
    expect(await header('stage').count()).toBeGreaterThan(0)
    // The column chooser hides a column and brings it back.
    await page.getByTestId('column-chooser-button').click()
    await page.getByTestId('column-toggle-backend').uncheck()
    await expect.poll(() => header('backend').count()).toBe(0)
    await page.getByTestId('column-toggle-backend').check()
    await expect.poll(() => header('backend').count()).toBeGreaterThan(0)
    await page.getByTestId('column-chooser-button').click()
    // Let the grid settle after the columns changed, then leave the selection for the screenshot.
    await page.waitForTimeout(200)
    await page.screenshot({ path: join(results, 'runs.png') })
  })

  it('draws the ladder with the stored numbers and warns that the protocols differ', async () => {
    await page.getByTestId('nav-ladder').click()
    await shown('ladder-table')
    const stored = listRuns()
    for (const id of [1, 2, 3, 5]) {
      const value = await page.getByTestId(`ladder-value-${id}`).getAttribute('data-value')
      expect(Number(value)).toBe(stored.find((r) => r.id === id)!.map50_95)
    }
    expect(await page.getByTestId('ladder-row').count()).toBe(4)
    const warning = page.getByTestId('protocol-warning')
    await expect.poll(() => warning.textContent()).toContain('2 different protocols')
    await expect.poll(() => page.getByTestId('protocol-diff').textContent()).toContain('nms.iou')
    for (const m of ['map50_95', 'map50', 'precision', 'recall']) {
      await expect.poll(() => paintedPixels(page, `ladder-chart-${m}`)).toBeGreaterThan(1_000)
    }
    await page.screenshot({ path: join(results, 'ladder.png') })
  })

  it('opens Compare for two runs from the table and shows per-class deltas', async () => {
    await page.getByTestId('nav-runs').click()
    await page.locator('.ag-row').first().waitFor()
    await selectRun(1, 1)
    await selectRun(3, 2)
    await page.getByTestId('compare-button').click()
    await shown('compare-metrics')
    expect(page.url()).toMatch(/compare\?ids=1(,|%2C)3/)
    const stored = listRuns()
    const ap = await page.getByTestId('metric-row-coco.0').textContent()
    expect(ap).toContain((stored.find((r) => r.id === 1)!.map50_95! * 100).toFixed(2))
    expect(ap).toContain((stored.find((r) => r.id === 3)!.map50_95! * 100).toFixed(2))
    expect(await page.getByTestId('class-delta-row').count()).toBe(5)
    expect(await page.getByTestId('class-delta-row').first().textContent()).toMatch(/−\d+\.\d\d/)
    await expect.poll(() => paintedPixels(page, 'class-ap-delta-chart')).toBeGreaterThan(1_000)
    await expect.poll(() => paintedPixels(page, 'pr-curves-chart')).toBeGreaterThan(1_000)
    await page.getByTestId('pr-class-select').selectOption({ label: 'person' })
    await page.screenshot({ path: join(results, 'compare.png') })
  })

  it('says what to do when Compare has fewer than two runs, and shows a missing run in the error panel', async () => {
    await setHash('#/compare')
    await page.getByTestId('compare-empty').waitFor()
    expect(await page.getByTestId('compare-empty').textContent()).toContain('Pick two or more runs')
    await setHash('#/compare?ids=1,999')
    const panel = page.getByTestId('error-panel')
    await panel.waitFor()
    expect(await panel.getByTestId('error-message').first().textContent()).toContain('999')
    expect(await page.getByTestId('compare-unreadable').textContent()).toContain('Only 1 of the 2 runs')
    await panel.getByTestId('error-dismiss').first().click()
    await panel.waitFor({ state: 'detached' })
  })

  it('exports the table as CSV and imports device results through the form', async () => {
    await page.getByTestId('nav-runs').click()
    await page.locator('.ag-row').first().waitFor()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv').click(),
    ])
    expect(download.suggestedFilename()).toBe('quantscope-runs.csv')
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.trim().split('\n')).toHaveLength(1 + 8)

    await page.getByTestId('import-toggle').click()
    await page.getByTestId('import-path').fill(join(golden, 'synthetic-11', 'dets.json'))
    await page.getByTestId('import-dataset').selectOption('2')
    await page.getByTestId('import-stage').fill('emulator')
    await page.getByTestId('import-backend').fill('hailo-emulator')
    await page.getByTestId('import-label').fill('synthetic')
    await page.getByTestId('import-submit').click()
    await expect.poll(() => page.getByTestId('import-message').textContent()).toContain('Imported run #9')
    await expect.poll(() => page.getByTestId('runs-count').textContent()).toContain('9 of 9')
    const run9 = listRuns().find((r) => r.id === 9)!
    expect(run9).toMatchObject({
      stage: 'emulator',
      backend: 'hailo-emulator',
      label: 'synthetic',
      datasetId: 2,
    })
  })

  it('ran without page errors, console errors, CSP violations or error-panel entries', async () => {
    expect(await page.getByTestId('error-panel').allTextContents()).toEqual([])
    expect(problems).toEqual([])
  })
})
