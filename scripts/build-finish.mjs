// The steps after compiling, shared by `npm run build` and the tests' package layout
// (tests/helpers/package-layout.ts): dist/cjs is CommonJS whatever the package's "type" says,
// and every "bin" file is executable (npm 10, the npm of Node 20 and 22, runs a project's own bin
// as is: `npx fncache` in the repository failed with "Permission denied" without it).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Finishes the build in the package folder `root` (which holds package.json and dist/). */
export function finishBuild(root) {
  mkdirSync(join(root, 'dist/cjs'), { recursive: true })
  writeFileSync(join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n')
  const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  for (const file of Object.values(typeof bin === 'string' ? { bin } : bin ?? {})) chmodSync(join(root, file), 0o755)
}
