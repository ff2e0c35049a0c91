// A real browser: Vite bundles a page from the compiled app (as a user's client build would), a
// loopback server serves it, headless Chromium (Debian's chromium) runs it, and the test reads the
// app's report from the rendered DOM.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { build } from 'vite'
import { FIRST_RUN, compiledApp, root, toolOrSkip } from './tools.js'

const chromium = toolOrSkip('chromium')
const test = suite('browser')

/** Serves `dir` on a free loopback port; only files under it, never a path outside. */
function serve(dir: string): Promise<{ url: string; close(): void }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' }
  const server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(dir, rel === '/' ? 'index.html' : rel)
    let body: Buffer
    try {
      if (!file.startsWith(dir)) throw new Error('outside')
      body = readFileSync(file)
    } catch {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    resolve({ url: `http://127.0.0.1:${port}/`, close: () => server.close() })
  }))
}

if (chromium) {
  test('a Vite-built page runs the compiled app in Chromium', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fncache-browser-'))
    writeFileSync(join(dir, 'app.ts'), compiledApp())
    writeFileSync(join(dir, 'main.ts'), `import { run } from './app'
run().then((r) => { document.getElementById('out')!.textContent = JSON.stringify(r) },
  (e) => { document.getElementById('out')!.textContent = 'ERROR ' + (e && e.stack || e) })
`)
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><pre id="out">pending</pre><script type="module" src="./main.ts"></script></body></html>')
    await build({
      root: dir, logLevel: 'error', configFile: false,
      resolve: { alias: { 'fncache.macro': root }, conditions: ['fncache-source', 'browser', 'module', 'import', 'default'] },
      build: { outDir: join(dir, 'dist'), minify: true },
    })
    const site = await serve(join(dir, 'dist'))
    try {
      // Flags: no sandbox as root, and no background connections on this closed network. The
      // virtual-time budget lets the page's promises settle before the DOM is dumped.
      // Asynchronous: the page is served by this very process, so its event loop must keep running.
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => execFile(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--user-data-dir=${mkdtempSync(join(tmpdir(), 'fncache-chrome-'))}`, '--virtual-time-budget=10000', '--dump-dom', site.url],
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => resolve({ status: err ? (err as { code?: number }).code ?? 1 : 0, stdout, stderr })))
      const text = /<pre id="out">([^<]*)<\/pre>/.exec(r.stdout)?.[1]
      assert.ok(text?.startsWith('{'), `page printed ${text ?? '(nothing)'}; chromium exit ${r.status}\n${r.stderr.slice(-2000)}`)
      assert.equal(JSON.parse(text!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')), FIRST_RUN)
    } finally {
      site.close()
    }
  })
}
test.run()
