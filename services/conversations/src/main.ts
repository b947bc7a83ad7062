import { baseServiceSettings, runService } from '@platform/service-kit';
import { startConversationsService } from './app';
import { readEnvironment } from './environment';

const environment = readEnvironment();
runService('conversations', environment.LOG_LEVEL, (logger) =>
  startConversationsService({ ...baseServiceSettings(environment), logger }),
);
