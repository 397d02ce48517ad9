/**
 * The boundary: untrusted method name + untrusted arguments in, a Result out. Validates with the zod
 * schema of the method, runs its handler, and turns typed errors into `{code, message}`. Never throws.
 */
import type { z } from 'zod'
import { API_METHODS, type ApiHandlers, type ApiMethod, type Result } from '../shared/api'
import { argSchemas } from '../shared/schemas'
import { QuantscopeError } from '../core/errors'
import { fail, ok } from '../shared/result'

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && (API_METHODS as readonly string[]).includes(method)
}

/** One line per problem: `path: message`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'arguments'}: ${issue.message}`)
    .join('; ')
}

export type InternalErrorLogger = (method: string, error: unknown) => void

export async function dispatch(
  handlers: ApiHandlers,
  method: unknown,
  rawArgs: unknown,
  logInternal: InternalErrorLogger = (m, e) => console.error(`[quantscope] ${m} failed:`, e),
): Promise<Result<unknown>> {
  if (!isApiMethod(method)) {
    return fail('INVALID_ARGUMENT', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`)
  }
  const parsed = argSchemas[method].safeParse(rawArgs ?? {})
  if (!parsed.success) {
    return fail('INVALID_ARGUMENT', `${method}: ${describeZodError(parsed.error)}`)
  }
  try {
    const handler = handlers[method] as (args: unknown) => Promise<unknown>
    return ok(await handler(parsed.data))
  } catch (error) {
    if (error instanceof QuantscopeError) return fail(error.code, error.message)
    logInternal(method, error)
    return fail(
      'INTERNAL',
      `internal error in ${method}: ${(error as Error)?.message ?? String(error)} (please report it)`,
    )
  }
}
