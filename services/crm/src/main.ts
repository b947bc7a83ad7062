import { runServiceMain } from '@platform/service-kit';
import { crmService } from './service';

runServiceMain(crmService);
