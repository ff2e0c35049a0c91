// Parses Prometheus text exposition with the reference parser of the official Python client
// (prometheus_client.parser, Debian package python3-prometheus-client). parse-prometheus-text-format
// drops the labels, _sum and _count of labelled histograms, so histogram tests use this one.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export interface ParsedSample { name: string; labels: Record<string, string>; value: number }
export interface ParsedFamily { name: string; type: string; samples: ParsedSample[] }

const SCRIPT = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
print(json.dumps(out))
`

const PYTHONS = ['/usr/bin/python3', 'python3']

/** The python3 that has prometheus_client, or undefined. */
export function referenceParser(): string | undefined {
  for (const py of PYTHONS) {
    if (py.startsWith('/') && !existsSync(py)) continue
    const r = spawnSync(py, ['-c', 'import prometheus_client.parser'], { encoding: 'utf8' })
    if (r.status === 0) return py
  }
  return undefined
}

/** Parses `text`; throws with the parser's message when the text is not valid exposition. */
export function parseReference(python: string, text: string): Map<string, ParsedFamily> {
  const r = spawnSync(python, ['-c', SCRIPT], { input: text, encoding: 'utf8', timeout: 60_000 })
  if (r.status !== 0) throw new Error(`prometheus_client rejected the exposition: ${r.stderr}`)
  return new Map((JSON.parse(r.stdout) as ParsedFamily[]).map((f) => [f.name, f]))
}

/** Under CI a missing parser fails the file (CI installs it); elsewhere the caller skips with a loud notice. */
export function requireParser(file: string): string | undefined {
  const py = referenceParser()
  if (py !== undefined) return py
  const msg = `${file}: python3-prometheus-client is not installed (apt-get install -y python3-prometheus-client); its histogram checks are skipped.`
  if (process.env.CI === 'true') throw new Error(msg)
  console.warn(`\n*** NOTICE: ${msg}\n`)
  return undefined
}
