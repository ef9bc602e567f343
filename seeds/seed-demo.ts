import type { MikroORM } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { DatabaseSeeder } from './DatabaseSeeder';
import { isEmpty } from '../src/db/database';

/** Seeds the four demo tenants when the database holds no tenant; returns whether it did. */
export async function seedDemoIfEmpty(orm: MikroORM, logger: pino.Logger): Promise<boolean> {
  if (!(await isEmpty(orm))) return false;
  const started = Date.now();
  await orm.getSeeder().seed(DatabaseSeeder);
  logger.info({ ms: Date.now() - started }, 'demo tenants seeded');
  return true;
}
