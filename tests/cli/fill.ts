// Test helper: fills a backend through the real runtime (uncompiled wraps with explicit ids), the
// way an app would, so the CLI reads what the runtime writes.
import { cached, configure } from '../../runtime/index.js'
import type { Backend } from '../../runtime/backends/backend.js'
import { fresh } from '../helpers/runtime.js'

export const calls = { user: 0, post: 0 }

export async function fill(backend: Backend) {
  fresh()
  configure({ now: Date.now, backends: { default: backend } })
  const getUser = cached(async (id: string) => { calls.user++; return { id, name: `user ${id}` } },
    { id: 'src/users.ts#getUser', ttl: '5m', tags: (_r: unknown, id: string) => ['users', `user:${id}`] } as never)
  const getPost = cached(async (id: number) => { calls.post++; return { id, body: 'x'.repeat(200) } },
    { id: 'src/posts.ts#getPost', tags: ['posts'] } as never)
  const from = Date.now()
  for (let i = 1; i <= 5; i++) await getUser(String(i))
  for (let i = 1; i <= 3; i++) await getPost(i)
  return { getUser, getPost, filled: { from, to: Date.now() } }
}

/** What `ls` lists for getUser (ttl 5m), bounded by the clock readings around the fill and the ls run. */
export const USER_TTL_MS = 300_000

/**
 * Checks an `ls --json` entry of getUser exactly, whatever the load: the record's `created` lies in
 * the fill's window, the CLI's own clock reading (created + ageMs) lies in the window around its
 * run, and age + TTL left is exactly the 5 m TTL (both come from one clock reading).
 */
export function checkUserTimes(e: { created: number; ageMs: number; ttlMs: number }, filled: { from: number; to: number }, ran: { from: number; to: number }): string | undefined {
  if (!(e.created >= filled.from && e.created <= filled.to)) return `created ${e.created} outside the fill [${filled.from}, ${filled.to}]`
  const cliNow = e.created + e.ageMs
  if (!(cliNow >= ran.from && cliNow <= ran.to)) return `the CLI's clock ${cliNow} outside its run [${ran.from}, ${ran.to}]`
  if (e.ageMs + e.ttlMs !== USER_TTL_MS) return `age ${e.ageMs} + ttl ${e.ttlMs} is not ${USER_TTL_MS}`
  return undefined
}

/** Seconds of a duration as cli/output.ts prints it (`45s`, `4m`, `4m5s`, `1h2m`). */
export function seconds(shown: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(shown)
  if (m === null || shown === '') throw new Error(`not a duration: ${JSON.stringify(shown)}`)
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)
}
