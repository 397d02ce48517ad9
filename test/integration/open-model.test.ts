/**
 * Opening models through the API handlers with a real workspace (SQLite on disk), real files and the
 * real ONNX reader: the good cases are stored, every bad case gives a one-line message and leaves the
 * store exactly as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/api/dispatch'
import { createHandlers } from '../../src-main/api/handlers'
import { openWorkspace, type Workspace } from '../../src-main/services/store/workspace'
import type { ApiEvents, ApiHandlers, HefSummary, ModelRecord, OnnxSummary } from '../../src-main/shared/api'
import { nanodetM, writeBadFiles, yoloxNano, type BadFiles } from '../helpers/bad-files'
import { sharedFixture } from '../helpers/fixtures'
import { tempDir } from '../helpers/temp'

const yolov8nHef = sharedFixture('hailo', 'yolov8n.hef')

describe('models.open with a real workspace', () => {
  const temp = tempDir()
  let workspace: Workspace
  let handlers: ApiHandlers
  let bad: BadFiles
  const events: ApiEvents['models.changed'][] = []

  beforeAll(() => {
    workspace = openWorkspace(`${temp.dir}/ws`)
    handlers = createHandlers({
      host: 'cli',
      workspace,
      emit: (event, payload) => {
        if (event === 'models.changed') events.push(payload as ApiEvents['models.changed'])
      },
    })
    bad = writeBadFiles(temp.dir)
  })
  afterAll(() => {
    workspace.close()
    temp.remove()
  })

  it('opens, summarizes and stores a real detector', async () => {
    const result = await dispatch(handlers, 'models.open', { path: yoloxNano })
    expect(result.ok).toBe(true)
    const record = (result as { value: ModelRecord }).value
    expect(record).toMatchObject({ path: yoloxNano, fileName: 'yolox_nano.onnx', format: 'onnx' })
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/)
    const summary = record.summary as OnnxSummary
    expect(summary.parameters.initializerElements).toBe(904_481)
    expect(summary.macs.total).toBe(522_553_408)
    expect(events.at(-1)).toEqual({ ids: [record.id] })
  })

  it('re-opening the same path updates the row instead of adding one', async () => {
    const first = await handlers['models.open']({ path: nanodetM })
    const again = await handlers['models.open']({ path: nanodetM })
    expect(again.id).toBe(first.id)
    expect(again.firstOpenedAt).toBe(first.firstOpenedAt)
    const list = await handlers['models.list']({})
    expect(list.map((m) => m.fileName)).toEqual(['nanodet_m.onnx', 'yolox_nano.onnx'])
    expect(list[0]).toMatchObject({ parameters: 941_863, macs: 578_357_208 })
  })

  it('opens dropped bytes by saving a copy in the workspace', async () => {
    const bytes = readFileSync(nanodetM)
    const record = await handlers['models.openBytes']({
      fileName: 'dropped.onnx',
      dataBase64: bytes.toString('base64'),
    })
    expect(record.path.startsWith(`${workspace.dir}/imports/`)).toBe(true)
    expect((record.summary as OnnxSummary).parameters.initializerElements).toBe(941_863)
    expect((await handlers['models.remove']({ id: record.id })).removed).toBe(true)
  })

  it('opens and stores a real Hailo HEF (no longer "unsupported")', async () => {
    const result = await dispatch(handlers, 'models.open', { path: yolov8nHef })
    expect(result.ok).toBe(true)
    const record = (result as { value: ModelRecord }).value
    expect(record).toMatchObject({ fileName: 'yolov8n.hef', format: 'hef' })
    const summary = record.summary as HefSummary
    expect(summary.container.checksum.ok).toBe(true)
    expect(summary.networkGroups[0]?.outputs).toHaveLength(6)
    const item = (await handlers['models.list']({})).find((m) => m.id === record.id)
    expect(item).toMatchObject({ format: 'hef', parameters: null, macs: null })
    expect(item?.detail).toMatch(/HAILO8P · SDK 3\.31\.0 · yolov8 NMS on host/)
    expect(item?.outputs).toMatch(/yolov8n\/conv41_97 \[40,40,64\]/)
    expect((await handlers['models.remove']({ id: record.id })).removed).toBe(true)
  })

  it('a truncated HEF is refused with one line and leaves the store as it was', async () => {
    const before = JSON.stringify(await handlers['models.list']({}))
    const truncated = join(temp.dir, 'truncated.hef')
    writeFileSync(truncated, readFileSync(yolov8nHef).subarray(0, 500_000))
    const result = await dispatch(handlers, 'models.open', { path: truncated })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('BAD_FILE')
      expect(result.error.message).toMatch(/truncated\.hef.*HEF proto size 1074368 exceeds file size 500000/)
      expect(result.error.message).not.toContain('\n')
    }
    expect(JSON.stringify(await handlers['models.list']({}))).toBe(before)
  })

  const cases: [keyof BadFiles, string, RegExp][] = [
    ['empty', 'BAD_FILE', /empty/],
    ['random', 'UNSUPPORTED_FORMAT', /random\.onnx/],
    ['pngRenamed', 'UNSUPPORTED_FORMAT', /PNG/],
    ['truncated', 'BAD_FILE', /truncated/],
    ['missingExternal', 'BAD_FILE', /external data file .* missing/],
    ['nonexistent', 'NOT_FOUND', /no file at ".*does-not-exist\.onnx"/],
    ['directory', 'IO', /is a folder/],
  ]
  it.each(cases)('%s: clear one-line error, store unchanged', async (name, code, message) => {
    const before = JSON.stringify(await handlers['models.list']({}))
    const result = await dispatch(handlers, 'models.open', { path: bad[name] })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe(code)
      expect(result.error.message).toMatch(message)
      expect(result.error.message).not.toContain('\n')
      expect(result.error.message.length).toBeLessThan(400)
    }
    expect(JSON.stringify(await handlers['models.list']({}))).toBe(before)
  })

  it('a bad drop leaves no file and no row behind', async () => {
    const before = await handlers['models.list']({})
    const result = await dispatch(handlers, 'models.openBytes', { fileName: 'x.onnx', dataBase64: 'AAAA' })
    expect(result.ok).toBe(false)
    expect(await handlers['models.list']({})).toEqual(before)
  })
})
