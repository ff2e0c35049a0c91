// Two processes share one Redis cache: A computes, B reads A's entry, B invalidates, A misses.
//   REDIS_URL=redis://127.0.0.1:6379 node main.js   (needs a running redis-server)
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const worker = fileURLToPath(new URL('./worker.js', import.meta.url))
const namespace = `fncache-example-${process.pid}` // a fresh namespace: this run starts cold

function start(name: string) {
  const child: ChildProcess = spawn(process.execPath, [worker], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, FNCACHE_NAMESPACE: namespace } })
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  return {
    async send(command: string) {
      child.stdin!.write(command + '\n')
      const { value, done } = await lines.next()
      if (done) throw new Error(`process ${name} exited`)
      const reply = JSON.parse(value)
      const what = 'hit' in reply ? (reply.hit ? 'hit (from Redis)' : 'miss (computed, stored)') : `removed ${reply.removed}`
      console.log(`${name}: ${command.padEnd(22)} -> ${what}`)
      return reply
    },
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.stdin!.end('quit\n') }),
  }
}

const a = start('process A')
const b = start('process B')
try {
  await a.send('get apple')            // miss: A computes and stores in Redis
  await b.send('get apple')            // hit: B reads what A stored
  await b.send('invalidate sku:apple') // B invalidates...
  const again = await a.send('get apple') // ...and A misses
  console.log(again.hit ? 'unexpected: A still hit after the invalidation' : 'A missed after B invalidated: one cache, shared and coherent')
  if (again.hit) process.exitCode = 1
} finally {
  await a.send('invalidate prices').catch(() => {})
  await Promise.all([a.stop(), b.stop()])
}
