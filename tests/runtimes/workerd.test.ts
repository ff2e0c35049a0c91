// Cloudflare workerd (the workerd package): a Worker whose fetch handler runs the compiled app on
// the memory backend, served on a free loopback port. Two requests reach one isolate, so the second
// one must be served from the entries the first one stored.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn } from 'node:child_process'
import { copyFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { FIRST_RUN, bundledApp, toolOrSkip } from './tools.js'

const workerd = toolOrSkip('workerd')
const test = suite('workerd')

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer().once('error', reject)
  s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
})

/** Retries while the server starts: up to 60 s (workerd's start-up is slow on a loaded machine). */
async function fetchRetry(url: string, ms = 60_000): Promise<unknown> {
  const end = Date.now() + ms
  for (;;) {
    try {
      const res = await fetch(url)
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}: ${await res.text()}`)
      return await res.json()
    } catch (e) {
      if (Date.now() > end || (e as Error).message.includes('HTTP')) throw e
      await new Promise((r) => setTimeout(r, 100)) // the server is still starting
    }
  }
}

if (workerd) {
  test('a Worker serves cache hits across requests', async () => {
    const bundle = await bundledApp()
    const dir = dirname(bundle)
    copyFileSync(bundle, join(dir, 'app.js'))
    writeFileSync(join(dir, 'worker.js'), `import { run } from './app.js'
export default { async fetch() { return Response.json(await run()) } }
`)
    const port = await freePort()
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js"), (name = "app.js", esModule = embed "app.js") ],
  compatibilityDate = "2025-01-01",
);
`)
    const child = spawn(workerd, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => { err += d })
    try {
      assert.equal(await fetchRetry(`http://127.0.0.1:${port}/`), FIRST_RUN, err)
      // Same isolate: square and getUser hit (3 + 3), the invalidation drops getUser again (1 miss).
      assert.equal(await fetchRetry(`http://127.0.0.1:${port}/`), { ...FIRST_RUN, calls: 4, hits: 10, misses: 4 }, err)
    } finally {
      child.kill('SIGKILL')
    }
  })
}
test.run()
