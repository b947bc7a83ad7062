import { DateTimeResolver } from 'graphql-scalars';
import { Mutation } from './Mutation';
import { Organization } from './Organization';
import { Query } from './Query';
import { User } from './User';

export const resolvers = { DateTime: DateTimeResolver, Query, Mutation, User, Organization };
