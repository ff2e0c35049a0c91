// TransformError and the one message catalog: every build error's words live here, so Babel and
// SWC print the same text (`[E_CODE] expected; received.` then `  Try: ...`).
import type { Loc } from './types.js'

export type ErrorCode =
  | 'E_MACRO_NOT_A_FUNCTION'
  | 'E_MACRO_GENERATOR'
  | 'E_MACRO_NOT_CALLED'
  | 'E_MACRO_ARGUMENTS'
  | 'E_OPTIONS_NOT_OBJECT'
  | 'E_OPTIONS_SPREAD'
  | 'E_OPTION_UNKNOWN'
  | 'E_OPTION_NOT_LITERAL'
  | 'E_OPTION_TYPE'
  | 'E_OPTION_NEEDS'
  | 'E_DURATION'
  | 'E_TAG_PARAM'
  | 'E_KEY_PARAM'
  | 'E_IMPORT_UNKNOWN'
  | 'E_DUPLICATE_ID'
  | 'E_CONFIG'
  | 'E_BATCH'
  | 'E_DECORATOR'

/** A build error: a code, where (`null`: no place in the file, e.g. config), what, and the fix. */
export class TransformError extends Error {
  readonly code: ErrorCode
  readonly loc: Loc | null
  readonly hint: string | undefined
  /** The text without the code frame: `[CODE] message` and the `Try:` line. */
  readonly text: string
  constructor(code: ErrorCode, loc: Loc | null, message: string, hint?: string) {
    const text = `[${code}] ${message}` + (hint ? `\n  Try: ${hint}` : '')
    super(text)
    this.name = 'TransformError'
    this.code = code
    this.loc = loc
    this.hint = hint
    this.text = text
  }
}

const EXAMPLE = "export const getUser = cached(async (id: string) => db.user(id), { ttl: '5m' })"

const article = (word: string) => (/^[AEIOU]/i.test(word) ? 'an ' : 'a ') + word

