import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import {
  billedExactlyOnce,
  capacityNeverExceeded,
  instalmentsAddUp,
  invoiceNumbersGapless,
  placesGivenInRankOrder,
} from '../drills/invariants';
import { rawClient } from './support/app';
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

  it('an extra charge for a lunch already charged is named with its reservation', async () => {
    const {
      rows: [charge],
    } = await owner.query(
      `select id, reservation_id from charges where tenant_id = $1 and reservation_id is not null limit 1`,
      [tenantId],
    );
    const found = await tampered(
      `insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity,
         unit_price, amount, currency, created_at)
       select gen_random_uuid(), tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity,
         unit_price, amount, currency, now() from charges where id = $1`,
      [charge.id],
      () => billedExactlyOnce(owner, tenantId),
    );
    expect(found).toEqual([expect.stringContaining(`reservation ${charge.reservation_id}`)]);
    expect(found[0]).toContain('has 2 charges');
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
    // A promoted entry and a waiting one on the same session, in rank order: the check holds…
    const {
      rows: [pair],
    } = await owner.query(
      `select w.id as waiting, w.session_id, r.id as reservation, r.child_id, r.family_id, w.joined_at, w.priority_points
       from waitlist_entries w
       join reservations r on r.session_id = w.session_id and r.status = 'BOOKED'
       where w.tenant_id = $1 and w.status = 'WAITING' and w.group_id is null limit 1`,
      [tenantId],
    );
    expect(pair).toBeDefined();
    await owner.query('begin');
    try {
      await owner.query(
        `insert into waitlist_entries (id, tenant_id, session_id, child_id, family_id, status, priority_points, criteria,
           manual_points, joined_at, channel, created_by, reservation_id, updated_at)
         values (gen_random_uuid(), $1, $2, $3, $4, 'PROMOTED', $5, '[]', 0, $6::timestamptz - interval '1 minute',
           'ONLINE', 'test', $7, now())`,
        [
          tenantId,
          pair.session_id,
          pair.child_id,
          pair.family_id,
          pair.priority_points,
          pair.joined_at,
          pair.reservation,
        ],
      );
      expect(await placesGivenInRankOrder(owner, tenantId)).toEqual([]);
      // …then the waiting entry is moved ahead of it: a place went out of order.
      await owner.query(
        `update waitlist_entries set joined_at = joined_at - interval '1 hour' where id = $1`,
        [pair.waiting],
      );
      const found = await placesGivenInRankOrder(owner, tenantId);
      expect(found).toEqual([expect.stringContaining(`while ${pair.waiting}, ahead of it, still waits`)]);
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
