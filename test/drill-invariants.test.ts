import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import {
  billedExactlyOnce,
  capacityNeverExceeded,
  instalmentsAddUp,
  invoiceNumbersGapless,
  placesGivenInRankOrder,
} from '../drills/invariants';
import { clockFromEnv, writeClockFile } from '../src/shared/clock';
import { rawClient, Role, startTestApp, token } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The drills' invariants (drills/invariants.ts) name what is broken: on a tenant of its own, the
 * test checks they hold, then tampers with the database behind the API's back — an extra charge,
 * a place taken twice, a rank changed, an invoice number skipped — and each check names the damage.
 * Every tampering is rolled back (a transaction per case), so the cases do not add up.
 */
describe('drill invariants catch what the API would never do', () => {
  let tenantId: string;
  let owner: Client;

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'beziers',
      { slug: 'test-drill-invariants', families: 40, seed: 1818 },
      new Date('2026-12-01T08:00:00Z'),
      3,
      DEMO_ACTIVITY,
    );
    owner = await rawClient('owner');
    // November's invoices, issued as the month-end run would (through the API), for the numbering case.
    const app = await startTestApp();
    try {
      app.setNow('2026-12-02T08:00:00Z');
      const run = await app.gql(
        `mutation($i: RunBillingInput!) { runBilling(input: $i) { billingRun { invoicesCreated } userErrors { code } } }`,
        { i: { period: '2026-11', idempotencyKey: randomUUID() } },
        { token: await token('test-drill-invariants', Role.TENANT_ADMIN) },
      );
      expect(run.data.runBilling.billingRun.invoicesCreated).toBeGreaterThan(1);
    } finally {
      await app.close();
    }
  });
  afterAll(async () => {
    await owner?.end();
  });

  /** Runs `tamper` in a transaction, then `check` inside it; rolled back whatever happens. */
  async function tampered(
    tamper: string,
    params: unknown[],
    check: () => Promise<string[]>,
  ): Promise<string[]> {
    await owner.query('begin');
    try {
      await owner.query(tamper, params);
      return await check();
    } finally {
      await owner.query('rollback');
    }
  }

  it('hold on the seeded tenant', async () => {
    expect(await billedExactlyOnce(owner, tenantId)).toEqual([]);
    expect(await capacityNeverExceeded(owner, tenantId, 'CANTEEN')).toEqual([]);
    expect(await placesGivenInRankOrder(owner, tenantId)).toEqual([]);
    expect(await instalmentsAddUp(owner, tenantId)).toEqual([]);
    expect(await invoiceNumbersGapless(owner, tenantId)).toEqual([]);
  });

  it('an extra charge (for a lunch booked but not eaten yet) is named with its reservation', async () => {
    const {
      rows: [charge],
    } = await owner.query(
      `select c.id, r.id as reservation from charges c, reservations r
       where c.tenant_id = $1 and c.reservation_id is not null and r.tenant_id = $1 and r.status = 'BOOKED'
       limit 1`,
      [tenantId],
    );
    const found = await tampered(
      `insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity,
         unit_price, amount, currency, created_at)
       select gen_random_uuid(), c.tenant_id, r.family_id, r.child_id, r.id, s.service_id, s.date, 'ATTENDED', 1,
         c.unit_price, c.unit_price, c.currency, now()
       from charges c, reservations r join sessions s on s.id = r.session_id where c.id = $1 and r.id = $2`,
      [charge.id, charge.reservation],
      () => billedExactlyOnce(owner, tenantId),
    );
    expect(found).toEqual([`reservation ${charge.reservation} (BOOKED) has 1 charges`]);
  });

  it('a place taken twice (a child booked on a full session behind the API) is named with its session', async () => {
    const {
      rows: [session],
    } = await owner.query(
      `select s.id, s.capacity, s.date from sessions s join services v on v.id = s.service_id
       where s.tenant_id = $1 and v.kind = 'CANTEEN' and s.places_taken > 0 order by s.date limit 1`,
      [tenantId],
    );
    const {
      rows: [child],
    } = await owner.query(
      `select c.id, c.family_id from children c where c.tenant_id = $1
         and not exists (select 1 from reservations r join sessions x on x.id = r.session_id
                         where r.child_id = c.id and x.date = $2) limit 1`,
      [tenantId, session.date],
    );
    // The session is full by its count; one more child holds a place the count never gave.
    const found = await tampered(
      `with full_session as (update sessions set capacity = places_taken where id = $1)
       insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
       values (gen_random_uuid(), $2, $1, $3, $4, 'BOOKED', 'COUNTER', 'tampering', now(), now())`,
      [session.id, tenantId, child.id, child.family_id],
      () => capacityNeverExceeded(owner, tenantId, 'CANTEEN'),
    );
    expect(found).toEqual([expect.stringContaining(`session ${session.id}`)]);
    expect(found[0]).toMatch(/places held for a capacity of/);
  });

  it('a rank changed behind the API’s back (an entry now ahead of one already given a place) is named', async () => {
    // A booked child and another who is not: the first given its place by the waitlist, the second
    // waiting behind it — in rank order, the check holds…
    const {
      rows: [pair],
    } = await owner.query(
      `select r.id as reservation, r.session_id, r.child_id, r.family_id, c.id as other, c.family_id as other_family
       from reservations r join sessions s on s.id = r.session_id
       join children c on c.tenant_id = r.tenant_id and c.id <> r.child_id
         and not exists (select 1 from reservations x where x.session_id = r.session_id and x.child_id = c.id)
       where r.tenant_id = $1 and r.status = 'BOOKED' limit 1`,
      [tenantId],
    );
    expect(pair).toBeDefined();
    const entry = `insert into waitlist_entries (id, tenant_id, session_id, child_id, family_id, status, priority_points,
         criteria, manual_points, joined_at, channel, created_by, reservation_id, updated_at)
       values ($1, $2, $3, $4, $5, $6, 0, '[]', 0, $7, 'ONLINE', 'test', $8, now())`;
    const promoted = randomUUID();
    const waiting = randomUUID();
    await owner.query('begin');
    try {
      await owner.query(entry, [
        promoted,
        tenantId,
        pair.session_id,
        pair.child_id,
        pair.family_id,
        'PROMOTED',
        '2026-11-20T10:00:00Z',
        pair.reservation,
      ]);
      await owner.query(entry, [
        waiting,
        tenantId,
        pair.session_id,
        pair.other,
        pair.other_family,
        'WAITING',
        '2026-11-20T10:05:00Z',
        null,
      ]);
      expect(await placesGivenInRankOrder(owner, tenantId)).toEqual([]);
      // …then the waiting entry is moved ahead of it: a place went out of order.
      await owner.query(
        `update waitlist_entries set joined_at = joined_at - interval '1 hour' where id = $1`,
        [waiting],
      );
      const found = await placesGivenInRankOrder(owner, tenantId);
      expect(found).toEqual([
        expect.stringContaining(`entry ${promoted} got a place while ${waiting}, ahead of it`),
      ]);
    } finally {
      await owner.query('rollback');
    }
  });

  it('an invoice number skipped is named with its series', async () => {
    const {
      rows: [invoice],
    } = await owner.query(
      `select id, series, year from invoices where tenant_id = $1 order by sequence desc limit 1`,
      [tenantId],
    );
    expect(invoice).toBeDefined();
    const found = await tampered(
      `update invoices set sequence = sequence + 1 where id = $1`,
      [invoice.id],
      () => invoiceNumbersGapless(owner, tenantId),
    );
    expect(found).toEqual([expect.stringContaining(`series ${invoice.series}${invoice.year ?? ''}`)]);
  });
});

describe('the drill clock (GUICHET_CLOCK_FILE)', () => {
  it('follows the file outside production, running on in real time', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-clock-')), 'clock.json');
    const now = clockFromEnv({ GUICHET_CLOCK_FILE: file, NODE_ENV: 'test' });
    const before = Date.now();
    expect(Math.abs(now().getTime() - before)).toBeLessThan(1000); // no file yet: the real clock
    writeClockFile(file, new Date('2027-06-04T10:30:00Z'));
    const read = now().getTime() - Date.parse('2027-06-04T10:30:00Z');
    expect(read).toBeGreaterThanOrEqual(0);
    expect(read).toBeLessThan(1000);
    writeClockFile(file, new Date('2028-01-04T08:00:00Z'));
    expect(now().toISOString().slice(0, 13)).toBe('2028-01-04T08');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('is refused in production', () => {
    expect(() => clockFromEnv({ GUICHET_CLOCK_FILE: '/tmp/clock.json', NODE_ENV: 'production' })).toThrow(
      /must not be set in production/,
    );
    expect(clockFromEnv({ NODE_ENV: 'production' })().getTime()).toBeGreaterThan(0);
  });
});
