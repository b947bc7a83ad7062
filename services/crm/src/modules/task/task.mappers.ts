// What the generated resolver types use as parents (see @platform/codegen).
import type { Task } from './domain/task';

export type TaskMapper = Task;
export { TaskPriority, TaskStatus } from './domain/task';
