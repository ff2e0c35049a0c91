// The invalidation bus: one pub/sub channel per namespace (`<namespace>:bus`), JSON messages
// carrying the sender's origin id. Subscribing needs its own connection (a connection in
// subscriber mode accepts no other commands), so each Bus duplicates the client; ioredis
// resubscribes it by itself after a reconnect.
//
// Delivery is acknowledged: a message names a reply channel (`<channel>:ack:<sender>`) and an id;
// every subscriber answers once it has applied the message, and publish() resolves when as many
// answers came back as Redis counted receivers (so an invalidation resolves after every other
// process's L1 dropped the entries), or after ACK_TIMEOUT_MS when a receiver died meanwhile.

import { randomUUID } from 'node:crypto'
import type { Cluster } from 'ioredis'
import type { Bus, BusMessage } from '../backend.js'
import type { RedisClient } from './options.js'

/** How long publish() waits for receivers' acknowledgements (a receiver that died never answers): ms. */
const ACK_TIMEOUT_MS = 2_000

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
  if (m.id !== undefined && typeof m.id !== 'string') return undefined
  return m as BusMessage
}

interface Waiter { need: number; got: number; done(): void }

export class RedisBus implements Bus {
  #sub: RedisClient | undefined
  #closed = false
  /** This bus's reply channel, and the acknowledgements it waits for, by message id. */
  readonly #ackChannel: string
  readonly #waiting = new Map<string, Waiter>()
  #acksReady: Promise<void> | undefined
  /** Messages dropped because they were not valid bus messages. */
  dropped = 0

  constructor(readonly client: RedisClient, readonly channel: string) {
    this.#ackChannel = `${channel}:ack:${randomUUID()}`
  }

  /** Publishes, then waits until every receiver Redis counted has applied the message (bounded). */
  async publish(message: BusMessage): Promise<void> {
    if (this.#closed) throw new Error('fncache redis bus: publish() after close()')
    // A write's notice needs no answer (the guarantee is about invalidations): one round trip.
    if (message.op === 'delete' && message.invalidate !== true) {
      await this.client.publish(this.channel, JSON.stringify(message))
      return
    }
    await this.#listenForAcks()
    const id = randomUUID()
    let timer: NodeJS.Timeout | undefined
    const acked = new Promise<void>((resolve) => {
      this.#waiting.set(id, { need: Infinity, got: 0, done: resolve })
      timer = setTimeout(resolve, ACK_TIMEOUT_MS)
      timer.unref?.()
    })
    try {
      // Cluster: PUBLISH counts the receivers of one node only; count subscribers on every node first.
      const need = this.client.isCluster ? await this.#subscribers() : 0
      const n = await this.client.publish(this.channel, JSON.stringify({ ...message, id, ack: this.#ackChannel }))
      const w = this.#waiting.get(id)!
      w.need = this.client.isCluster ? need : n
      if (w.got >= w.need) w.done()
      await acked
    } finally {
      clearTimeout(timer)
      this.#waiting.delete(id)
    }
  }

  async #subscribers(): Promise<number> {
    const nodes = (this.client as Cluster).nodes('all')
    const counts = await Promise.all(nodes.map((n) => n.pubsub('NUMSUB', this.channel).then((r) => Number((r as unknown[])[1]) || 0, () => 0)))
    return counts.reduce((a, b) => a + b, 0)
  }

  /** The subscriber connection (made once), listening on the bus channel and/or this bus's reply channel. */
  #connection(): RedisClient {
    if (this.#sub !== undefined) return this.#sub
    // A subscriber waits for messages indefinitely: no command timeout, keep reconnecting.
    const sub = (this.#sub = this.client.isCluster
      ? (this.client as Cluster).duplicate()
      // The offline queue on: the first SUBSCRIBE is issued before the new connection is up
      // (a client made with enableOfflineQueue: false, as the CLI's, would fail it).
      : (this.client as import('ioredis').Redis).duplicate({ commandTimeout: undefined, enableAutoPipelining: false, lazyConnect: false, enableOfflineQueue: true }))
    sub.on('error', () => {})
    sub.on('message', (channel: string, text: string) => {
      if (channel === this.#ackChannel) {
        const w = this.#waiting.get(text)
        if (w !== undefined && ++w.got >= w.need) w.done()
        return
      }
      if (channel === this.channel) this.#onMessage?.(text)
    })
    return sub
  }

  #listenForAcks(): Promise<void> {
    return (this.#acksReady ??= this.#connection().subscribe(this.#ackChannel).then(() => {}))
  }

  #onMessage: ((text: string) => void) | undefined

  async subscribe(onMessage: (message: BusMessage) => void): Promise<void> {
    if (this.#closed) throw new Error('fncache redis bus: subscribe() after close()')
    if (this.#onMessage !== undefined) throw new Error('fncache redis bus: subscribe() was already called; create another bus for another listener')
    this.#onMessage = (text) => {
      const m = parseMessage(text) as (BusMessage & { id?: string; ack?: unknown }) | undefined
      if (m === undefined) { this.dropped++; return }
      const { id, ack, ...payload } = m
      try {
        onMessage(payload as BusMessage)
      } catch {
        // A throwing listener must not stop delivery of the next messages.
      }
      // Answer only on reply channels of this bus's own channel: a hostile message cannot make us publish elsewhere.
      if (id !== undefined && typeof ack === 'string' && ack.startsWith(this.channel + ':ack:') && ack.length < this.channel.length + 64) {
        this.client.publish(ack, id).catch(() => {})
      }
    }
    await this.#connection().subscribe(this.channel)
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
