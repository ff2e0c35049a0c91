// A service class whose data access is cached per method with the decorator form. Compiled by the
// macro (babel.config.js: babel-plugin-macros, then @babel/plugin-proposal-decorators for the
// standard decorators): ids `decorators/users.service.ts#UserService.prototype.getUser`, versions
// from each method's source, options checked and tag templates compiled at build time.
import cached from 'fncache.macro'

export const queries = { getUser: 0, search: 0, plan: 0 }

export class UserService {
  constructor(readonly tenant: string) {}

  /** One cache for every instance: services are singletons, and a user is a user. */
  @cached({ ttl: '5m', tags: ['user:{id}'] })
  async getUser(id: string) {
    queries.getUser++
    return { id, name: 'user ' + id, loadedBy: this.tenant }
  }

  /** Two primitive parameters: a specialised key built by the compiler. */
  @cached({ ttl: '1m' })
  async search(term: string, page: number) {
    queries.search++
    return [`${term}#${page}`]
  }

  /** instanceKey: each tenant's instance keeps its own entries. */
  @cached({ ttl: '10m', instanceKey: (service: UserService) => service.tenant })
  async plan() {
    queries.plan++
    return this.tenant === 'acme' ? 'enterprise' : 'free'
  }
}
