import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { Contact } from './Contact';
import { Mutation } from './Mutation';
import { Organization } from './Organization';
import { Query } from './Query';
import { User } from './User';

export const resolvers = {
  DateTime: DateTimeResolver,
  JSONObject: JSONObjectResolver,
  Query,
  Mutation,
  Contact,
  Organization,
  User,
};
