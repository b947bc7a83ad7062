import { randomUUID } from 'node:crypto';
import {
  conflict,
  InputIssues,
  notFound,
  organizationOf,
  pageRequest,
  type Actor,
  type Page,
} from '@platform/domain';
import { createEvent } from '@platform/events/catalog';
import {
  checkedEntry,
  CONFIGURATION_MAX_ENTRIES,
  type ConfigurationEntry,
  type ConfigurationValueType,
} from './configuration';
import {
  cancel,
  changedSettings,
  changeOrganization,
  createOrganization,
  defaultSettings,
  EVENT_SOURCE,
  organizationNameProblem,
  reactivate,
  slugFromName,
  slugProblem,
  suspend,
  type Organization,
  type ProfileInput,
  type SettingsInput,
  type StatusActor,
  type StatusChange,
  type Vertical,
} from './organization';
import type { OrganizationRepository } from './organization-repository';

export interface NewClientInput {
  name: string;
  slug?: string | null;
  vertical?: Vertical | null;
  settings?: SettingsInput | null;
}

/** The organization use cases: its profile, settings, configuration and lifecycle, and an agency's clients. */
export function organizationOperations(
  repository: OrganizationRepository,
  now: () => Date = () => new Date(),
) {
  const changedBy = (actor: Actor) => ({
    userId: actor.userId,
    actingFromOrganizationId: actor.actingFromOrganizationId ?? null,
  });

  async function own(actor: Actor): Promise<Organization> {
    const id = organizationOf(actor);
    const organization = await repository.byId(id);
    if (!organization) throw notFound('Organization', id);
    return organization;
  }

  /** A client organization of the caller's agency (NOT_FOUND for anything else, as for a missing id). */
  async function client(actor: Actor, clientId: string): Promise<Organization> {
    const organization = await repository.clientOf(organizationOf(actor), clientId);
    if (!organization) throw notFound('Organization', clientId);
    return organization;
  }

  /**
   * Who the caller is to the organization whose status changes: its managing agency when an agency user
   * acts inside it (switched in), else its owner.
   */
  const selfActor = (actor: Actor): StatusActor => (actor.actingFromOrganizationId ? 'agency' : 'owner');

  async function store(change: StatusChange): Promise<Organization> {
    return repository.save(change.organization, change.events);
  }

  return {
    async update(actor: Actor, profile: ProfileInput, settings: SettingsInput): Promise<Organization> {
      const { organization, events } = changeOrganization(await own(actor), profile, settings, now());
      return repository.save(organization, events);
    },

    async suspend(actor: Actor, reason: string): Promise<Organization> {
      return store(suspend(await own(actor), selfActor(actor), reason, changedBy(actor), now()));
    },

    async reactivate(actor: Actor): Promise<Organization> {
      return store(reactivate(await own(actor), selfActor(actor), changedBy(actor), now()));
    },

    async cancel(actor: Actor, reason: string, confirmSlug: string): Promise<Organization> {
      return store(cancel(await own(actor), reason, confirmSlug, changedBy(actor), now()));
    },

    // An agency's client organizations -----------------------------------------------------------

    clients(
      actor: Actor,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<Organization>> {
      return repository.clients(organizationOf(actor), pageRequest(first, after));
    },

    async createClient(actor: Actor, input: NewClientInput): Promise<Organization> {
      const agencyId = organizationOf(actor);
      const issues = new InputIssues();
      const name = input.name.trim();
      const nameIssue = organizationNameProblem(name);
      if (nameIssue) issues.add('name', nameIssue);
      const slug = input.slug?.trim() || slugFromName(name);
      const slugIssue = slugProblem(slug);
      if (slugIssue) issues.add('slug', slugIssue);
      issues.throwIfAny();
      const agency = await own(actor);
      if (agency.parentOrganizationId) {
        throw conflict('A client organization cannot manage clients of its own (one level of agencies)');
      }
      const settings = changedSettings(defaultSettings(), input.settings ?? {});
      const { organization, events } = createOrganization(
        {
          id: randomUUID(),
          name,
          slug,
          vertical: input.vertical ?? agency.vertical,
          parentOrganizationId: agencyId,
          settings,
        },
        now(),
      );
      return repository.createClient(organization, events);
    },

    client,

    async suspendClient(actor: Actor, clientId: string, reason: string): Promise<Organization> {
      return store(suspend(await client(actor, clientId), 'agency', reason, changedBy(actor), now()));
    },

    async reactivateClient(actor: Actor, clientId: string): Promise<Organization> {
      return store(reactivate(await client(actor, clientId), 'agency', changedBy(actor), now()));
    },

    async cancelClient(actor: Actor, clientId: string, reason: string): Promise<Organization> {
      const organization = await client(actor, clientId);
      return store(cancel(organization, reason, organization.slug, changedBy(actor), now()));
    },

    // Configuration --------------------------------------------------------------------------------

    configuration: (actor: Actor) => repository.configuration(organizationOf(actor)),

    async setConfiguration(
      actor: Actor,
      key: string,
      value: unknown,
      valueType: ConfigurationValueType,
    ): Promise<ConfigurationEntry> {
      const organizationId = organizationOf(actor);
      const checked = checkedEntry(key, value, valueType);
      const existing = await repository.configuration(organizationId);
      if (
        !existing.some((entry) => entry.key === checked.key) &&
        existing.length >= CONFIGURATION_MAX_ENTRIES
      ) {
        throw conflict(`An organization keeps at most ${CONFIGURATION_MAX_ENTRIES} configuration entries`);
      }
      const at = now();
      return repository.saveConfiguration(
        { organizationId, key: checked.key, value: checked.value, valueType, updatedById: actor.userId },
        [configurationChanged(organizationId, checked.key, valueType, actor.userId, at)],
      );
    },

    async removeConfiguration(actor: Actor, key: string): Promise<boolean> {
      const organizationId = organizationOf(actor);
      const trimmed = key.trim();
      const existing = await repository.configuration(organizationId);
      if (!existing.some((entry) => entry.key === trimmed)) return false;
      return repository.removeConfiguration(organizationId, trimmed, [
        configurationChanged(organizationId, trimmed, null, actor.userId, now()),
      ]);
    },
  };
}

function configurationChanged(
  organizationId: string,
  key: string,
  valueType: ConfigurationValueType | null,
  changedById: string | null,
  at: Date,
) {
  return createEvent('identity.organization.configuration_changed.v1', {
    source: EVENT_SOURCE,
    subject: organizationId,
    tenantId: organizationId,
    time: at,
    data: { organizationId, key, valueType, changedById, occurredAt: at.toISOString() },
  });
}

export type OrganizationOperations = ReturnType<typeof organizationOperations>;
