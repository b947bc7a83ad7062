/**
 * The event contract without the machinery (`@platform/events/catalog`): the catalog, its enums and
 * `createEvent`, and the envelope type. Loads only zod, so domain code can decide its events without
 * pulling in Kafka or pg.
 */
export * from './catalog';
export type { CloudEvent } from './envelope';
