import 'reflect-metadata';
import { loadConfig } from '../config';
import { migrate, provideDatabase } from '../db/database';
import { createLogger } from '../shared/logger';

/** `npm run db:migrate`: applies pending migrations (and the API role) as the owner. */
async function run(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
  const database = await provideDatabase(config, logger);
  try {
    const applied = await migrate(database.ownerUrl, config, logger);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database schema is up to date.');
  } finally {
    await database.stop();
  }
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
