import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { Role } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { appUrlFor, migrate } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { initOrm } from '../src/db/orm';
import { inTenantTransaction } from '../src/db/tenant-scope';
import { proposeAllocation, roundInputs } from '../src/placements/allocation/round.service';
import { propose } from '../src/placements/allocation/proposal';
import { createLogger } from '../src/shared/logger';
import { Tenant } from '../src/tenants/tenant.entity';

/**
 * An allocation round at scale: APPLICATIONS applications (one child each, 1 to 5 facilities in a
 * random order, a third with verified criteria) over FACILITIES facilities × 3 age groups holding
 * PLACES free places in all, generated set-based as the owner on an embedded PostgreSQL of its own.
 * Then one `proposeAllocation` through the API's role (row-level security on): the candidates read
 * from `placement_candidates` (the ranking), deferred acceptance, the stability check on the
 * result, and the draft written — timed as `seconds`. Prints one JSON line.
 * Usage: npm run bench:allocation [-- APPLICATIONS FACILITIES PLACES]
 */
const APPLICATIONS = Number(process.argv[2] ?? 10000);
const FACILITIES = Number(process.argv[3] ?? 60);
const PLACES = Number(process.argv[4] ?? 1500);
const START = '2027-09-01';

async function generate(owner: Client): Promise<string> {
  const {
    rows: [{ id: tenantId }],
  } = await owner.query(
    `insert into tenants (id, slug, name, locale, time_zone, currency, holiday_region)
     values (gen_random_uuid(), 'bench-places', 'Banc d''essai — places', 'fr-CA', 'America/Toronto', 'CAD', 'CA-QC')
     returning id`,
  );
  await owner.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
  await owner.query(
    `insert into facilities (id, tenant_id, name, kind, capacity)
     select gen_random_uuid(), $1, 'CPE ' || i, 'CHILDCARE_CENTRE', 80 from generate_series(1, $2) i`,
    [tenantId, FACILITIES],
  );
  // PLACES spread over the groups (some get one more); each group also holds taken places.
  await owner.query(
    `insert into facility_age_groups (id, tenant_id, facility_id, age_group, min_months, max_months, capacity, places_taken)
     select gen_random_uuid(), $1, f.id, g.age_group::placement_age_group, g.lo, g.hi,
       10 + $2 / ($3 * 3) + case when (row_number() over ()) <= $2 % ($3 * 3) then 1 else 0 end, 10
     from facilities f cross join (values ('INFANT', 0, 18), ('TODDLER', 18, 36), ('PRESCHOOL', 36, 72)) as g(age_group, lo, hi)
     where f.tenant_id = $1`,
    [tenantId, PLACES, FACILITIES],
  );
  await owner.query(
    `insert into admission_criteria (id, tenant_id, code, label, points) values
       (gen_random_uuid(), $1, 'SIBLING', 'Fratrie', 30), (gen_random_uuid(), $1, 'DISABILITY', 'Handicap', 50),
       (gen_random_uuid(), $1, 'RESIDENT', 'Résident', 10)`,
    [tenantId],
  );
  await owner.query(
    `insert into families (id, tenant_id, name) select gen_random_uuid(), $1, 'Famille ' || i from generate_series(1, $2) i`,
    [tenantId, APPLICATIONS],
  );
  await owner.query(
    `insert into children (id, tenant_id, family_id, first_name, last_name, birth_date)
     select gen_random_uuid(), $1, f.id, 'Enfant', f.name, date '2027-09-01' - (random() * 1800)::int
     from families f where f.tenant_id = $1`,
    [tenantId],
  );
  await owner.query(
    `insert into placement_applications (id, tenant_id, child_id, family_id, desired_start_date, days_per_week, full_time,
       registered_at, channel, created_by, updated_at)
     select gen_random_uuid(), $1, c.id, c.family_id, $2::date, 5, true,
       timestamptz '2025-01-01' + random() * interval '600 days', 'ONLINE', 'bench', now()
     from children c where c.tenant_id = $1`,
    [tenantId, START],
  );
  // 1 to 5 facilities each, drawn with a popularity skew (the low-numbered CPEs are wanted most).
  await owner.query(
    `insert into placement_preferences (tenant_id, application_id, preference, facility_id)
     select $1, a.id, p.preference, p.facility_id from placement_applications a
     cross join lateral (
       select row_number() over ()::int as preference, f.id as facility_id
       from (select id from facilities where tenant_id = $1 and a.id is not null
             order by power(random(), 2) * (row_number() over (order by name)) limit 1 + (random() * 4)::int) f
     ) p where a.tenant_id = $1`,
    [tenantId],
  );
  await owner.query(
    `insert into application_criteria (tenant_id, application_id, code, status, verified_by, verified_at)
     select $1, a.id, (array['SIBLING', 'DISABILITY', 'RESIDENT'])[1 + (random() * 2)::int], 'VERIFIED', 'bench', now()
     from placement_applications a where a.tenant_id = $1 and random() < 0.33`,
    [tenantId],
  );
  await owner.query('analyze');
  return tenantId;
}

