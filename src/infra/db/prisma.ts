import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';

export type Db = PrismaClient;

export function createPrisma(databaseUrl: string, poolSize: number): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: poolSize,
    // Fail fast when Postgres is away instead of queueing requests until they hang.
    connectionTimeoutMillis: 3000,
  });
  return new PrismaClient({ adapter });
}
