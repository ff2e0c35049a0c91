// A pretend user store behind cached functions: each wrap gets its id (examples/basic/users.ts#getUser),
// a version hashed from its source, checked options and a key builder made for its parameters.
import cached from 'fncache.macro'

export interface User {
  id: string
  name: string
  team: string
}

const table = new Map<string, User>([
  ['1', { id: '1', name: 'Ada', team: 'core' }],
  ['2', { id: '2', name: 'Grace', team: 'core' }],
  ['3', { id: '3', name: 'Linus', team: 'kernel' }],
])

/** How often each "database" query really ran. */
export const calls = { getUser: 0, teamPage: 0, fib: 0 }

export const getUser = cached(async function getUser(id: string): Promise<User | undefined> {
  calls.getUser++
  await new Promise((resolve) => setTimeout(resolve, 5))
  return table.get(id)
}, { ttl: '5m', tags: ['users', 'user:{id}'] })

export const teamPage = cached(async (team: string, page: number, withEmail: boolean) => {
  calls.teamPage++
  const members = [...table.values()].filter((u) => u.team === team)
  return members.slice(page * 10, page * 10 + 10).map((u) => (withEmail ? { ...u, email: `${u.name.toLowerCase()}@example.com` } : u))
}, { ttl: '1m', tags: ['team:{team}'] })

export const fib = cached((n: number): number => {
  calls.fib++
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
})

export function rename(id: string, name: string): void {
  const user = table.get(id)
  if (user) table.set(id, { ...user, name })
}
