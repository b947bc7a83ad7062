/** The five domain services. Each owns one PostgreSQL database and one Prisma schema. */
export const SERVICES = ['identity', 'crm', 'conversations', 'billing', 'automation'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** HTTP ports used when the platform runs locally (the gateway takes 4000). */
export const SERVICE_PORTS: Record<ServiceName, number> = {
  identity: 4001,
  crm: 4002,
  conversations: 4003,
  billing: 4004,
  automation: 4005,
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICES as readonly string[]).includes(value);
}
