import { DateTimeResolver } from 'graphql-scalars';
import { Organization } from './Organization';
import { OrganizationSubscription } from './OrganizationSubscription';
import { Plan } from './Plan';
import { Query } from './Query';

export const resolvers = { DateTime: DateTimeResolver, Query, Organization, OrganizationSubscription, Plan };
