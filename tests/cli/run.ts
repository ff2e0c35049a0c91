// Test helper: runs the fncache CLI as a child process (source through tsx, as the bin runs the
// built file) and returns its exit code, stdout, stderr and wall time.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
const ENTRY = `${ROOT}/cli/index.ts`
/** tsx by URL, so the CLI also runs with a cwd outside this repository. */
const TSX = import.meta.resolve('tsx')

export interface Run { code: number; stdout: string; stderr: string; ms: number; json<T = any>(): T }

export function fncache(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=fncache-source', '--import', TSX, ENTRY, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', FNCACHE_PROGRESS: '', FNCACHE_REDIS_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code) => resolve({
      code: code ?? -1, stdout, stderr, ms: Date.now() - started,
      json() {
        try { return JSON.parse(stdout) } catch { throw new Error(`not JSON (exit ${code}):\n${stdout}\n${stderr}`) }
      },
    }))
  })
}
