/**
 * zod schemas for every argument that crosses a process boundary (IPC, WebSocket, CLI). Main parses
 * with these before any handler runs: the renderer is untrusted.
 */
import { z } from 'zod'
import type { ApiArgs, ApiMethod } from './api'

const empty = z.strictObject({})
const id = z.strictObject({ id: z.number().int().positive() })

/** A path must be a non-empty string without NUL bytes; existence is checked by the handler. */
const path = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')

/** 512 MiB of file content, base64-encoded (4 chars per 3 bytes). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024
const base64 = z
  .string()
  .max(Math.ceil(MAX_UPLOAD_BYTES / 3) * 4, `file is larger than ${MAX_UPLOAD_BYTES} bytes; open it by path`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'dataBase64 is not base64')

const fileName = z
  .string()
  .min(1, 'fileName is empty')
  .max(255)
  .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'fileName must be a bare file name')

export const argSchemas = {
  'app.info': empty,
  'models.list': empty,
  'models.get': id,
  'models.open': z.strictObject({ path }),
  'models.openBytes': z.strictObject({ fileName, dataBase64: base64 }),
  'models.remove': id,
} satisfies { [M in ApiMethod]: z.ZodType<ApiArgs<M>> }
