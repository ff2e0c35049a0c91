// Test helper: fills a backend through the real runtime (uncompiled wraps with explicit ids), the
// way an app would, so the CLI reads what the runtime writes.
import { cached, configure } from '../../runtime/index.js'
import type { Backend } from '../../runtime/backends/backend.js'
import { fresh } from '../helpers/runtime.js'

export const calls = { user: 0, post: 0 }

export async function fill(backend: Backend) {
  fresh()
  configure({ now: Date.now, backends: { default: backend } })
  const getUser = cached(async (id: string) => { calls.user++; return { id, name: `user ${id}` } },
    { id: 'src/users.ts#getUser', ttl: '5m', tags: (_r: unknown, id: string) => ['users', `user:${id}`] } as never)
  const getPost = cached(async (id: number) => { calls.post++; return { id, body: 'x'.repeat(200) } },
    { id: 'src/posts.ts#getPost', tags: ['posts'] } as never)
  for (let i = 1; i <= 5; i++) await getUser(String(i))
  for (let i = 1; i <= 3; i++) await getPost(i)
  return { getUser, getPost }
}
