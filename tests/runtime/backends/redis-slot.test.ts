// Cluster slots (runtime/backends/redis/slot.ts): the values a Redis 7 node's CLUSTER KEYSLOT
// returns, hash tags included, and grouping for multi-key commands.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bySlot, keySlot } from '../../../runtime/backends/redis/slot.js'

const slots = suite('keySlot')

slots('matches CLUSTER KEYSLOT', () => {
  // From the Redis cluster specification and `redis-cli CLUSTER KEYSLOT`.
  assert.is(keySlot('123456789'), 0x31c3)
  assert.is(keySlot('foo'), 12182)
  assert.is(keySlot('bar'), 5061)
  assert.is(keySlot(''), 0)
})

slots('hashes only the first {tag}, and the whole key when that tag is empty', () => {
  assert.is(keySlot('{user1000}.following'), keySlot('user1000'))
  assert.is(keySlot('{user1000}.followers'), keySlot('user1000'))
  // Measured with CLUSTER KEYSLOT; cluster-key-slot says 4015 for the first (it hashes `{bar`).
  assert.is(keySlot('foo{}{bar}'), 8363)
  assert.is(keySlot('{}x'), 10595)
  assert.is(keySlot('foo{{bar}}zap'), 4015)
  assert.is(keySlot('foo{bar}{zap}'), 5061)
})

slots('runs over UTF-8 bytes, as keys go on the wire', () => {
  assert.is(keySlot('é'), 10180)
  assert.is(keySlot('{é}x'), 10180)
  assert.is(keySlot('\u{1F600}'), 2959) // 4 bytes; the same in cluster-key-slot
})

slots.run()

// ---

const groups = suite('bySlot')

groups('groups keys by slot, in first-seen order, preserving order within a group', () => {
  const keys = ['{a}1', 'foo', '{a}2', 'bar', '{a}3', 'foo']
  assert.equal(bySlot(keys), [['{a}1', '{a}2', '{a}3'], ['foo', 'foo'], ['bar']])
  assert.equal(bySlot([]), [])
})

groups.run()
