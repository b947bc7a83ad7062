import { DateTimeResolver } from 'graphql-scalars';
import { Contact } from './Contact';
import { Conversation } from './Conversation';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers = { DateTime: DateTimeResolver, Query, Mutation, Conversation, Contact };
