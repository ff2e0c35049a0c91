// The file backend under ENOSPC, EACCES and a read-only directory, through the runtime: the cached
// function still runs and returns, the error is counted, and there is exactly one warning.
// ENOSPC and EROFS use a real tmpfs (full / mounted read-only) when `mount` works here (root),
// else the backend's @internal `fs` seam. EACCES: tests run as root, where chmod stops nothing, so
// the directory sits under a regular file (ENOTDIR), and EACCES itself is injected through `fs`.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cached, configure } from '../../../runtime/index.js'
import { file, type FileOptions } from '../../../runtime/backends/file/index.js'
import { realFs, type Fs } from '../../../runtime/backends/file/io.js'
import { captureWarnings, fresh } from '../../helpers/runtime.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'fncache-faults-'))

function mount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
const umount = (dir: string) => { try { execFileSync('umount', [dir], { stdio: 'ignore' }) } catch { /* not mounted */ } }

/** An fs whose writes of entries (and directory creation) fail with `code`. */
function failing(code: string): Fs {
  const err = () => Object.assign(new Error(`${code}: injected, write`), { code })
  return {
    ...realFs,
    openSync: ((p: string, flags?: unknown, mode?: unknown) => {
      if (flags === 'wx' || flags === 'a') throw err()
      return (realFs.openSync as (...a: unknown[]) => number)(p, flags, mode)
    }) as Fs['openSync'],
    mkdirSync: (() => { throw err() }) as Fs['mkdirSync'],
  }
}

/** Sync and async cached functions on the backend: every call returns, errors are counted, one warning. */
async function failsOpen(options: FileOptions, expectCode: RegExp): Promise<void> {
  fresh()
  const disk = file({ pruneInterval: 0, ...options })
  configure({ backends: { disk } })
  let calls = 0
  const sq = cached((n: number) => { calls++; return n * n }, { id: 'faults.ts#sq', backend: 'disk' })
  const get = cached(async (n: number) => { calls++; return { n } }, { id: 'faults.ts#get', backend: 'disk', tags: ['t'] })
  const seen: unknown[] = []
  const warnings = await captureWarnings(async () => {
    for (let i = 0; i < 3; i++) {
      seen.push(sq(i))
      seen.push(await get(i))
    }
  })
  assert.equal(seen, [0, { n: 0 }, 1, { n: 1 }, 4, { n: 2 }])
  assert.is(calls, 6, 'nothing was cached, everything ran')
  assert.ok(sq.stats().errors >= 1 && get.stats().errors >= 1, `errors counted: ${sq.stats().errors}, ${get.stats().errors}`)
  assert.ok(disk.stats().errors! >= 1)
  assert.is(warnings.length, 1, JSON.stringify(warnings))
  assert.match(warnings[0]!.message, expectCode)
  await disk.close()
}

// ---

const faults = suite('file backend fails open')

faults('ENOSPC: a full filesystem', async () => {
  const dir = tmp()
  try {
    if (mount(dir, 'size=64k')) {
      // Fill it: the backend then cannot write an entry.
      try { writeFileSync(join(dir, 'fill'), Buffer.alloc(1 << 20)) } catch { /* ENOSPC: full */ }
      await failsOpen({ dir: join(dir, 'cache') }, /ENOSPC/)
    } else {
      await failsOpen({ dir, fs: failing('ENOSPC') }, /ENOSPC/)
    }
  } finally {
    umount(dir)
    rmSync(dir, { recursive: true, force: true })
  }
})

faults('EROFS: a read-only directory', async () => {
  const dir = tmp()
  try {
    if (mount(dir, 'ro,size=64k')) await failsOpen({ dir }, /EROFS/)
    else await failsOpen({ dir, fs: failing('EROFS') }, /EROFS/)
  } finally {
    umount(dir)
    rmSync(dir, { recursive: true, force: true })
  }
})

faults('EACCES: a directory that cannot be created (a path component is a regular file)', async () => {
  const dir = tmp()
  try {
    writeFileSync(join(dir, 'file'), 'x')
    await failsOpen({ dir: join(dir, 'file', 'cache') }, /ENOTDIR/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

faults('EACCES: permission denied on writes (injected)', async () => {
  const dir = tmp()
  try {
    await failsOpen({ dir, fs: failing('EACCES') }, /EACCES/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
faults.run()
