/**
 * Connects on first use and at most once at a time; close() waits for a pending connect. After close()
 * the next open() connects again.
 */
export function lazyConnection(connect: () => Promise<void>, disconnect: () => Promise<void>) {
  let connecting: Promise<void> | null = null;
  return {
    open(): Promise<void> {
      if (!connecting) {
        connecting = connect().catch((error: unknown) => {
          connecting = null;
          throw error;
        });
      }
      return connecting;
    },
    async close(): Promise<void> {
      if (!connecting) return;
      const pending = connecting;
      connecting = null;
      await pending.catch(() => undefined);
      await disconnect();
    },
  };
}
