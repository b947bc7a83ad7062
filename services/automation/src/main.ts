import { baseServiceSettings, runService } from '@platform/service-kit';
import { startAutomationService } from './app';
import { readEnvironment } from './environment';

const environment = readEnvironment();
runService('automation', environment.LOG_LEVEL, (logger) =>
  startAutomationService({ ...baseServiceSettings(environment), logger }),
);
