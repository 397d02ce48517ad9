// Lets a plain `node --experimental-transform-types` child process (crash and concurrency tests) import
// the app's TypeScript sources, whose relative imports omit the `.ts` extension as bundlers allow.
import { register } from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context)
  } catch (error) {
    if ((specifier.startsWith('.') || specifier.startsWith('/')) && !/\\.[cm]?[jt]s$|\\.json$/.test(specifier)) {
      return next(specifier + '.ts', context)
    }
    throw error
  }
}`),
  import.meta.url,
)
