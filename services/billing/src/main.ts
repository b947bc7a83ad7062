import { baseServiceSettings, runService } from '@platform/service-kit';
import { startBillingService } from './app';
import { readEnvironment } from './environment';

const environment = readEnvironment();
runService('billing', environment.LOG_LEVEL, (logger) =>
  startBillingService({ ...baseServiceSettings(environment), logger }),
);
