// Test helper: runs the fncache CLI as a child process (source through tsx, as the bin runs the
// built file) and returns its exit code, stdout, stderr and wall time.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
const ENTRY = `${ROOT}/cli/index.ts`
/** tsx by URL, so the CLI also runs with a cwd outside this repository. */
const TSX = import.meta.resolve('tsx')

export interface Run { code: number; stdout: string; stderr: string; ms: number; json<T = any>(): T }

/**
 * Past this the child is killed (SIGKILL; code -1) so a hung CLI fails its test with its output
 * instead of holding the file until the runner's 240 s kill. Generous: tsx start-up alone takes
 * seconds on a loaded 2-core machine.
 */
export const CLI_DEADLINE_MS = 120_000

export function fncache(args: string[], options: { cwd?: string; env?: Record<string, string>; deadlineMs?: number } = {}): Promise<Run> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=fncache-source', '--import', TSX, ENTRY, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', FNCACHE_PROGRESS: '', FNCACHE_REDIS_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    const deadlineMs = options.deadlineMs ?? CLI_DEADLINE_MS
    const timer = setTimeout(() => {
      stderr += `\n(test helper: killed after ${deadlineMs} ms: the CLI did not exit)\n`
      child.kill('SIGKILL')
    }, deadlineMs)
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('error', (e) => { clearTimeout(timer); reject(e) })
    child.on('close', (code) => { clearTimeout(timer); resolve({
      code: code ?? -1, stdout, stderr, ms: Date.now() - started,
      json() {
        try { return JSON.parse(stdout) } catch { throw new Error(`not JSON (exit ${code}):\n${stdout}\n${stderr}`) }
      },
    }) })
  })
}
