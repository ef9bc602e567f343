import type { MikroORM } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { DatabaseSeeder } from './DatabaseSeeder';
import { isEmpty } from '../src/db/database';

/** Seeds the four demo tenants when the database holds no tenant; returns whether it did. */
export async function seedDemoIfEmpty(orm: MikroORM, logger: pino.Logger): Promise<boolean> {
  if (!(await isEmpty(orm))) return false;
  const started = Date.now();
  await orm.getSeeder().seed(DatabaseSeeder);
  // A bulk load: the planner's statistics must see it before the first request does, else its
  // row estimates (no statistics: "almost nothing matches") pick nested loops over whole tables
  // until autovacuum's next pass, and the first minutes of a fresh demo run 10× slower.
  await orm.em.getConnection().execute('analyze');
  logger.info({ ms: Date.now() - started }, 'demo tenants seeded');
  return true;
}
