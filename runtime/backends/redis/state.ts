// What the Redis backend's modules share: the client with its scripts, the key layout, the
// Cluster stamp-set map and the error count. One object per backend, passed to module functions.
//
// Key layout, with the default namespace "fncache":
//   fncache:v:<key>   an entry: header with its tags + the runtime's record (format.ts). A hit is one GET.
//   fncache:t:<tag>   the set of keys written with <tag>; expires no earlier than its members
//   fncache:l:<key>   a stampede lease: SET NX PX, released by compare-and-delete
//   fncache:z         invalidation stamps (sorted set: member `t<tag>`, `><prefix>` or `=<key>`,
//                     soft ones `~t<tag>`, `~><prefix>` (soft.ts); score = when invalidated);
//                     Cluster: one `fncache:z{<n>}` per master, on a slot of that master, so each conditional set reads the stamps of its own node
//   fncache:bus       the pub/sub channel of createBus()

import type { RedisClient } from './options.js'
import { defineScripts, type Scripted } from './scripts.js'

export interface RedisState {
  readonly client: RedisClient
  readonly c: Scripted
  readonly cluster: boolean
  /** `<namespace>:` */
  readonly prefix: string
  readonly valuePrefix: string
  readonly tagPrefix: string
  readonly lockPrefix: string
  /** The stamp set (single server), and the stem of the per-master ones (Cluster). */
  readonly zp: string
  /** Cluster: master (`host:port`) → its stamp set. */
  zones: Map<string, string>
  errors: number
  /** Counts the error and rethrows it; made once, so `.catch(s.fail)` allocates no closure per call. */
  readonly fail: (e: unknown) => never
}

export function createState(client: RedisClient, prefix: string): RedisState {
  const s: RedisState = {
    client,
    c: defineScripts(client),
    cluster: client.isCluster,
    prefix,
    valuePrefix: prefix + 'v:',
    tagPrefix: prefix + 't:',
    lockPrefix: prefix + 'l:',
    zp: prefix + 'z',
    zones: new Map<string, string>(),
    errors: 0,
    fail: (e: unknown): never => {
      s.errors++
      throw e
    },
  }
  return s
}
