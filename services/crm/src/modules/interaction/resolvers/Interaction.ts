import { pageRequest } from '@platform/domain';
import { toConnectionBy } from '@platform/service-kit';
import type { InteractionResolvers } from '../../../generated/graphql';
import { visibleCustomFieldValues } from '../../custom-field/domain/custom-field-values';
import { SYSTEM_RECORDER_ID, timelinePosition } from '../domain/interaction';

export const Interaction: InteractionResolvers = {
  __resolveReference: (reference, { interactionById }) => interactionById.load(reference.id),
  /** crm's own contact, batched by the contact module's loader. */
  contact: (interaction, _args, { contactById }) => contactById.load(interaction.contactId),
  parent: (interaction, _args, { interactionById }) =>
    interaction.parentInteractionId ? interactionById.load(interaction.parentInteractionId) : null,
  /** Batched: the replies of a list of N interactions cost what one costs. */
  replies: async (interaction, { first, after }, { repliesByInteraction }) =>
    toConnectionBy(
      await repliesByInteraction.load({ parentId: interaction.id, request: pageRequest(first, after) }),
      timelinePosition,
    ),
  /** An empty embedding reads as none. */
  vectorEmbedding: (interaction) =>
    interaction.vectorEmbedding.length > 0 ? interaction.vectorEmbedding : null,
  /** Live custom fields' values only: an archived field's stay stored, hidden until it is restored. */
  customFields: async (interaction, _args, { customFieldDefinitionsOf }) =>
    visibleCustomFieldValues(await customFieldDefinitionsOf.load('interaction'), interaction.customFields),
  /** References the identity subgraph resolves (batched there). */
  assignedTo: (interaction) => (interaction.assignedToId ? { id: interaction.assignedToId } : null),
  createdBy: (interaction) =>
    interaction.createdById === SYSTEM_RECORDER_ID ? null : { id: interaction.createdById },
  updatedBy: (interaction) =>
    interaction.updatedById && interaction.updatedById !== SYSTEM_RECORDER_ID
      ? { id: interaction.updatedById }
      : null,
};
