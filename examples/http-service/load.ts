// A small load generator: rounds of requests for popular products (skewed ids; every fourth also
// asks for the product's reviews), reading /metrics after each round to print the hit rate as the
// cache warms up.
//   node load.js http://localhost:3000
import { fileURLToPath } from 'node:url'

/** The hit rate of fncache's loader, from the Prometheus text of /metrics. */
export function hitRate(text: string): { hits: number; misses: number; rate: number } {
  const sum = (name: string) => text.split('\n').filter((l) => l.startsWith(name + '{')).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
  const hits = sum('fncache_hits_total')
  const misses = sum('fncache_misses_total')
  return { hits, misses, rate: hits + misses === 0 ? 0 : hits / (hits + misses) }
}

/** Sends `rounds` rounds of `perRound` requests (8 at a time); resolves with the hit rate after each. */
export async function load(base: string, rounds = 5, perRound = 80, log = console.log): Promise<number[]> {
  const rates: number[] = []
  let seed = 7
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  for (let round = 1; round <= rounds; round++) {
    const started = Date.now()
    const ids = Array.from({ length: perRound }, () => 1 + Math.floor(random() ** 2 * 60)) // skewed: low ids are popular
    for (let i = 0; i < ids.length; i += 8) {
      await Promise.all(ids.slice(i, i + 8).map(async (id, j) => {
        const paths = (i + j) % 4 === 0 ? [`/products/${id}`, `/products/${id}/reviews`] : [`/products/${id}`]
        for (const path of paths) {
          const res = await fetch(base + path)
          if (!res.ok) throw new Error(`GET ${path}: ${res.status}`)
          await res.json()
        }
      }))
    }
    const m = hitRate(await (await fetch(`${base}/metrics`)).text())
    rates.push(m.rate)
    log(`round ${round}: ${perRound} requests in ${String(Date.now() - started).padStart(4)} ms, hit rate so far ${(m.rate * 100).toFixed(1).padStart(5)}%  (${m.hits} hits, ${m.misses} misses)`)
  }
  return rates
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await load(process.argv[2] ?? 'http://localhost:3000')
}
