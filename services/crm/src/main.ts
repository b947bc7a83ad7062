import { baseServiceSettings, runService } from '@platform/service-kit';
import { startCrmService } from './app';
import { readEnvironment } from './environment';

const environment = readEnvironment();
runService('crm', environment.LOG_LEVEL, (logger) =>
  startCrmService({ ...baseServiceSettings(environment), logger }),
);
