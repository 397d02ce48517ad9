import pkg from '../../package.json' with { type: 'json' }

/** The application version, from package.json (inlined by the bundler). */
export const QUANTSCOPE_VERSION: string = pkg.version
