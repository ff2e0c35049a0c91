// npm run bench [scenario-filter]: installs the private benchmarks/ package (the peers) when its
// node_modules is missing, then runs benchmarks/run.ts with fncache resolved to source and GC exposed.
// The filter is a regex over scenario file names, e.g. `npm run bench -- sync` or `npm run bench -- '0[45]'`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bench = join(root, 'benchmarks')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

if (!existsSync(join(bench, 'node_modules'))) {
  console.log('benchmarks/node_modules is missing: installing the peers (npm install in benchmarks/)')
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: bench, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const args = ['--conditions=fncache-source', '--import', 'tsx', '--expose-gc', join('benchmarks', 'run.ts'), ...process.argv.slice(2)]
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
