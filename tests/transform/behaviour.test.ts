// The behaviour suites (behaviour-suite.ts) on the Babel macro's output: compiled through real
// @babel/core with babel-plugin-macros and preset-typescript.
import { compile } from './compile.js'
import behaviourSuites from './behaviour-suite.js'

behaviourSuites({
  name: 'babel',
  compile: (code, filename, sourceMaps) => compile(code, filename, { sourceMaps: sourceMaps ? 'inline' : false }).code!,
  plans: (code, filename) => (compile(code, filename).metadata as any).fncache.plans,
})
