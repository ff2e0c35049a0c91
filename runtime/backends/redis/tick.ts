// One-tick batching (options.autoPipelining): the socket is corked from a tick's second command,
// and reads made while a lone GET is out are gathered into one MGET at the end of the tick.
// The backend's get() reads these fields directly: the hit path calls no extra function.

import type { Redis } from 'ioredis'
import { decodeEntry } from './format.js'
import type { RedisState } from './state.js'

type Settle = (v: Buffer | null | Error) => void

export class Tick {
  readonly cork: boolean
  /** Lone GETs sent and not yet answered. */
  reading = 0
  readonly #s: RedisState
  // 0 nothing sent this tick, 1 one command written, 2 corked.
  #tick = 0
  #corked: { uncork(): void } | undefined
  #gets: { keys: string[]; settle: Settle[] } | undefined

  constructor(s: RedisState, cork: boolean) {
    this.#s = s
    this.cork = cork
  }

  // Bound once per backend: handed to .then() on every read, so no closure is made per call.
  readonly decode = (v: Buffer | null) => (v === null ? undefined : decodeEntry(v))
  readonly read = (v: Buffer | null) => {
    this.reading--
    return v === null ? undefined : decodeEntry(v)
  }
  readonly readFailed = (e: unknown): never => {
    this.reading--
    return this.#s.fail(e)
  }
  readonly #endTick = () => {
    if (this.#tick === 2) this.#corked!.uncork()
    this.#tick = 0
    this.#corked = undefined
  }

  /**
   * Called before each command. The first command of a tick goes out at once; from the second
   * on, the socket is corked until process.nextTick, so a burst leaves in one writev.
   */
  batch(): void {
    if (!this.cork) return
    if (this.#tick === 0) {
      this.#tick = 1
      process.nextTick(this.#endTick)
    } else if (this.#tick === 1) {
      const client = this.#s.client
      const stream = (client as Redis).stream as { cork?(): void; uncork(): void } | undefined
      if (stream?.cork !== undefined && client.status === 'ready') {
        stream.cork()
        this.#corked = stream
        this.#tick = 2
      }
    }
  }

  /** Queues a read of Redis key `k` for the MGET sent at the end of this tick. */
  gather(k: string): Promise<Uint8Array | undefined> {
    let g = this.#gets
    if (g === undefined) {
      g = this.#gets = { keys: [], settle: [] }
      process.nextTick(this.#flushGets)
    }
    const { keys, settle } = g
    return new Promise<Buffer | null | Error>((resolve) => { keys.push(k); settle.push(resolve) })
      .then((v) => (v instanceof Error ? this.#s.fail(v) : this.decode(v)))
  }

  readonly #flushGets = () => {
    const g = this.#gets!
    this.#gets = undefined
    const { keys, settle } = g
    const client = this.#s.client
    const sent = keys.length === 1 ? client.getBuffer(keys[0]).then((v) => [v]) : client.mgetBuffer(keys)
    sent.then((vs) => { for (let i = 0; i < settle.length; i++) settle[i](vs[i] ?? null) }, (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e))
      for (const s of settle) s(err)
    })
  }
}
