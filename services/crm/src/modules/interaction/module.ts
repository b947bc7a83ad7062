import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import { userReferences } from '../contact/infra/user-references';
import type { InteractionView } from './domain/interaction';
import { interactionOperations, type InteractionOperations } from './domain/interaction-operations';
import type { InteractionSelection } from './domain/interaction-repository';
import { interactionRepository } from './infra/interaction-repository';
import { Contact } from './resolvers/Contact';
import { Interaction } from './resolvers/Interaction';
import { InteractionActionItem } from './resolvers/InteractionActionItem';
import { createInteraction } from './resolvers/Mutation/createInteraction';
import { deleteInteraction } from './resolvers/Mutation/deleteInteraction';
import { restoreInteraction } from './resolvers/Mutation/restoreInteraction';
import { updateInteraction } from './resolvers/Mutation/updateInteraction';
import { interaction } from './resolvers/Query/interaction';
import { interactions } from './resolvers/Query/interactions';

export interface InteractionModuleContext {
  interactions: InteractionOperations;
  /** The caller's organization's live interactions by id, as the caller may see them (one query per batch). */
  interactionById: DataLoader<string, InteractionView | null>;
  /**
   * Pages of contacts' timelines for one filter: one query per batch (per distinct filter and
   * first/after), so a list of N contacts costs what one costs.
   */
  interactionsByContact: (
    selection: InteractionSelection,
  ) => DataLoader<PageKey, Page<InteractionView>, string>;
  /** Pages of interactions' replies: one query per batch (per distinct first/after). */
  repliesByInteraction: DataLoader<PageKey, Page<InteractionView>, string>;
}

export const interactionModule = defineModule<CrmDependencies, InteractionModuleContext>({
  resolvers: {
    Query: { interaction, interactions },
    Mutation: { createInteraction, updateInteraction, deleteInteraction, restoreInteraction },
    Interaction,
    InteractionActionItem,
    Contact,
  },
  context: ({ tenants, cipher }) => {
    const repository = interactionRepository(tenants, cipher);
    const operations = interactionOperations(repository, userReferences(tenants));
    return ({ auth }) => {
      const timelines = new Map<string, DataLoader<PageKey, Page<InteractionView>, string>>();
      return {
        interactions: operations,
        interactionById: new DataLoader((ids: readonly string[]) => operations.byIds(auth, ids)),
        interactionsByContact: (selection) => {
          const key = JSON.stringify(selection);
          let loader = timelines.get(key);
          if (!loader) {
            loader = pageLoader((contactIds, request) =>
              operations.ofContacts(auth, contactIds, selection, request),
            );
            timelines.set(key, loader);
          }
          return loader;
        },
        repliesByInteraction: pageLoader((parentIds, request) =>
          operations.repliesTo(auth, parentIds, request),
        ),
      };
    };
  },
});
