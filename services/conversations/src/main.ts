import { runServiceMain } from '@platform/service-kit';
import { conversationsService } from './service';

runServiceMain(conversationsService);
