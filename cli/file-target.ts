// The file backend seen from the CLI: listings walk the documented layout (`<dir>/v1/g/<group
// hash>/<entry hash>`, a `.name` file holding each group's key prefix) and decode entry files
// without touching them; invalidation and clear go through the backend itself, so other processes
// sharing the directory see them exactly as they see their own.

import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { file as fileBackend, type FileBackend } from '../runtime/backends/file/index.js'
import { realFs } from '../runtime/backends/file/io.js'
import { decodeEntry } from '../runtime/backends/file/record.js'
import { isEntryName } from '../runtime/backends/file/layout.js'
import { DEFAULT_MAX_ENTRY_BYTES, FOREIGN, isHash, kindOf, readRegular } from '../runtime/backends/file/safe.js'
import { CliError, EXIT } from './errors.js'
import { entryOf, type EntryInfo, type Target } from './entries.js'

const missing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT'

/** Opens `dir` (which must exist: the CLI never creates a cache directory by mistake). */
export function openFile(dir: string): Target {
  let st
  try {
    st = statSync(dir)
  } catch (e) {
    throw new CliError('E_NO_DIRECTORY', `--dir ${JSON.stringify(dir)} does not exist (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, EXIT.UNREACHABLE,
      'pass the directory given to file({ dir }) (default: node_modules/.cache/fncache under the app)')
  }
  if (!st.isDirectory()) throw new CliError('E_NOT_A_DIRECTORY', `--dir ${JSON.stringify(dir)} is not a directory.`, EXIT.UNREACHABLE)
  const groups = join(dir, 'v1', 'g')
  let backend: FileBackend | undefined
  const open = () => (backend ??= fileBackend({ dir, pruneInterval: 0 }))
  // A directory without the layout holds no entries: nothing to remove, and nothing is created
  // there (the backend would make a v1/ skeleton in whatever directory a typo names).
  const isCache = () => existsSync(join(dir, 'v1'))
  const notACache = () => process.stderr.write(`fncache: ${JSON.stringify(dir)} holds no fncache entries (no v1/ directory); nothing was changed.\n`)

  return {
    label: `file ${dir}`,
    kind: 'file',
    async *entries(prefix, onProgress) {
      let groupNames: string[]
      if (kindOf(realFs, groups) !== 'dir') return // absent, or a link planted as v1/g
      try { groupNames = readdirSync(groups) } catch (e) { if (missing(e)) return; throw e }
      let scanned = 0
      for (const gh of groupNames) {
        const gdir = join(groups, gh)
        // Links, FIFOs and foreign names planted in the directory are skipped, never followed or read.
        if (!isHash(gh) || kindOf(realFs, gdir) !== 'dir') continue
        // A group's .name is its key prefix up to the function id: skip whole groups the prefix excludes.
        if (prefix !== undefined) {
          let name: string | undefined
          try {
            const b = readRegular(realFs, join(gdir, '.name'), 64 * 1024)
            name = b === undefined || b === FOREIGN ? undefined : b.toString('utf8')
          } catch { name = undefined }
          if (name !== undefined && !name.startsWith(prefix) && !prefix.startsWith(name)) continue
        }
        let names: string[]
        try { names = readdirSync(gdir) } catch (e) { if (missing(e)) continue; throw e }
        for (const n of names) {
          if (!isEntryName(n)) continue
          const read = readRegular(realFs, join(gdir, n), DEFAULT_MAX_ENTRY_BYTES)
          if (read === undefined) continue
          onProgress(++scanned)
          const buf = read === FOREIGN ? Buffer.alloc(0) : read
          const rec = decodeEntry(buf)
          const info: EntryInfo = rec === undefined
            ? entryOf(`(unreadable ${gh}/${n})`, undefined, buf.length)
            : entryOf(rec.key, rec.value, buf.length, rec.tags)
          // The file frame's expiry is authoritative for whether the backend still serves the entry.
          if (rec !== undefined && rec.expires <= Date.now()) continue
          if (prefix !== undefined && !info.key.startsWith(prefix)) continue
          yield info
        }
        if (scanned % 64 === 0) await new Promise((r) => setImmediate(r))
      }
    },
    async invalidate(tags, prefixes, soft = false) {
      if (!isCache()) { notACache(); return { tags: 0, prefixes: 0 } }
      const b = open()
      // Stamped: a computation in flight in a service cannot write an invalidated value back.
      const at = Date.now()
      const opts = soft ? { at, soft } : { at }
      const t = tags.length ? await b.invalidateTags(tags, opts) : 0
      const p = prefixes.length ? await b.invalidatePrefix(prefixes, opts) : 0
      return { tags: t, prefixes: p }
    },
    async clear() {
      if (!isCache()) { notACache(); return }
      await open().clear({ at: Date.now() })
    },
    async close() { await backend?.close() },
  }
}
