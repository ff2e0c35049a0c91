// `fncache invalidate --tag T... --prefix P... [--soft]` and `fncache clear --yes`: through the
// backend itself, so every process that shares the cache stops serving the entries (with --soft:
// serves them stale, within each function's staleWhileRevalidate, while one refresh runs).

import type { Context } from '../context.js'
import { scoped } from '../context.js'
import { usage } from '../errors.js'
import { withTarget } from '../target.js'

export async function invalidate(ctx: Context): Promise<number> {
  const o = ctx.options
  if (o.tag.length === 0 && o.prefix.length === 0) {
    throw usage('invalidate needs at least one --tag or --prefix.', 'fncache invalidate --dir .cache/fn --tag user:42 --prefix src/users.ts#getUser:')
  }
  if (ctx.positionals.length) throw usage(`invalidate takes no positional arguments; received ${ctx.positionals.map((p) => JSON.stringify(p)).join(', ')}.`, `fncache invalidate --tag ${ctx.positionals[0]}`)
  // An empty prefix matches every key (an unset shell variable in --prefix "$P" gives one): as
  // destructive as clear, so it needs the same confirmation.
  if (o.prefix.some((p) => p === '') && !o.yes) {
    throw usage(`--prefix '' matches every entry${o.scope.length > 0 ? ` of the scope${o.scope.length > 1 ? 's' : ''} ${o.scope.map((s) => JSON.stringify(s)).join(', ')}` : ''}; confirm with --yes, or use clear to remove everything.`, 'fncache clear --dir .cache/fn --yes')
  }
  const tags = scoped(o, o.tag)
  const prefixes = scoped(o, o.prefix)
  return withTarget(o, async (target) => {
    const n = await target.invalidate(tags, prefixes, o.soft)
    if (o.json) ctx.out(JSON.stringify({ target: target.label, tags, prefixes, ...(o.soft ? { soft: true, marked: n } : { removed: n }) }, null, 2))
    else ctx.out(`${target.label}: ${o.soft ? 'marked stale' : 'removed'} ${n.tags + n.prefixes} entries (${n.tags} by tag, ${n.prefixes} by prefix)`)
    return 0
  })
}

export async function clear(ctx: Context): Promise<number> {
  const o = ctx.options
  if (!o.yes) throw usage('clear deletes every entry of the cache; confirm with --yes.', 'fncache clear --dir .cache/fn --yes')
  return withTarget(o, async (target) => {
    await target.clear()
    if (o.json) ctx.out(JSON.stringify({ target: target.label, cleared: true }))
    else ctx.out(`${target.label}: cleared`)
    return 0
  })
}
