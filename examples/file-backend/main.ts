// A file-backed cache survives the process: this runs itself twice against one directory; the
// first run computes and stores, the second reads every result from disk without computing.
//   node main.js            both runs, in a temp dir (or FNCACHE_EXAMPLE_DIR)
//   node main.js run <dir>  one run
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configure, metrics } from 'fncache.macro'
import { file } from 'fncache.macro/file'
import { computed, report } from './report.js'

if (process.argv[2] === 'run') {
  const disk = file({ dir: process.argv[3]!, pruneInterval: 0 })
  configure({ backends: { default: disk } })
  const started = Date.now()
  let total = 0
  for (let year = 2020; year <= 2024; year++) total += (await report(year)).total
  const m = metrics()
  console.log(`${process.argv[4]}: 5 reports (sum ${total}) in ${Date.now() - started} ms; computed ${computed.n}, hits ${m.hits}, misses ${m.misses}`)
  await disk.close()
} else {
  const dir = process.env.FNCACHE_EXAMPLE_DIR ?? mkdtempSync(join(tmpdir(), 'fncache-file-example-'))
  const self = fileURLToPath(import.meta.url)
  try {
    for (const label of ['first run ', 'second run']) {
      const r = spawnSync(process.execPath, [self, 'run', dir, label], { stdio: 'inherit' })
      if (r.status !== 0) process.exit(r.status ?? 1)
    }
    console.log(`cache directory: ${process.env.FNCACHE_EXAMPLE_DIR ? dir : '(a temp dir, removed)'}; inspect one with: fncache stats --dir <dir>`)
  } finally {
    if (!process.env.FNCACHE_EXAMPLE_DIR) rmSync(dir, { recursive: true, force: true })
  }
}
