import 'reflect-metadata';
import { Client } from 'pg';
import { seedDemoIfEmpty } from '../../seeds/seed-demo';
import { loadConfig } from '../config';
import { migrate, provideDatabase } from '../db/database';
import { runningOwnerUrl } from '../db/running';
import { initOrm } from '../db/orm';
import { createLogger } from '../shared/logger';
import { fail, runCommand } from './args';

/** Where the embedded reset builds the new demo before it takes the place of the old one. */
const STAGING = 'guichet_reset';

/**
 * `npm run db:reset`: a fresh demo database, migrated and seeded around today.
 *
 * Embedded PostgreSQL: refused while `npm start` runs on the data folder; the new database is
 * built beside the old one and replaces it at the end, so a Ctrl-C (or a failure) on the way
 * leaves the old one as it was. With DATABASE_URL: refused without `--yes` (it destroys data) and
 * in production; the public and graphile_worker schemas are dropped and recreated, then migrated
 * and seeded (interrupted, it leaves an empty database, which the next `npm start` migrates and
 * seeds).
 */
runCommand(
  {
    name: 'db:reset',
    usage: 'npm run db:reset [-- --yes]',
    help: `
Drops the demo database and makes it again: migrations, then the four demo tenants seeded
around today (DEMO_DATA=off: left empty). Stop npm start first.

  --yes        required with DATABASE_URL: every table, row and type in its public and
               graphile_worker schemas is dropped (never in production)
  -h, --help   this help`,
    options: { yes: { type: 'boolean' } },
  },
  async (options) => {
    // Before the configuration, which in production would first ask for its secrets.
    if (process.env.NODE_ENV === 'production') fail('refused in production (NODE_ENV=production).');
    const config = loadConfig();
    const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
    const seed = process.env.DEMO_DATA !== 'off';
    const started = Date.now();
    if (config.databaseUrl) {
      const where = describe(config.databaseUrl);
      if (!options.yes) {
        fail(`DATABASE_URL is set: this would drop every table of ${where}. Run it with --yes to confirm.`);
      }
      await dropSchemas(config.databaseUrl);
      console.log(`Dropped the schemas of ${where}.`);
      await rebuild(config.databaseUrl, seed);
    } else {
      const running = runningOwnerUrl(config);
      if (running) {
        throw new Error(
          `Guichet is running on this data folder (${config.dataDir}): stop it first (Ctrl-C in its terminal), then reset.`,
        );
      }
      const database = await provideDatabase(config, logger, 'command');
      try {
        const admin = urlFor(database.ownerUrl, 'postgres');
        const name = new URL(database.ownerUrl).pathname.slice(1);
        await onServer(admin, `drop database if exists ${ident(STAGING)} with (force)`);
        await onServer(admin, `create database ${ident(STAGING)}`);
        await rebuild(urlFor(database.ownerUrl, STAGING), seed);
        // The old demo makes way only now that the new one is complete.
        await onServer(admin, `drop database if exists ${ident(name)} with (force)`);
        await onServer(admin, `alter database ${ident(STAGING)} rename to ${ident(name)}`);
      } finally {
        await database.stop();
      }
    }
    console.log(
      `The demo database is fresh${seed ? ' (four demo tenants around today)' : ' and empty'}, in ${Math.round((Date.now() - started) / 100) / 10} s.`,
    );

    async function rebuild(url: string, withDemo: boolean): Promise<void> {
      await migrate(url, config, logger);
      if (!withDemo) return;
      const orm = await initOrm({ clientUrl: url, logger, poolMax: 2 });
      try {
        await seedDemoIfEmpty(orm, logger);
      } finally {
        await orm.close(true);
      }
    }
  },
);

/** Drops what the migrations and the job queue created (schema `public` comes back as PostgreSQL makes it). */
async function dropSchemas(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('drop schema if exists graphile_worker cascade');
    await client.query('drop schema if exists public cascade');
    await client.query('create schema public');
    await client.query('grant usage on schema public to public');
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function urlFor(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** "database guichet on db:5432" (no credentials). */
function describe(url: string): string {
  const parsed = new URL(url);
  return `database ${parsed.pathname.slice(1) || '(default)'} on ${parsed.host}`;
}
