// The invalidation bus: one pub/sub channel per namespace (`<namespace>:bus`), JSON messages
// carrying the sender's origin id. Subscribing needs its own connection (a connection in
// subscriber mode accepts no other commands), so each Bus duplicates the client; ioredis
// resubscribes it by itself after a reconnect.

import type { Bus, BusMessage } from '../backend.js'
import type { RedisClient } from './options.js'

const OPS = new Set(['delete', 'tags', 'prefix', 'clear'])
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string')

/** Parses and checks a message; anything malformed (another writer on the channel) is undefined. */
export function parseMessage(text: string): BusMessage | undefined {
  let m: Record<string, unknown>
  try {
    m = JSON.parse(text)
  } catch {
    return undefined
  }
  if (m === null || typeof m !== 'object' || typeof m.origin !== 'string' || !OPS.has(m.op as string)) return undefined
  if (m.op === 'delete' && !strings(m.keys)) return undefined
  if (m.op === 'tags' && !strings(m.tags)) return undefined
  if (m.op === 'prefix' && !strings(m.prefixes)) return undefined
  return m as BusMessage
}

export class RedisBus implements Bus {
  #sub: RedisClient | undefined
  #closed = false
  /** Messages dropped because they were not valid bus messages. */
  dropped = 0

  constructor(readonly client: RedisClient, readonly channel: string) {}

  async publish(message: BusMessage): Promise<void> {
    if (this.#closed) throw new Error('fncache redis bus: publish() after close()')
    await this.client.publish(this.channel, JSON.stringify(message))
  }

  async subscribe(onMessage: (message: BusMessage) => void): Promise<void> {
    if (this.#closed) throw new Error('fncache redis bus: subscribe() after close()')
    if (this.#sub !== undefined) throw new Error('fncache redis bus: subscribe() was already called; create another bus for another listener')
    // A subscriber waits for messages indefinitely: no command timeout, keep reconnecting.
    const sub = (this.#sub = this.client.isCluster
      ? (this.client as import('ioredis').Cluster).duplicate()
      : (this.client as import('ioredis').Redis).duplicate({ commandTimeout: undefined, enableAutoPipelining: false, lazyConnect: false }))
    sub.on('error', () => {})
    sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return
      const m = parseMessage(text)
      if (m === undefined) { this.dropped++; return }
      try {
        onMessage(m)
      } catch {
        // A throwing listener must not stop delivery of the next messages.
      }
    })
    await sub.subscribe(this.channel)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const sub = this.#sub
    this.#sub = undefined
    if (sub !== undefined) {
      try {
        await sub.quit()
      } catch {
        sub.disconnect()
      }
    }
  }
}
