// Picks the cache a command acts on: `--dir` (file backend) or `--redis` (Redis backend), exactly one.

import { CliError, EXIT, usage } from './errors.js'
import type { Options } from './context.js'
import type { Target } from './entries.js'
import { openFile } from './file-target.js'
import { openRedis } from './redis-target.js'

export async function openTarget(o: Options): Promise<Target> {
  if (o.dir !== undefined && o.redis !== undefined) throw usage('pass either --dir or --redis, not both.')
  if (o.dir !== undefined) return openFile(o.dir)
  if (o.redis !== undefined) return openRedis(o.redis, o.namespace, o.timeout)
  const env = process.env.FNCACHE_REDIS_URL
  if (env) return openRedis(env, o.namespace, o.timeout, 'FNCACHE_REDIS_URL')
  throw new CliError('E_USAGE', 'which cache? Pass --dir <path> (file backend) or --redis <url> (or set FNCACHE_REDIS_URL).', EXIT.USAGE,
    'fncache stats --dir node_modules/.cache/fncache')
}

/** Runs `f` with an open target and always closes it. */
export async function withTarget<T>(o: Options, f: (t: Target) => Promise<T>): Promise<T> {
  const t = await openTarget(o)
  try {
    return await f(t)
  } finally {
    await t.close().catch(() => {})
  }
}
