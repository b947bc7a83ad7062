/**
 * The domain layer's shared vocabulary. Dependency-free on purpose (lint keeps every service's
 * `domain/` folders from importing GraphQL, Prisma, Kafka, pg or infra): rules stay testable with no
 * I/O and no framework loaded.
 */
export * from './actor';
export * from './errors';
export * from './ids';
export * from './issues';
export * from './page';
export * from './enums';
export * from './permissions';
export * from './list';
