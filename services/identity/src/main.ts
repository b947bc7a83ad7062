import { runServiceMain } from '@platform/service-kit';
import { identityService } from './service';

runServiceMain(identityService);
