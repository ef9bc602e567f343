import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { seedScale } from '../seeds/DatabaseSeeder';
import { Role, type Viewer } from '../src/auth/viewer';
import type { TenantContext } from '../src/auth/context';
import { BillingRun, BillingRunKind } from '../src/billing/runs/billing-run.entity';
import { draftBillingRun } from '../src/billing/drafts/drafts.service';
import { promoteBillingRun } from '../src/billing/drafts/promote';
import { runBilling } from '../src/billing/runs/billing-run.service';
import { loadConfig } from '../src/config';
import { appUrlFor, migrate } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { initOrm } from '../src/db/orm';
import { seedDemoIfEmpty } from '../seeds/seed-demo';
import { inTenantTransaction } from '../src/db/tenant-scope';
import { monthBounds } from '../src/shared/dates';
import { createLogger } from '../src/shared/logger';
import { Tenant } from '../src/tenants/tenant.entity';
import type { Outcome } from '../src/shared/user-errors';

/**
 * The month-end billing run at scale: FAMILIES generated Nîmes families with CHARGES_PER_FAMILY
 * charges each in October 2026 (inserted set-based as the owner), then one `runBilling` for
 * 2026-10 through the API's role, timed, with the process's peak RSS sampled every 100 ms.
 * Checks afterwards: one invoice per family with charges, no charge left uninvoiced, numbers gapless.
 * Prints one JSON line. Usage: npm run bench:billing [-- FAMILIES CHARGES_PER_FAMILY]
 *
 * On its own embedded PostgreSQL (deleted afterwards), or with DATABASE_URL on that database: an
 * owner connection to an EMPTY database (any PostgreSQL version), which the bench migrates, seeds
 * and leaves filled (drop and recreate it before the next run). Either way the run starts with the
 * statistics of a fresh database: the generation analyses only the tables it fills (sessions,
 * reservations, charges, families, children), never invoices, allocations or payments, which the
 * demo seed leaves empty and autovacuum has therefore never analysed (and cannot analyse what the
 * run inserts in its own transaction). The JSON line says what the planner knew of them at the start.
 */
const ARGS = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const FAMILIES = Number(ARGS[0] ?? 20000);
const CHARGES_PER_FAMILY = Number(ARGS[1] ?? 10);
/** `--draft`: the same month built as a draft (draftBillingRun), then promoted (promoteBillingRun). */
const DRAFT = process.argv.includes('--draft');
const TENANT = 'nimes';
const SEED = 4242;
const PERIOD = '2026-10';
/** Canteen services the generated families are spread over (sessions on every open weekday of the period). */
const SERVICES = 4;
const NOW = new Date('2026-11-05T08:00:00Z');

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** The tables the run fills, whose statistics must be those of a fresh database when it starts. */
const FRESH_TABLES = ['invoices', 'allocations', 'payments'];

interface Database {
  ownerUrl: string;
  /** `embedded` or `DATABASE_URL`. */
  source: string;
  stop(): Promise<void>;
}

