import type { DataLoader, RequestContext } from '@platform/service-kit';
import type { Authentication } from './domain/authentication';
import type { Organization } from './domain/organization';
import type { User } from './domain/user';

/** What every identity resolver gets: the request, the domain operations, per-request loaders. */
export interface IdentityContext extends RequestContext {
  authentication: Authentication;
  /** Users of the caller's organization by id (one query per batch). */
  users: DataLoader<string, User | null>;
  /** Organizations visible to the caller by id. */
  organizations: DataLoader<string, Organization | null>;
}
