/**
 * Global setup and teardown run in jest's parent process but may be loaded as separate module
 * instances, so what setup started is kept on globalThis for teardown to stop.
 */
const KEY = Symbol.for('platform.testing.release');

type Release = () => Promise<void>;
type Holder = { [KEY]?: Release };

export function setRelease(release: Release): void {
  (globalThis as Holder)[KEY] = release;
}

export function takeRelease(): Release | undefined {
  const holder = globalThis as Holder;
  const release = holder[KEY];
  delete holder[KEY];
  return release;
}
