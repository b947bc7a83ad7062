import { createWorkflow } from './createWorkflow';
import { setWorkflowStatus } from './setWorkflowStatus';

export const Mutation = { createWorkflow, setWorkflowStatus };
