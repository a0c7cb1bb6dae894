// Prisma CLI configuration. Only `prisma generate` runs here (see README "Migrations");
// the datasource URL is for operators who run `prisma migrate deploy` elsewhere.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/quanta',
  },
});
