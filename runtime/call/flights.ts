// The calls of one function in flight, by logical key, that later callers of the key may join.
// A Map alone made every sequential call pay an insert and a delete that shrink and regrow its
// table (about 2 us of a Redis hit, more than the rest of the runtime's share of it): the first
// call in flight sits in one slot instead, and only calls overlapping it go to the Map.

export class Flights<F> {
  #slotKey: string | undefined = undefined
  #slot: F | undefined = undefined
  #more: Map<string, F> | undefined = undefined

  get size(): number {
    return (this.#slotKey === undefined ? 0 : 1) + (this.#more === undefined ? 0 : this.#more.size)
  }

  get(key: string): F | undefined {
    if (this.#slotKey === key) return this.#slot
    return this.#more === undefined || this.#more.size === 0 ? undefined : this.#more.get(key)
  }

  has(key: string): boolean {
    return this.#slotKey === key || (this.#more !== undefined && this.#more.size !== 0 && this.#more.has(key))
  }

  /** Registers `f` under `key`, replacing the flight already there. */
  set(key: string, f: F): void {
    if (this.#slotKey === key) this.#slot = f
    else if (this.#slotKey === undefined && (this.#more === undefined || !this.#more.has(key))) {
      this.#slotKey = key
      this.#slot = f
    } else (this.#more ??= new Map()).set(key, f)
  }

  delete(key: string): boolean {
    if (this.#slotKey === key) {
      this.#slotKey = undefined
      this.#slot = undefined
      return true
    }
    return this.#more !== undefined && this.#more.delete(key)
  }

  /** Every flight, the slot's first; safe to delete from while iterating. */
  *[Symbol.iterator](): IterableIterator<[string, F]> {
    if (this.#slotKey !== undefined) yield [this.#slotKey, this.#slot!]
    if (this.#more !== undefined) for (const e of [...this.#more]) yield e
  }
}
