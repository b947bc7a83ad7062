// Prisma CLI configuration for the conversations service. Migrations connect as the owner role; the schema
// engine is Prisma's native one where installed, else the offline bridge (packages/prisma-bridge).
import { platformPrismaConfig } from '@platform/prisma-bridge';

export default platformPrismaConfig({
  serviceDir: __dirname,
  databaseUrl:
    process.env.MIGRATE_DATABASE_URL ??
    'postgresql://conversations_owner:conversations_owner@127.0.0.1:5432/conversations',
  shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
});
