import 'reflect-metadata';
import { seedScale } from '../../seeds/DatabaseSeeder';
import { seedDemoIfEmpty } from '../../seeds/seed-demo';
import { createLogger } from '../shared/logger';
import { cliOptions, fail } from './args';
import { withOwnerDatabase } from './with-database';

const USAGE = 'npm run db:seed [-- --scale N [--tenant SLUG]]';

/** `npm run db:seed`: the demo tenants on an empty database; `--scale N` adds N generated families. */
async function run(): Promise<void> {
  const options = cliOptions({ scale: { type: 'string' }, tenant: { type: 'string' } }, USAGE);
  const scale = options.scale === undefined ? 0 : Number(options.scale);
  if (!Number.isInteger(scale) || scale < 0) fail(`--scale must be a positive integer.\nUsage: ${USAGE}`);
  await withOwnerDatabase(async (orm) => {
    const seeded = await seedDemoIfEmpty(orm, createLogger('info'));
    console.log(seeded ? 'Seeded the four demo tenants.' : 'Demo tenants already present.');
    if (scale > 0) {
      const started = Date.now();
      const created = await seedScale(orm.em.fork(), options.tenant ?? 'nimes', scale, Date.now() % 100000);
      console.log(
        `Added ${created} generated families to ${options.tenant ?? 'nimes'} in ${Date.now() - started} ms.`,
      );
    }
  });
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
