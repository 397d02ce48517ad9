#!/usr/bin/env node
// The `quantscope` command: runs the CLI bundle that `npm run build` (electron-vite) writes to out/main.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(
    `quantscope: the CLI is not built (no ${cli}); run \`npm run build\` in the Quantscope folder\n`,
  )
  process.exit(1)
}
const { main } = await import(pathToFileURL(cli).href)
await main()
