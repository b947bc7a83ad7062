import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import { userReferences } from '../contact/infra/user-references';
import type { Task as TaskModel } from './domain/task';
import { taskOperations, type TaskOperations } from './domain/task-operations';
import { taskRepository } from './infra/task-repository';
import { Contact } from './resolvers/Contact';
import { completeTask } from './resolvers/Mutation/completeTask';
import { createTask } from './resolvers/Mutation/createTask';
import { deleteTask } from './resolvers/Mutation/deleteTask';
import { moveTask } from './resolvers/Mutation/moveTask';
import { reopenTask } from './resolvers/Mutation/reopenTask';
import { updateTask } from './resolvers/Mutation/updateTask';
import { checklist } from './resolvers/Query/checklist';
import { myOpenTasks } from './resolvers/Query/myOpenTasks';
import { task } from './resolvers/Query/task';
import { tasks as taskList } from './resolvers/Query/tasks';
import { Task } from './resolvers/Task';
import { User } from './resolvers/User';

export interface TaskModuleContext {
  tasks: TaskOperations;
  /** The caller's organization's tasks by id (one query per batch). */
  taskById: DataLoader<string, TaskModel | null>;
  /** Pages of tasks by contact: one query per batch (per distinct first/after). */
  tasksByContact: DataLoader<PageKey, Page<TaskModel>, string>;
  /** Pages of tasks by assignee: one query per batch (per distinct first/after). */
  tasksByAssignee: DataLoader<PageKey, Page<TaskModel>, string>;
}

export const taskModule = defineModule<CrmDependencies, TaskModuleContext>({
  resolvers: {
    Query: { task, tasks: taskList, myOpenTasks, checklist },
    Mutation: { createTask, updateTask, completeTask, reopenTask, moveTask, deleteTask },
    Task,
    Contact,
    User,
  },
  context: ({ tenants }) => {
    const repository = taskRepository(tenants);
    const tasks = taskOperations(repository, userReferences(tenants));
    return ({ auth }) => ({
      tasks,
      taskById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
      tasksByContact: pageLoader((contactIds, request) => tasks.ofContacts(auth, contactIds, request)),
      tasksByAssignee: pageLoader((userIds, request) => tasks.assignedTo(auth, userIds, request)),
    });
  },
});