async function main(): Promise<void> {
  const config = { ...loadConfig(), env: 'test' as const };
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-allocation-'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: 55000 + (process.pid % 1000),
    logger,
    persistent: false,
  });
  let failed = false;
  try {
    await migrate(pg.ownerUrl, config, logger);
    const owner = new Client({ connectionString: pg.ownerUrl });
    await owner.connect();
    const generationStarted = Date.now();
    const tenantId = await generate(owner);
    const generationSeconds = (Date.now() - generationStarted) / 1000;
    const {
      rows: [{ facilityIds }],
    } = await owner.query(
      `select array_agg(id::text order by name) as "facilityIds" from facilities where tenant_id = $1`,
      [tenantId],
    );
    const orm = await initOrm({ clientUrl: appUrlFor(config, pg.ownerUrl), logger, poolMax: 2 });
    const viewer = {
      kind: 'PERSON' as const,
      subject: 'bench:commission',
      displayName: 'Commission',
      roles: [Role.AGENT],
      scopes: [],
      tenantId,
      familyId: null,
    };
    const started = Date.now();
    const outcome = await inTenantTransaction(orm.em.fork(), tenantId, async (tx) => {
      const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
      return proposeAllocation(
        { em: tx, viewer, tenant, now: () => new Date() },
        { facilityIds, startDate: START, idempotencyKey: 'bench-round' },
      );
    });
    const seconds = (Date.now() - started) / 1000;
    // The same inputs again, to time the rule alone and check the stored draft against it.
    const check = await inTenantTransaction(orm.em.fork(), tenantId, async (tx) => {
      const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
      const inputs = await roundInputs({ em: tx, viewer, tenant, now: () => new Date() }, facilityIds, START);
      const ruleStarted = process.hrtime.bigint();
      const proposal = propose(inputs.candidates, inputs.groups);
      const ruleMs = Number(process.hrtime.bigint() - ruleStarted) / 1e6;
      const [round] = await tx.execute<
        { stable: boolean; proposed: number; applications: number; free_places: number }[]
      >(
        `select r.stable, r.applications, r.free_places, (select count(*)::int from allocation_proposals p
           where p.tenant_id = r.tenant_id and p.round_id = r.id) as proposed
         from allocation_rounds r where r.tenant_id = ? and r.id = ?`,
        [tenantId, outcome.value!.roundId],
      );
      return { proposal, ruleMs, round, candidates: inputs.candidates.length };
    });
    await orm.close(true);
    await owner.end();
    const stable =
      check.round.stable && check.proposal.stable && check.round.proposed === check.proposal.places.length;
    failed = !stable || check.round.applications < APPLICATIONS;
    console.log(
      JSON.stringify({
        bench: 'allocation',
        applications: check.round.applications,
        candidates: check.candidates,
        facilities: FACILITIES,
        ageGroups: FACILITIES * 3,
        freePlaces: check.round.free_places,
        proposed: check.round.proposed,
        seconds,
        ruleMs: Math.round(check.ruleMs),
        stable,
        generationSeconds,
        cpus: os.cpus().length,
      }),
    );
  } finally {
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