/** DATABASE_URL when set (it must hold no Guichet data yet), else an embedded PostgreSQL of its own. */
async function provideBenchDatabase(
  databaseUrl: string | undefined,
  logger: ReturnType<typeof createLogger>,
): Promise<Database> {
  if (databaseUrl) {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const {
        rows: [{ tables }],
      } = await client.query(
        `select count(*)::int as tables from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = current_schema() and c.relkind in ('r', 'p')`,
      );
      if (tables > 0) {
        throw new Error(
          `DATABASE_URL must name an empty database (its schema holds ${tables} tables): ` +
            `the bench migrates and seeds it, and measures a first run on fresh statistics. ` +
            `Drop and recreate it (dropdb, createdb) and run again.`,
        );
      }
    } finally {
      await client.end();
    }
    return { ownerUrl: databaseUrl, source: 'DATABASE_URL', stop: async () => {} };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-billing-'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: 55000 + (process.pid % 1000),
    logger,
    persistent: false,
  });
  return {
    ownerUrl: pg.ownerUrl,
    source: 'embedded',
    stop: async () => {
      await pg.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What the planner knows of the tables the run fills, just before it: `reltuples` (-1: never
 * vacuumed nor analysed) and whether ANALYZE (manual or autovacuum's) ever ran on them.
 */
async function statisticsAtStart(
  owner: Client,
): Promise<Record<string, { reltuples: number; analysed: boolean }>> {
  const { rows } = await owner.query(
    `select c.relname, c.reltuples::float8 as reltuples,
            coalesce(s.last_analyze, s.last_autoanalyze) is not null as analysed
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     left join pg_stat_user_tables s on s.relid = c.oid
     where n.nspname = current_schema() and c.relname = any($1::text[])
     order by array_position($1::text[], c.relname::text)`,
    [FRESH_TABLES],
  );
  return Object.fromEntries(
    rows.map((r: { relname: string; reltuples: number; analysed: boolean }) => [
      r.relname,
      { reltuples: r.reltuples, analysed: r.analysed },
    ]),
  );
}

/** Adds sessions, reservations and charges for the generated families, set-based, as the owner. */
async function generateCharges(owner: Client, tenantId: string): Promise<void> {
  // FORCE row-level security binds a non-superuser owner to this tenant; every statement also filters
  // on tenant_id, as the embedded owner is a superuser (which bypasses row-level security).
  await owner.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
  await owner.query(
    `create temp table bench_services as
       select id as service_id, facility_id, (row_number() over (order by id) - 1)::int as idx
       from services where tenant_id = $1 and kind = 'CANTEEN' order by id limit $2`,
    [tenantId, SERVICES],
  );
  await owner.query(
    `create temp table bench_days as
       select d::date as date, (row_number() over (order by d) - 1)::int as idx
       from generate_series(($1::text || '-01')::date, ($1::text || '-01')::date + interval '1 month' - interval '1 day',
         interval '1 day') d
       where extract(isodow from d) < 6
         -- Canteens are closed on public and school holidays: PostgreSQL refuses their sessions.
         and not exists (
           select 1 from tenants t join calendar_days cd on cd.date = d::date
             and ((cd.kind = 'PUBLIC_HOLIDAY' and cd.calendar = t.holiday_region)
               or (cd.kind = 'SCHOOL_HOLIDAY' and cd.calendar = t.config_school_calendar))
           where t.id = $2)`,
    [PERIOD, tenantId],
  );
  const {
    rows: [{ services, days }],
  } = await owner.query(
    `select (select count(*)::int from bench_services) as services, (select count(*)::int from bench_days) as days`,
  );
  if (CHARGES_PER_FAMILY < 1 || CHARGES_PER_FAMILY > services * days) {
    throw new Error(`CHARGES_PER_FAMILY must be between 1 and ${services * days}`);
  }
  await owner.query(
    `insert into sessions (id, tenant_id, service_id, facility_id, date, period, capacity, places_taken, walk_ins)
     select gen_random_uuid(), $1, s.service_id, s.facility_id, d.date, 'LUNCH', 0, 0, 0
     from bench_services s cross join bench_days d
     on conflict (tenant_id, service_id, date, period) do nothing`,
    [tenantId],
  );
  await owner.query(
    `create temp table bench_families as
       select id as family_id, coalesce(family_quotient, 0) as quotient,
              (row_number() over (order by id) - 1)::int as idx
       from families where tenant_id = $1 and external_ref like $2`,
    [tenantId, `SCALE-${SEED}-%`],
  );
  await owner.query(
    `create temp table bench_children as
       select c.id as child_id, c.family_id, (row_number() over (partition by c.family_id order by c.id) - 1)::int as idx,
              (count(*) over (partition by c.family_id))::int as n
       from children c join bench_families f on f.family_id = c.family_id
       where c.tenant_id = $1`,
    [tenantId],
  );
  // Charge k of a family: day k mod D, on service (family + k div D) mod S, for child k mod its children;
  // about one in seven is an unjustified absence (a second invoice line).
  await owner.query(
    `create temp table bench_rows as
       select gen_random_uuid() as reservation_id, gen_random_uuid() as charge_id, f.family_id, c.child_id,
              se.id as session_id, sv.service_id, d.date,
              case when k % 7 = 6 then 'UNJUSTIFIED_ABSENCE' else 'ATTENDED' end as reason,
              coalesce(pb.unit_price, 0) as unit_price
       from bench_families f
       cross join generate_series(0, $2::int - 1) k
       join bench_days d on d.idx = k % $3::int
       join bench_services sv on sv.idx = (f.idx + k / $3::int) % $4::int
       join sessions se on se.tenant_id = $1 and se.service_id = sv.service_id and se.date = d.date
         and se.period = 'LUNCH'
       join bench_children c on c.family_id = f.family_id and c.idx = k % c.n
       left join lateral (
         select unit_price from price_brackets pb
         where pb.tenant_id = $1 and pb.service_id = sv.service_id and pb.min_quotient <= f.quotient
           and (pb.max_quotient is null or pb.max_quotient > f.quotient)
           and pb.valid_from <= d.date and (pb.valid_to is null or pb.valid_to >= d.date)
         order by pb.valid_from desc limit 1) pb on true`,
    [tenantId, CHARGES_PER_FAMILY, days, services],
  );
  await owner.query(
    `update sessions s set capacity = s.capacity + r.n, places_taken = s.places_taken + r.n
     from (select session_id, count(*)::int as n from bench_rows group by session_id) r
     where s.tenant_id = $1 and s.id = r.session_id`,
    [tenantId],
  );
  await owner.query(
    `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by,
       created_at, updated_at, attendance_recorded_at)
     select reservation_id, $1, session_id, child_id, family_id,
            (case reason when 'ATTENDED' then 'ATTENDED' else 'ABSENT_UNJUSTIFIED' end)::reservation_status,
            'ONLINE', 'bench', date - 7, date - 7, date + time '14:00'
     from bench_rows`,
    [tenantId],
  );
  await owner.query(
    `insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason,
       quantity, unit_price, amount, currency, created_at)
     select charge_id, $1, family_id, child_id, reservation_id, service_id, date, reason,
            1, unit_price, unit_price, 'EUR', date + time '14:00'
     from bench_rows`,
    [tenantId],
  );
  await owner.query('drop table bench_rows, bench_children, bench_families, bench_days, bench_services');
  // As autovacuum would have by month end: the planner sees the real sizes. Not invoices, allocations
  // nor payments: a first run starts with a fresh database's statistics of them.
  await owner.query('analyze sessions, reservations, charges, families, children');
}

async function main(): Promise<void> {
  const config = { ...loadConfig(), env: 'test' as const };
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const pg = await provideBenchDatabase(config.databaseUrl, logger);
  let failed = false;
  try {
    const generationStarted = Date.now();
    await migrate(pg.ownerUrl, config, logger);
    const ownerOrm = await initOrm({ clientUrl: pg.ownerUrl, logger, poolMax: 2 });
    await seedDemoIfEmpty(ownerOrm, logger);
    await seedScale(ownerOrm.em.fork(), TENANT, FAMILIES, SEED);
    await ownerOrm.close(true);

    const owner = new Client({ connectionString: pg.ownerUrl });
    owner.on('error', () => undefined); // the server stops under it at the end
    await owner.connect();
    const {
      rows: [{ id: tenantId }],
    } = await owner.query('select id from tenants where slug = $1', [TENANT]);
    await generateCharges(owner, tenantId);
    const generateSeconds = (Date.now() - generationStarted) / 1000;
    const {
      rows: [{ version }],
    } = await owner.query(`select current_setting('server_version') as version`);
    const statistics = await statisticsAtStart(owner);

    const orm = await initOrm({ clientUrl: appUrlFor(config, pg.ownerUrl), logger, poolMax: 2 });
    const viewer: Viewer = {
      kind: 'PERSON',
      subject: 'bench',
      displayName: null,
      roles: [Role.TENANT_ADMIN],
      scopes: [],
      tenantId,
      familyId: null,
    };
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    let batches = 0;
    const started = performance.now();
    // One unit of work, as the API runs each mutation: its own tenant-scoped transaction.
    const unit = (work: (ctx: TenantContext) => Promise<Outcome<{ runId: string }>>) =>
      inTenantTransaction(orm.em.fork(), tenantId, async (tx) => {
        const tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
        const outcome = await work({ em: tx, viewer, tenant, now: () => NOW });
        return {
          run: outcome.value ? await tx.findOneOrFail(BillingRun, { id: outcome.value.runId }) : null,
          userErrors: outcome.userErrors,
        };
      });
    let draftSeconds: number | null = null;
    const result = await (async () => {
      if (!DRAFT) {
        return unit((ctx) =>
          runBilling(ctx, { period: PERIOD, idempotencyKey: 'bench' }, { afterBatch: () => void batches++ }),
        );
      }
      const drafted = await unit((ctx) =>
        draftBillingRun(ctx, { kind: BillingRunKind.MONTHLY, period: PERIOD, idempotencyKey: 'bench-draft' }),
      );
      draftSeconds = (performance.now() - started) / 1000;
      if (!drafted.run) return drafted;
      const runId = drafted.run.id;
      return unit((ctx) => promoteBillingRun(ctx, { runId, idempotencyKey: 'bench-promote' }));
    })().finally(() => clearInterval(sampler));
    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await orm.close(true);
    if (!result.run) throw new Error(`runBilling refused: ${JSON.stringify(result.userErrors)}`);

    // The embedded owner is a superuser, which bypasses row-level security: filter on the tenant.
    const {
      rows: [check],
    } = await owner.query(
      `select
         (select count(distinct family_id)::int from charges where tenant_id = $4 and date between $1::date and $2::date) as families,
         (select count(*)::int from charges where tenant_id = $4 and date between $1::date and $2::date) as charges,
         (select count(*)::int from charges where tenant_id = $4 and date between $1::date and $2::date and invoice_id is null) as uninvoiced,
         (select coalesce(sum(amount), 0)::bigint from charges where tenant_id = $4 and date between $1::date and $2::date) as charged,
         (select count(*)::int from invoices where tenant_id = $4 and kind = 'INVOICE' and period = $3) as invoices,
         (select count(distinct family_id)::int from invoices where tenant_id = $4 and kind = 'INVOICE' and period = $3) as invoiced_families,
         (select coalesce(sum(total), 0)::bigint from invoices where tenant_id = $4 and kind = 'INVOICE' and period = $3) as invoiced,
         (select count(*)::int from invoice_lines where tenant_id = $4) as lines,
         (select json_agg(json_build_object('year', year, 'min', min, 'max', max, 'count', count))
            from (select year, min(sequence) as min, max(sequence) as max, count(*)::int as count
                  from invoices where tenant_id = $4 and series = 'F' group by year) s) as series`,
      [monthBounds(PERIOD).from, monthBounds(PERIOD).to, PERIOD, tenantId],
    );
    await owner.end();
    const series: { year: number; min: number; max: number; count: number }[] = check.series ?? [];
    const gapless = series.every((s) => s.min === 1 && s.max - s.min + 1 === s.count);
    const oneInvoicePerFamily =
      check.invoices === check.families && check.invoiced_families === check.families;
    const amountsMatch = String(check.invoiced) === String(check.charged);
    const runCounts =
      result.run.invoicesCreated === check.invoices && result.run.chargesInvoiced === check.charges;
    failed =
      !gapless ||
      !oneInvoicePerFamily ||
      !amountsMatch ||
      !runCounts ||
      check.uninvoiced !== 0 ||
      (!DRAFT && !batches);
    console.log(
      JSON.stringify({
        families: check.families,
        charges: check.charges,
        invoices: check.invoices,
        invoiceLines: check.lines,
        mode: DRAFT ? 'draft+promote' : 'direct',
        batches,
        seconds: Math.round(seconds * 100) / 100,
        ...(draftSeconds === null
          ? {}
          : {
              draftSeconds: Math.round(draftSeconds * 100) / 100,
              promoteSeconds: Math.round((seconds - draftSeconds) * 100) / 100,
            }),
        peakRssMb: mb(peakRss),
        rssBeforeMb: mb(rssBefore),
        gapless,
        uninvoicedCharges: check.uninvoiced,
        oneInvoicePerFamily,
        amountsMatch,
        generateSeconds: Math.round(generateSeconds),
        postgres: `${version.split(' ')[0]} (${pg.source})`,
        statisticsAtStart: statistics,
        machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      }),
    );
  } finally {
    await pg.stop();
  }
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
