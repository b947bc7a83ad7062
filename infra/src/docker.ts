import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { readInfraEnvironment } from './environment';

/**
 * Whether a Docker engine answers its ping. Only a local unix socket or DOCKER_HOST=unix://… is probed
 * here; a tcp DOCKER_HOST is trusted as configured (testcontainers then reports its own errors).
 */
export async function dockerEngineAvailable(): Promise<boolean> {
  const { DOCKER_HOST } = readInfraEnvironment();
  if (DOCKER_HOST?.startsWith('tcp://')) return true;
  const socketPath = DOCKER_HOST?.startsWith('unix://')
    ? DOCKER_HOST.slice('unix://'.length)
    : '/var/run/docker.sock';
  if (!existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
