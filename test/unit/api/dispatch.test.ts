import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../../src-main/api/dispatch'
import { createHandlers } from '../../../src-main/api/handlers'
import { openWorkspace, type Workspace } from '../../../src-main/services/store/workspace'
import { API_METHODS, type ApiHandlers } from '../../../src-main/shared/api'
import { argSchemas } from '../../../src-main/shared/schemas'
import { tempDir } from '../../helpers/temp'

describe('dispatch: the validated boundary', () => {
  const temp = tempDir()
  let workspace: Workspace
  let handlers: ApiHandlers
  const internal: unknown[] = []

  beforeAll(() => {
    workspace = openWorkspace(temp.dir)
    handlers = createHandlers({ host: 'cli', workspace, emit: () => {} })
  })
  afterAll(() => {
    workspace.close()
    temp.remove()
  })

  it('has a schema for every method', () => {
    expect(Object.keys(argSchemas).sort()).toEqual([...API_METHODS].sort())
  })

  it.each([
    ['unknown method', 'fs.readFile', {}, /unknown method "fs.readFile"/],
    ['non-string method', 42, {}, /unknown method/],
    ['missing argument', 'models.open', {}, /models.open: path: .*(expected string|received undefined)/i],
    ['wrong type', 'models.open', { path: 7 }, /path: .*expected string/i],
    ['empty path', 'models.open', { path: '' }, /path is empty/],
    ['NUL in path', 'models.open', { path: 'a\0b' }, /NUL byte/],
    ['extra key', 'models.open', { path: '/x', shell: 'rm -rf' }, /unrecognized key/i],
    ['array instead of object', 'models.list', [], /expected object/i],
    ['id not an integer', 'models.get', { id: 1.5 }, /id: .*int/i],
    ['id negative', 'models.get', { id: -1 }, /id: .*(>0|too small)/i],
    ['id as string', 'models.remove', { id: '1' }, /id: .*expected number/i],
    [
      'file name with a slash',
      'models.openBytes',
      { fileName: '../x.onnx', dataBase64: '' },
      /bare file name/,
    ],
    ['not base64', 'models.openBytes', { fileName: 'x.onnx', dataBase64: '$$$' }, /not base64/],
  ])('rejects %s', async (_label, method, args, message) => {
    const result = await dispatch(handlers, method, args)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_ARGUMENT')
      expect(result.error.message).toMatch(message)
    }
  })

  it('answers a valid call', async () => {
    const result = await dispatch(handlers, 'app.info', {})
    expect(result).toMatchObject({
      ok: true,
      value: { name: 'Quantscope', host: 'cli', workspace: temp.dir },
    })
  })

  it('maps typed errors to their code and unexpected ones to INTERNAL, without throwing', async () => {
    const notFound = await dispatch(handlers, 'models.get', { id: 999 })
    expect(notFound).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/no stored model with id 999/) },
    })
    const broken = { ...handlers, 'models.list': async () => Promise.reject(new TypeError('boom')) }
    const result = await dispatch(broken, 'models.list', {}, (m, e) => internal.push([m, e]))
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/boom/) } })
    expect(internal).toHaveLength(1)
  })
})
