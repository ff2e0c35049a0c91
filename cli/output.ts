// Human output: aligned tables, byte sizes, durations, and the progress line long scans write on
// stderr (only when stderr is a terminal, or when FNCACHE_PROGRESS=1 forces it for tests).

export type Align = 'left' | 'right'

/** An aligned plain-text table: a header row, a rule, the rows. */
export function table(header: string[], rows: string[][], align: Align[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => {
    const last = i === cells.length - 1
    if (align[i] === 'right') return c.padStart(widths[i]!)
    return last ? c : c.padEnd(widths[i]!)
  }).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** `1.5 KiB`, `12 B`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++ }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`
}

/** `45s`, `12m`, `3h20m`, `2d4h`; `-` for Infinity (no expiry); `expired` below zero. */
export function duration(ms: number): string {
  if (ms === Infinity) return '-'
  if (ms < 0) return 'expired'
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${s % 60 ? `${s % 60}s` : ''}`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''}`
  const d = Math.floor(h / 24)
  return `${d}d${h % 24 ? `${h % 24}h` : ''}`
}

/** A one-line progress report on stderr, rewritten in place, at most every 100 ms. */
export class Progress {
  readonly #on: boolean
  readonly #tty: boolean
  #last = 0
  #shown = false
  constructor(enabled: boolean) {
    this.#tty = process.stderr.isTTY === true
    this.#on = enabled && (this.#tty || process.env.FNCACHE_PROGRESS === '1')
  }

  update(text: string, force = false): void {
    if (!this.#on) return
    const now = Date.now()
    if (!force && now - this.#last < 100) return
    this.#last = now
    this.#shown = true
    process.stderr.write(this.#tty ? `\r\x1b[K${text}` : `${text}\n`)
  }

  done(): void {
    if (this.#on && this.#shown && this.#tty) process.stderr.write('\r\x1b[K')
    this.#shown = false
  }
}
