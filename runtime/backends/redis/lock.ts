// Stampede leases (the `lock` option): SET NX PX with a random token, released by a
// compare-and-delete script so a holder whose lease ran out cannot free its successor's.

import { randomUUID } from 'node:crypto'
import type { Lease } from '../backend.js'
import type { RedisState } from './state.js'

export async function acquire(s: RedisState, key: string, leaseMs: number): Promise<Lease | undefined> {
  const lk = s.lockPrefix + key
  const token = randomUUID()
  const ok = await s.client.set(lk, token, 'PX', Math.max(1, Math.ceil(leaseMs)), 'NX').catch(s.fail)
  if (ok !== 'OK') return undefined
  let released = false
  return {
    release: async () => {
      if (released) return
      released = true
      // A failed release is counted, not thrown: the lease expires by itself.
      await s.c.fncacheRelease(lk, token).catch(() => { s.errors++ })
    },
  }
}
