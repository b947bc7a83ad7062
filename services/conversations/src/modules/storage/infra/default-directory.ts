import path from 'node:path';

/** Local storage's directory when none is configured: the repository's git-ignored `.local/`, as the other local state. */
export const DEFAULT_STORAGE_DIRECTORY = path.resolve(
  __dirname,
  ...Array<string>(6).fill('..'),
  '.local',
  'conversations',
  'storage',
);
