// A slow yearly report, cached on disk for a day: the file backend keeps it across restarts.
import cached from 'fncache.macro'

export const computed = { n: 0 }

export const report = cached(async (year: number) => {
  computed.n++
  await new Promise((resolve) => setTimeout(resolve, 40)) // the expensive part
  return { year, total: (year % 100) * 1000 + 7 }
}, { ttl: '1d', tags: ['reports', 'year:{year}'] })
