import { DateTimeResolver } from 'graphql-scalars';
import { Contact } from './Contact';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Workflow } from './Workflow';
import { WorkflowRun } from './WorkflowRun';

export const resolvers = { DateTime: DateTimeResolver, Query, Mutation, Workflow, WorkflowRun, Contact };
