import { defineConfig } from 'vitest/config'

// One run for everything: unit (core, services, renderer charts), integration (CLI, serve, store) and
// e2e (Chromium against `quantscope serve`, which needs `npm run build` first — `npm test` does that).
// Benchmarks (`npm run bench`) live in bench/ and print figures; they are never timed tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
})
