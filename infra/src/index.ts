export * from './docker';
export * from './environment';
export * from './kafka';
export * from './migrations';
export * from './postgres';
export * from './process';
export * from './services';
export * from './keys';
