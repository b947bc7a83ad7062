// `tsx src/modules/channel/infra/simulator/main.ts`: the local platform simulator on its own, for
// development (`SIMULATOR_PORT`, default 4090); point `CHANNELS_API_BASE_URL` at the URL it logs.
import { createLogger, onShutdown, processEnvironment } from '@platform/service-kit';
import { startPlatformSimulator } from './server';

const logger = createLogger('platform-simulator');

startPlatformSimulator({ port: Number(processEnvironment().SIMULATOR_PORT ?? 4090) }).then(
  (simulator) => {
    logger.info({ url: simulator.url }, 'platform simulator listening');
    onShutdown(logger, () => simulator.close());
  },
  (error: unknown) => {
    logger.error({ err: error }, 'the platform simulator did not start');
    process.exit(1);
  },
);
