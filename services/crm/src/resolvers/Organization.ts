import type { CrmContext } from '../context';

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export const Organization = {
  __resolveReference: (reference: { id: string }) => reference,
  contacts(organization: { id: string }, args: ConnectionArgs, context: CrmContext) {
    return context.contacts.ofOrganization(context.auth, organization.id, args.first, args.after);
  },
};