/** The catalog: one builder per case; the planner calls these, never `new TransformError` with free text. */
export const errors = {
  notAFunction: (callee: string, received: string | null, loc: Loc | null) =>
    new TransformError('E_MACRO_NOT_A_FUNCTION', loc,
      `${callee}() expects a function expression or arrow function as its first argument; received ${received ?? 'no arguments'}.`,
      `${EXAMPLE.replace('cached(', callee + '(')}`),
  generator: (callee: string, loc: Loc) =>
    new TransformError('E_MACRO_GENERATOR', loc,
      `${callee}() expects a plain or async function; received a generator function.`,
      'cache the array the generator would produce: cached(async (id) => Array.fromAsync(items(id)))'),
  notCalled: (callee: string, usage: string, loc: Loc) =>
    new TransformError('E_MACRO_NOT_CALLED', loc,
      `${callee} must be called directly, as ${callee}(fn) or ${callee}(fn, options); received ${usage}.`,
      `const getUser = ${callee}(async (id: string) => db.user(id))  // or import { cached } from 'fncache.macro/runtime' to wrap at run time, uncompiled`),
  tooManyArguments: (callee: string, count: number, loc: Loc) =>
    new TransformError('E_MACRO_ARGUMENTS', loc,
      `${callee}() expects at most 2 arguments (a function and an options object); received ${count}.`,
      `${callee}(fn, { ttl: '5m', tags: ['users'] })`),
  spreadArgument: (callee: string, loc: Loc) =>
    new TransformError('E_MACRO_ARGUMENTS', loc,
      `${callee}() expects its arguments written out; received a spread argument.`,
      `${callee}(fn, { ttl: '5m' })`),
  optionsNotObject: (callee: string, received: string, loc: Loc) =>
    new TransformError('E_OPTIONS_NOT_OBJECT', loc,
      `${callee}() expects its options as an object literal, checked at build time; received ${received}.`,
      `${callee}(fn, { ttl: '5m', tags: ['users'] })`),
  optionsComputedKey: (loc: Loc) =>
    new TransformError('E_OPTIONS_NOT_OBJECT', loc,
      'options expects plain property names; received a computed key.',
      "{ ttl: '5m' }"),
  optionsSpread: (loc: Loc) =>
    new TransformError('E_OPTIONS_SPREAD', loc,
      'options expects every property written out, checked at build time; received a spread.',
      "write the options inline: { ttl: '5m', tags: ['users'] }, or set defaults with configure({ ttl }) at run time"),
  unknownOption: (name: string, known: readonly string[], nearest: string | null, loc: Loc) =>
    new TransformError('E_OPTION_UNKNOWN', loc,
      `options expects one of ${known.join(', ')}; received unknown option "${name}".`,
      nearest ? `did you mean "${nearest}"?` : undefined),
  notLiteral: (name: string, expected: string, received: string, loc: Loc) =>
    new TransformError('E_OPTION_NOT_LITERAL', loc,
      `option "${name}" expects ${expected} written in place (checked at build time); received ${article(received)}.`,
      hintFor(name)),
  wrongType: (name: string, expected: string, received: string, loc: Loc) =>
    new TransformError('E_OPTION_TYPE', loc,
      `option "${name}" expects ${expected}; received ${received}.`,
      hintFor(name)),
  optionNeeds: (name: string, needs: string, loc: Loc | null) =>
    new TransformError('E_OPTION_NEEDS', loc,
      `option "${name}" expects "${needs}" beside it (it only says which results ${needs} applies to); received no ${needs}.`,
      `${needs}: '30s', ${hintFor(name) ?? name}`),
  badDuration: (name: string, received: string, loc: Loc | null) =>
    new TransformError('E_DURATION', loc,
      `${name} expects milliseconds or a duration such as '250ms', '30s', '5m', '1h', '1d', '1w'; received ${received}.`,
      `${name}: '5m'`),
  tagParam: (tag: string, name: string, reason: string, params: readonly (string | null)[], loc: Loc) =>
    new TransformError('E_TAG_PARAM', loc,
      `tag template "{${name}}" in "${tag}" expects a named parameter of the function (${describeParams(params)}); received ${reason}.`,
      "name a plain parameter, or compute tags with a function: tags: (result, user) => ['user:' + user.id]"),
  keyParam: (name: string, reason: string, params: readonly (string | null)[], loc: Loc) =>
    new TransformError('E_KEY_PARAM', loc,
      `key entry "${name}" expects a named parameter of the function (${describeParams(params)}); received ${reason}.`,
      'name plain parameters, or compute the key with a function: key: (user) => user.id'),
  unknownImport: (name: string, valid: readonly string[], nearest: string | null, loc: Loc | null) =>
    new TransformError('E_IMPORT_UNKNOWN', loc,
      `fncache.macro exports the default macro and ${valid.join(', ')}; received an import of "${name}".`,
      nearest ? `import cached, { ${nearest} } from 'fncache.macro'` : "import cached from 'fncache.macro'"),
  duplicateId: (id: string, loc: Loc) =>
    new TransformError('E_DUPLICATE_ID', loc,
      `each cached function in a file expects its own id; received a second function with id "${id}".`,
      "give it another binding name, or an explicit id: { id: 'users#byEmail' }"),
  batchParams: (callee: string, received: string, loc: Loc) =>
    new TransformError('E_BATCH', loc,
      `${callee}.batch() expects a function of one parameter, the array of ids; received ${received}.`,
      `export const getUser = ${callee}.batch(async (ids: readonly string[]) => db.users.findMany(ids), { maxBatch: 100 })`),
  batchKey: (loc: Loc) =>
    new TransformError('E_BATCH', loc,
      'cached.batch() keys each entry by its id; received a key option.',
      'remove the key option, or use cached() for a function of several arguments'),
  batchTagParam: (tag: string, name: string, loc: Loc) =>
    new TransformError('E_TAG_PARAM', loc,
      `tag template "{${name}}" in "${tag}" expects {id} in cached.batch(), which names each id whatever the batch parameter is called; received "${name}".`,
      "tags: ['user:{id}'] (or {id.field} for object ids)"),
  decoratorTarget: (callee: string, received: string, fix: string, loc: Loc) =>
    new TransformError('E_DECORATOR', loc,
      `@${callee} expects to decorate a class method; received ${received}.`, fix),
  decoratorArguments: (callee: string, count: number, loc: Loc) =>
    new TransformError('E_DECORATOR', loc,
      `@${callee}(...) expects at most 1 argument (an options object); received ${count}.`,
      `@${callee}({ ttl: '5m', tags: ['user:{id}'] })`),
  decoratorName: (callee: string, loc: Loc) =>
    new TransformError('E_DECORATOR', loc,
      `@${callee} expects a method with a plain name (it names the function id); received a computed name.`,
      `name the method, or give an explicit id: @${callee}({ id: 'users#byKey' })`),
  instanceKeyNotMethod: (callee: string, loc: Loc) =>
    new TransformError('E_DECORATOR', loc,
      `option "instanceKey" expects a @${callee} method (it keys on the instance the method is called on); received ${callee}(fn), whose function has no instance.`,
      `decorate a method: @${callee}({ instanceKey: (service) => service.tenantId }) async getUser(id: string) { ... }`),
  configUnknownKey: (key: string, known: readonly string[], nearest: string | null) =>
    new TransformError('E_CONFIG', null,
      `the fncache config expects only ${known.join(', ')}; received unknown key "${key}".`,
      nearest ? `did you mean "${nearest}"?` : undefined),
  configType: (key: string, expected: string, received: string, hint?: string) =>
    new TransformError('E_CONFIG', null,
      `the fncache config key "${key}" expects ${expected}; received ${received}.`, hint),
}

function hintFor(name: string): string | undefined {
  switch (name) {
    case 'ttl': case 'staleWhileRevalidate': case 'staleIfError': return `${name}: '5m' (or milliseconds: ${name}: 300000)`
    case 'tags': return "tags: ['users', 'user:{id}'], or tags: (result, id) => ['user:' + id]"
    case 'key': return "key: ['id'], or key: (id, options) => id"
    case 'cacheIf': return 'cacheIf: (result) => result != null'
    case 'validate': return 'validate: User (a zod/valibot/arktype schema), or validate: (user) => typeof user?.id === \'string\''
    case 'earlyRefresh': return 'earlyRefresh: true, or earlyRefresh: { beta: 2 }'
    case 'emptyTtl': return "emptyTtl: '30s' (or milliseconds: emptyTtl: 30000)"
    case 'isEmpty': return 'isEmpty: (result) => result.length === 0'
    case 'prefix': return "prefix: 'users:'"
    case 'backend': return "backend: 'shared' (a name registered with configure({ backends }))"
    case 'dedupe': return 'dedupe: false'
    case 'version': return "version: '2'"
    case 'id': return "id: 'users#byEmail'"
    case 'maxBatch': return 'maxBatch: 100'
    case 'batchWindow': return "batchWindow: '10ms'"
    case 'instanceKey': return 'instanceKey: (service) => service.tenantId'
    default: return undefined
  }
}

function describeParams(params: readonly (string | null)[]): string {
  const named = params.filter((p): p is string => p !== null)
  return named.length ? `one of ${named.join(', ')}` : 'it has none that can be named'
}

export { distance, nearest } from '../shared/nearest.js'
