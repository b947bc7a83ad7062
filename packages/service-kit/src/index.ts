export * from './http-server';
export * from './logger';
export * from './shutdown';
