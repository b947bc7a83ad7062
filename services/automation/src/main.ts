import { createLogger, onShutdown, startServiceServer } from '@platform/service-kit';
import { readEnvironment } from './environment';
import { createDatabase } from './infra/database';

async function main(): Promise<void> {
  const environment = readEnvironment();
  const logger = createLogger('automation', environment.LOG_LEVEL);
  const database = createDatabase(environment.DATABASE_URL);
  const server = await startServiceServer({
    service: 'automation',
    port: environment.PORT,
    host: environment.HOST,
    logger,
    readiness: [{ name: 'database', check: async () => void (await database.$queryRaw`select 1`) }],
  });
  onShutdown(logger, async () => {
    await server.close();
    await database.$disconnect();
  });
}

main().catch((error: unknown) => {
  createLogger('automation').fatal({ err: error }, 'failed to start');
  process.exit(1);
});
