// `fncache stats`: entries, bytes and versions per function id (or per source file with --by file).

import type { Context } from '../context.js'
import { withTarget } from '../target.js'
import { bytes, table } from '../output.js'

interface Group { id: string; entries: number; bytes: number; versions: Set<string>; corrupt: number; expired: number }

export async function stats(ctx: Context): Promise<number> {
  const o = ctx.options
  return withTarget(o, async (target) => {
    const groups = new Map<string, Group>()
    let entries = 0
    let total = 0
    const now = Date.now()
    for await (const e of target.entries(undefined, (n) => ctx.progress.update(`scanned ${n} entries...`))) {
      const id = e.corrupt ? '(unreadable)' : o.by === 'file' ? e.functionId.split('#')[0]! : e.functionId
      let g = groups.get(id)
      if (g === undefined) groups.set(id, (g = { id, entries: 0, bytes: 0, versions: new Set(), corrupt: 0, expired: 0 }))
      g.entries++
      g.bytes += e.size
      if (e.corrupt) g.corrupt++
      else g.versions.add(e.version)
      if (!e.corrupt && e.stale <= now) g.expired++
      entries++
      total += e.size
    }
    ctx.progress.done()
    const rows = [...groups.values()].sort((a, b) => b.entries - a.entries || a.id.localeCompare(b.id))
    if (o.json) {
      ctx.out(JSON.stringify({
        target: target.label, entries, bytes: total,
        groups: rows.map((g) => ({ [o.by === 'file' ? 'file' : 'functionId']: g.id, entries: g.entries, bytes: g.bytes, versions: [...g.versions].sort(), corrupt: g.corrupt, expired: g.expired })),
      }, null, 2))
      return 0
    }
    ctx.out(`${target.label}: ${entries} entries, ${bytes(total)}${groups.size ? `, ${groups.size} ${o.by === 'file' ? 'file' : 'function'}${groups.size === 1 ? '' : 's'}` : ''}`)
    if (rows.length === 0) return 0
    ctx.out('')
    ctx.out(table(
      [o.by === 'file' ? 'FILE' : 'FUNCTION', 'ENTRIES', 'BYTES', 'SHARE', 'VERSIONS'],
      rows.map((g) => [g.id, String(g.entries), bytes(g.bytes), `${total ? Math.round((g.bytes / total) * 100) : 0}%`,
        g.corrupt ? `${g.versions.size} (+${g.corrupt} unreadable)` : String(g.versions.size)]),
      ['left', 'right', 'right', 'right', 'right'],
    ))
    return 0
  })
}
