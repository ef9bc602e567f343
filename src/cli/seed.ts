import 'reflect-metadata';
import { seedScale } from '../../seeds/DatabaseSeeder';
import { seedDemoIfEmpty } from '../../seeds/seed-demo';
import { createLogger } from '../shared/logger';
import { Tenant } from '../tenants/tenant.entity';
import { fail, runCommand } from './args';
import { withOwnerDatabase } from './with-database';

/** `npm run db:seed`: the demo tenants on an empty database; `--scale N` adds N generated families. */
runCommand(
  {
    name: 'db:seed',
    usage: 'npm run db:seed [-- --scale N [--tenant SLUG]]',
    help: `
Seeds the four demo tenants around today when the database holds no tenant (npm start does it
too); to start again from a fresh demo, npm run db:reset.

  --scale N       also adds N generated families (with children) to a tenant, for benchmarks
  --tenant SLUG   the tenant --scale adds to (default nimes)
  -h, --help      this help`,
    options: { scale: { type: 'string' }, tenant: { type: 'string' } },
  },
  async (options) => {
    const scale = options.scale === undefined ? 0 : Number(options.scale);
    if (!/^\d+$/.test(options.scale ?? '0') || !Number.isSafeInteger(scale)) {
      fail(`--scale must be a whole number of families (not "${options.scale}").`);
    }
    if (options.tenant !== undefined && options.scale === undefined) fail('--tenant goes with --scale.');
    const slug = options.tenant ?? 'nimes';
    await withOwnerDatabase(async (orm) => {
      const seeded = await seedDemoIfEmpty(orm, createLogger(process.env.LOG_LEVEL ?? 'info'));
      console.log(seeded ? 'Seeded the four demo tenants.' : 'Demo tenants already present.');
      if (scale > 0) {
        if (!(await orm.em.fork().findOne(Tenant, { slug }))) fail(`unknown tenant "${slug}".`);
        const started = Date.now();
        const created = await seedScale(orm.em.fork(), slug, scale, Date.now() % 100000);
        console.log(`Added ${created} generated families to ${slug} in ${Date.now() - started} ms.`);
      }
    });
  },
);
