import { runServiceMain } from '@platform/service-kit';
import { automationService } from './service';

runServiceMain(automationService);
