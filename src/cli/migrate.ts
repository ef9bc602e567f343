import 'reflect-metadata';
import { loadConfig } from '../config';
import { migrate, provideDatabase } from '../db/database';
import { createLogger } from '../shared/logger';
import { runCommand } from './args';

/** `npm run db:migrate`: applies pending migrations (and the API role) as the owner. */
runCommand(
  {
    name: 'db:migrate',
    usage: 'npm run db:migrate',
    help: `
Applies the pending migrations as the owner (DATABASE_URL, or the embedded PostgreSQL), writes the
calendars' closed days and creates or updates the API's login role (unless APP_DATABASE_URL is set).
Run it once as a release step before starting several replicas.`,
    options: {},
  },
  async () => {
    const config = loadConfig();
    const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
    const database = await provideDatabase(config, logger);
    try {
      const applied = await migrate(database.ownerUrl, config, logger);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database schema is up to date.');
    } finally {
      await database.stop();
    }
  },
);
