import { runServiceMain } from '@platform/service-kit';
import { billingService } from './service';

runServiceMain(billingService);
