// A reader for the Prometheus text exposition (0.0.4) that keeps only fncache's samples. Written
// here rather than taken from parse-prometheus-text-format because that library drops the labels,
// _sum and _count of labelled histograms, which is all `fncache top` needs from them. Input is
// hostile (any URL): the caller bounds its size, and a malformed line is an error, not a guess.

export interface PromSample { name: string; labels: Record<string, string>; value: number }

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/

/** The samples whose metric name starts with `prefix`; throws on a malformed sample line. */
export function parsePromText(text: string, prefix = 'fncache_'): PromSample[] {
  const out: PromSample[] = []
  let lineNo = 0
  for (const raw of text.split('\n')) {
    lineNo++
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || !line.startsWith(prefix)) continue
    const fail = (why: string): never => { throw new Error(`line ${lineNo}: ${why}: ${JSON.stringify(line.slice(0, 120))}`) }
    const name = NAME.exec(line)?.[0] ?? fail('no metric name')
    let i = name.length
    const labels: Record<string, string> = Object.create(null)
    if (line[i] === '{') {
      i++
      for (;;) {
        while (line[i] === ' ' || line[i] === ',') i++
        if (line[i] === '}') { i++; break }
        const key = LABEL.exec(line.slice(i))?.[0] ?? fail('bad label name')
        i += key.length
        if (line[i] !== '=' || line[i + 1] !== '"') fail('expected ="')
        i += 2
        let value = ''
        for (;;) {
          const c = line[i++]
          if (c === undefined) fail('unterminated label value')
          if (c === '"') break
          if (c === '\\') {
            const e = line[i++]
            value += e === 'n' ? '\n' : e === '\\' ? '\\' : e === '"' ? '"' : fail('bad escape')
          } else value += c
        }
        labels[key] = value
      }
    }
    const rest = line.slice(i).trim().split(/\s+/)
    const v = rest[0] === '+Inf' ? Infinity : rest[0] === '-Inf' ? -Infinity : Number(rest[0])
    if (rest[0] === undefined || rest[0] === '' || (Number.isNaN(v) && rest[0] !== 'NaN')) fail('bad value')
    out.push({ name, labels, value: v })
  }
  return out
}
