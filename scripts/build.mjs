// Builds dist/esm, dist/cjs (the macro entry behind "main" must be CommonJS) and dist/types.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { finishBuild } from './build-finish.mjs'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit' })

rmSync('dist', { recursive: true, force: true })
run('-p', 'tsconfig.json', '--outDir', 'dist/esm', '--declaration', 'false')
run('-p', 'tsconfig.json', '--outDir', 'dist/cjs', '--declaration', 'false',
  '--module', 'CommonJS', '--moduleResolution', 'Node10')
run('-p', 'tsconfig.json', '--outDir', 'dist/types', '--emitDeclarationOnly')
finishBuild('.')
