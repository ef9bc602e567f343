import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { migrate, provideDatabase } from '../db/database';
import { initOrm } from '../db/orm';
import { createLogger } from '../shared/logger';

/**
 * Runs a command against the owner connection: DATABASE_URL, the embedded server of the
 * `npm start` running on the same data folder (left running), or an embedded server started (and
 * stopped) for the command — after stopping an orphan left by a killed `npm start`, if any.
 */
export async function withOwnerDatabase<T>(
  work: (orm: MikroORM) => Promise<T>,
  options = { migrate: true },
): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const database = await provideDatabase(config, logger, 'command');
  try {
    if (options.migrate) await migrate(database.ownerUrl, config, logger);
    const orm = await initOrm({ clientUrl: database.ownerUrl, logger, poolMax: 2 });
    try {
      return await work(orm);
    } finally {
      await orm.close(true);
    }
  } finally {
    await database.stop();
  }
}
