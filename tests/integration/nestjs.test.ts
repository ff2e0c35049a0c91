// test-timeout-ms: 480000
// A small NestJS app (real @nestjs/core, @nestjs/common, @nestjs/platform-express) whose service
// caches a method with `@cached(...)`, built as a Nest user builds it with the macro: Babel with
// babel-plugin-macros (the macro found through the installed package's "main"), TypeScript kept,
// then TypeScript's own emit with experimentalDecorators and emitDecoratorMetadata (Nest's
// constructor injection reads design:paramtypes). A second build takes the SWC route Nest's CLI
// offers (`--builder swc`: legacyDecorator + decoratorMetadata) through fncache.macro/swc. Each
// app is started on a free loopback port in its own process and queried over HTTP: the second
// request is a hit served without calling the method, a DELETE invalidates by tag.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import ts from 'typescript'
import * as babel from '@babel/core'
import { app, packInstalled } from './pack.js'

const require = createRequire(import.meta.url)

const SERVICE = `import { Injectable } from '@nestjs/common'
import cached from 'fncache.macro'

export const calls = { getUser: 0 }

@Injectable()
export class UsersService {
  private readonly label = 'user '

  @cached({ ttl: '5m', tags: ['user:{id}'] })
  async getUser(id: string) {
    calls.getUser++
    return { id, name: this.label + id }
  }
}
`
const CONTROLLER = `import { Controller, Delete, Get, Param } from '@nestjs/common'
import { cacheOf, invalidateTags } from 'fncache.macro'
import { UsersService, calls } from './users.service.js'

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  get(@Param('id') id: string) {
    return this.users.getUser(id)
  }

  @Get(':id/stats')
  stats() {
    const cache = cacheOf(this.users, 'getUser')
    return { id: cache.id, hits: cache.stats().hits, calls: calls.getUser }
  }

  @Delete(':id')
  async drop(@Param('id') id: string) {
    await invalidateTags(['user:' + id])
    return { dropped: id }
  }
}
`
const MODULE = `import { Module } from '@nestjs/common'
import { UsersController } from './users.controller.js'
import { UsersService } from './users.service.js'

@Module({ controllers: [UsersController], providers: [UsersService] })
export class AppModule {}
`
// Listens on port 0 (a free loopback port), asks itself over HTTP, prints what it saw, closes.
const MAIN = `import 'reflect-metadata'
import { NestFactory } from '@nestjs/core'
import { AppModule } from './app.module.js'

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false })
  await app.listen(0, '127.0.0.1')
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
  const get = async (path: string, method = 'GET') => (await fetch(url + path, { method })).json()
  const seen = [await get('/users/1'), await get('/users/1'), await get('/users/1/stats'), await get('/users/1', 'DELETE'), await get('/users/1'), await get('/users/1/stats')]
  await app.close()
  console.log(JSON.stringify(seen))
}
main().catch((e) => { console.error(e); process.exit(1) })
`
const FILES: Record<string, string> = { 'users.service.ts': SERVICE, 'users.controller.ts': CONTROLLER, 'app.module.ts': MODULE, 'main.ts': MAIN }

/** The macro through babel-plugin-macros (TypeScript and decorators kept), then TypeScript's decorator emit. */
function buildWithMacro(dir: string, name: string, code: string): string {
  const filename = join(dir, 'src', name)
  const expanded = babel.transformSync(code, {
    filename, babelrc: false, configFile: false,
    parserOpts: { plugins: ['typescript', 'decorators-legacy'] },
    plugins: [require.resolve('babel-plugin-macros')],
  })!.code!
  return ts.transpileModule(expanded, {
    fileName: filename,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true, emitDecoratorMetadata: true },
  }).outputText
}

/** Nest's `--builder swc` settings, through fncache.macro/swc (the installed package's). */
function buildWithSwc(dir: string, name: string, code: string): string {
  const swc = require(join(dir, '../node_modules/fncache.macro/dist/cjs/swc-plugin/index.js')) as typeof import('../../swc-plugin/index.js')
  return swc.transformSync(code, {
    filename: join(dir, 'src', name), swcrc: false, configFile: false, module: { type: 'es6' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
  }).code
}

function run(name: string, build: (dir: string, name: string, code: string) => string): unknown[] {
  const dir = app(name, { 'package.json': '{ "name": "nest-app", "private": true, "type": "module" }\n', ...Object.fromEntries(Object.entries(FILES).map(([f, c]) => ['src/' + f, c])) })
  mkdirSync(join(dir, 'dist'), { recursive: true })
  for (const [file, code] of Object.entries(FILES)) writeFileSync(join(dir, 'dist', file.replace(/\.ts$/, '.js')), build(dir, file, code))
  const out = spawnSync(process.execPath, ['dist/main.js'], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  assert.is(out.status, 0, out.stdout + out.stderr)
  assert.not.match(out.stderr, /FNCACHE_UNCOMPILED/)
  return JSON.parse(out.stdout.trim())
}

const expected = (id: string) => [
  { id: '1', name: 'user 1' },
  { id: '1', name: 'user 1' },
  { id, hits: 1, calls: 1 },
  { dropped: '1' },
  { id: '1', name: 'user 1' },
  { id, hits: 1, calls: 2 },
]

const nest = suite('NestJS: a @cached service method through HTTP')
nest.before(async () => { await packInstalled() })
nest('built with the Babel macro, then TypeScript (experimentalDecorators, emitDecoratorMetadata)', () => {
  assert.equal(run('nest-macro', buildWithMacro), expected('src/users.service.ts#UsersService.prototype.getUser'))
})
nest('built with the SWC transform (Nest CLI --builder swc settings)', () => {
  assert.equal(run('nest-swc', buildWithSwc), expected('src/users.service.ts#UsersService.prototype.getUser'))
})
nest.run()
