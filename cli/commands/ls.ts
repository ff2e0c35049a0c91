// `fncache ls [--prefix P] [--limit N]`: keys with their age, TTL left and size, sorted by key.

import type { Context } from '../context.js'
import { scoped } from '../context.js'
import { withTarget } from '../target.js'
import { bytes, duration, table } from '../output.js'
import type { EntryInfo } from '../entries.js'

export async function ls(ctx: Context): Promise<number> {
  const o = ctx.options
  const prefixes = scoped(o, o.prefix)
  return withTarget(o, async (target) => {
    const found: EntryInfo[] = []
    // One scan per prefix (a SCAN MATCH each); none: everything.
    for (const p of prefixes.length ? prefixes : [undefined]) {
      for await (const e of target.entries(p, (n) => ctx.progress.update(`scanned ${n} entries...`))) found.push(e)
    }
    ctx.progress.done()
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    const shown = o.limit === undefined ? found : found.slice(0, o.limit)
    const now = Date.now()
    if (o.json) {
      ctx.out(JSON.stringify({
        target: target.label, total: found.length,
        entries: shown.map((e) => ({
          key: e.key, functionId: e.functionId, version: e.version, size: e.size, tags: e.tags, signed: e.signed, corrupt: e.corrupt,
          created: Number.isNaN(e.created) ? null : e.created,
          ageMs: Number.isNaN(e.created) ? null : now - e.created,
          // null: no expiry. Negative: past its TTL, still kept for its stale window.
          ttlMs: Number.isNaN(e.fresh) || e.fresh === Infinity ? null : e.fresh - now,
          staleMs: Number.isNaN(e.stale) || e.stale === Infinity ? null : e.stale - now,
        })),
      }, null, 2))
      return 0
    }
    if (found.length === 0) {
      ctx.out(`${target.label}: no entries${prefixes.length ? ` under ${prefixes.map((p) => JSON.stringify(p)).join(', ')}` : ''}`)
      return 0
    }
    ctx.out(table(['KEY', 'AGE', 'TTL', 'SIZE', 'VERSION'], shown.map((e) => [
      e.corrupt ? `${e.key} (unreadable)` : e.key,
      Number.isNaN(e.created) ? '?' : duration(now - e.created),
      Number.isNaN(e.fresh) ? '?' : e.fresh > now || e.fresh === Infinity ? duration(e.fresh - now) : `stale ${duration(e.stale - now)}`,
      bytes(e.size),
      e.version || '-',
    ]), ['left', 'right', 'right', 'right', 'left']))
    if (shown.length < found.length) ctx.out(`... ${found.length - shown.length} more (--limit ${o.limit}; --json for everything)`)
    return 0
  })
}
