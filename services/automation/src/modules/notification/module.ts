import { defineModule } from '@platform/service-kit';
import type { AutomationDependencies } from '../../service';

/** Notifications add nothing to the graph yet: email is delivered by the notification consumer. */
export type NotificationModuleContext = Record<never, never>;

export const notificationModule = defineModule<AutomationDependencies, NotificationModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
