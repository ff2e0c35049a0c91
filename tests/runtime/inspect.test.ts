// configure({ inspect }): the local metrics endpoint, loopback only, read-only; and the isomorphic
// runtime's import graph, which must not reach node:* (the server is loaded lazily).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cached, configure } from '../../runtime/index.js'
import { closeInspect, inspectAddress } from 'fncache.macro/inspect'
import { fresh } from '../helpers/runtime.js'

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => { body += c })
      res.on('end', () => done({ status: res.statusCode!, type: String(res.headers['content-type']), body }))
    })
    req.on('error', fail)
    req.end()
  })
}

// ---

const endpoint = suite('configure({ inspect })')
endpoint.before.each(() => { fresh() })
endpoint.after.each(async () => { configure({ inspect: null }); await closeInspect() })

endpoint('serves metrics.prometheus() and metrics() on loopback; refuses other methods, paths and Host names', async () => {
  configure({ inspect: { port: 0 } })
  const addr = (await inspectAddress())!
  assert.is(addr.address, '127.0.0.1')
  const f = cached((n: number) => n * 2, { id: 'src/i.ts#double' })
  f(1); f(1)
  const text = await get(addr.port, '/metrics')
  assert.is(text.status, 200)
  assert.match(text.type, /^text\/plain; version=0\.0\.4/)
  assert.match(text.body, /^fncache_hits_total\{function="src\/i\.ts#double",backend="default"\} 1$/m)
  const json = await get(addr.port, '/metrics.json')
  assert.is(JSON.parse(json.body).functions['src/i.ts#double'].misses, 1)
  assert.is((await get(addr.port, '/metrics', {}, 'POST')).status, 405)
  assert.is((await get(addr.port, '/other')).status, 404)
  // DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends its own Host
  assert.is((await get(addr.port, '/metrics', { host: `evil.example:${addr.port}` })).status, 403)
  assert.is((await get(addr.port, '/metrics', { host: `localhost:${addr.port}` })).status, 200)
})

endpoint('bad options are TypeErrors naming the option and the fix; non-loopback needs allowRemote', () => {
  assert.throws(() => configure({ inspect: { port: 70000 } }), /E_OPTION.*inspect\.port must be an integer from 0 to 65535; received 70000/)
  assert.throws(() => configure({ inspect: { port: '9464' } as never }), /inspect\.port/)
  assert.throws(() => configure({ inspect: { port: 1, hots: 'x' } as never }), /inspect has no option "hots"/)
  assert.throws(() => configure({ inspect: 9464 as never }), /inspect must be \{ port \} or null/)
  assert.throws(() => configure({ inspect: { port: 1, host: '0.0.0.0' } }), /not a loopback address[\s\S]*allowRemote: true/)
})

endpoint('a port in use is reported through onError, never thrown into the app', async () => {
  const taken = createServer()
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()))
  const port = (taken.address() as { port: number }).port
  const seen: string[] = []
  try {
    configure({ onError: (e, ctx) => seen.push(`${ctx.operation}: ${(e as { code?: string }).code}`), inspect: { port } })
    assert.is(await inspectAddress(), null)
    assert.equal(seen, ['inspect: EADDRINUSE'])
  } finally {
    taken.close()
  }
})

endpoint('null stops it; a new port restarts it', async () => {
  configure({ inspect: { port: 0 } })
  const first = (await inspectAddress())!.port
  configure({ inspect: null })
  assert.is(await inspectAddress(), null)
  await get(first, '/metrics').then(() => assert.unreachable('still listening'), (e) => assert.is(e.code, 'ECONNREFUSED'))
})

endpoint.run()

// ---

const iso = suite('isomorphic runtime')

iso('no module statically reachable from runtime/index.ts imports node:*', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../runtime')
  const seen = new Set<string>()
  const walk = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    // static imports and re-exports only (type-only ones vanish at build time)
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!
      assert.not.match(spec, /^node:|^(fs|path|http|net|os|crypto|child_process)$/, `${file.slice(root.length)} imports ${spec}`)
      if (spec.startsWith('.')) walk(join(dirname(file), spec.replace(/\.js$/, '.ts')))
    }
  }
  walk(join(root, 'index.ts'))
  assert.ok(seen.has(join(root, 'inspect/option.ts')), 'the inspect option is part of the graph')
  assert.not.ok(seen.has(join(root, 'inspect/server.ts')), 'the server is not')
  assert.ok(seen.size > 20, String(seen.size))
})

iso.run()
