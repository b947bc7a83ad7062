import type { CatalogEvent } from '@platform/events/catalog';
import type { Page, PageRequest } from '@platform/domain';
import type { ConfigurationEntry } from './configuration';
import type { Organization } from './organization';

/** What organizations need of storage (infra/organization-repository.ts implements it). */
export interface OrganizationRepository {
  /**
   * The organizations with these ids that the caller's organization may see (only itself), in id
   * order (null where none).
   */
  byIds(callerOrganizationId: string, ids: readonly string[]): Promise<Array<Organization | null>>;
  /** The organization itself, read in its own tenant transaction. */
  byId(organizationId: string): Promise<Organization | null>;
  /** Stores a changed organization with its events. CONFLICT (issue `domain`) when the domain is taken. */
  save(organization: Organization, events: readonly CatalogEvent[]): Promise<Organization>;
  /** A client organization managed by the agency; null when it is not one of the agency's. */
  clientOf(agencyId: string, clientId: string): Promise<Organization | null>;
  /** The agency's client organizations, newest first. */
  clients(agencyId: string, page: PageRequest): Promise<Page<Organization>>;
  /** Stores a new client organization with its events. CONFLICT (issue `slug`) when the slug is taken. */
  createClient(organization: Organization, events: readonly CatalogEvent[]): Promise<Organization>;
  configuration(organizationId: string): Promise<ConfigurationEntry[]>;
  countConfiguration(organizationId: string): Promise<number>;
  saveConfiguration(
    entry: Omit<ConfigurationEntry, 'updatedAt'>,
    events: readonly CatalogEvent[],
  ): Promise<ConfigurationEntry>;
  /** Whether there was an entry to remove. */
  removeConfiguration(organizationId: string, key: string, events: readonly CatalogEvent[]): Promise<boolean>;
}
