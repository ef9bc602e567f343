import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import {
  expiredOffersPassedOn,
  placementQueues,
  placementsWithinCapacity,
  ranksUnchanged,
  roundStable,
  urgentPlacesAudited,
} from '../drills/placement-invariants';
import { rawClient } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * The Québec drill's invariants (drills/placement-invariants.ts) on the seeded Québec demo: they
 * hold, then each names the damage done behind the API's back — a rank changed during the
 * closure, a place taken twice, a round's draft that is not stable or gives too many places, an
 * urgent place without its audit, an expired offer whose place was never offered again. Every
 * tampering is rolled back.
 */
describe('the childcare places drill invariants catch what the API would never do', () => {
  let tenantId: string;
  let owner: Client;
  const since = new Date('2026-01-01T00:00:00Z');

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'quebec',
      { slug: 'test-drill-placements', seed: 1313 },
      new Date('2026-12-01T08:00:00Z'),
      1,
      DEMO_ACTIVITY,
    );
    owner = await rawClient('owner');
  }, 120_000);
  afterAll(async () => {
    await owner?.end();
  });

  /** Runs the `tamper` statements in a transaction, then `check` inside it; rolled back whatever happens. */
  async function tampered<T>(
    tamper: string | string[],
    params: unknown[],
    check: () => Promise<T>,
  ): Promise<T> {
    await owner.query('begin');
    try {
      for (const statement of [tamper].flat()) await owner.query(statement, params);
      return await check();
    } finally {
      await owner.query('rollback');
    }
  }

  /** The busiest queue's first and last applications. */
  async function busiestQueue() {
    const { rows } = await owner.query(
      `select facility_id, age_group::text as age_group,
              (array_agg(application_id order by rank))[1] as first,
              (array_agg(application_id order by rank desc))[1] as last
       from placement_candidates where tenant_id = $1 group by 1, 2 order by count(*) desc limit 1`,
      [tenantId],
    );
    return rows[0] as { facility_id: string; age_group: string; first: string; last: string };
  }

  it('hold on the seeded tenant', async () => {
    const queues = await placementQueues(owner, tenantId);
    expect(Object.keys(queues).length).toBeGreaterThan(20);
    expect(ranksUnchanged(queues, queues)).toEqual([]);
    expect(await placementsWithinCapacity(owner, tenantId)).toEqual([]);
    expect(await urgentPlacesAudited(owner, tenantId, since)).toEqual([]);
    expect(await expiredOffersPassedOn(owner, tenantId, since)).toEqual([]);
    // On the suite's shared database (every suite's tenants, no ANALYZE yet) these whole-tenant
    // reads took over 60 s once in CI; a drill's own database answers them in milliseconds.
  }, 180_000);

  it('a rank changed during the closure (a criterion verified behind the API) is named', async () => {
    const before = await placementQueues(owner, tenantId);
    const queue = await busiestQueue();
    // The last one in line jumps ahead: 1,000 points of a criterion nobody verified.
    const after = await tampered(
      `with c as (insert into admission_criteria (id, tenant_id, code, label, points)
                  values (gen_random_uuid(), $1, 'TAMPERED', 'tampered', 1000) returning code)
       insert into application_criteria (tenant_id, application_id, code, status)
       select $1, $2, code, 'VERIFIED' from c`,
      [tenantId, queue.last],
      () => placementQueues(owner, tenantId),
    );
    const found = ranksUnchanged(before, after);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`application ${queue.last} .*no longer after`)),
      ]),
    );
  });

  it('a registration instant rewritten behind the API is named', async () => {
    const before = await placementQueues(owner, tenantId);
    const { first } = await busiestQueue();
    const after = await tampered(
      [
        `alter table placement_applications disable trigger user`,
        `update placement_applications set registered_at = registered_at + interval '1 day' where id = '${first}'`,
      ],
      [],
      () => placementQueues(owner, tenantId),
    );
    expect(ranksUnchanged(before, after)).toEqual(
      expect.arrayContaining([expect.stringContaining(`application ${first}: registered`)]),
    );
  });

  it('a place taken twice (a placement the age group never counted) is named with its group', async () => {
    const found = await tampered(
      `insert into placements (id, tenant_id, child_id, family_id, facility_id, age_group, start_date, days_per_week,
         full_time, created_by, created_at)
       select gen_random_uuid(), p.tenant_id, c.id, c.family_id, p.facility_id, p.age_group, p.start_date, 5, true, 'tampering', now()
       from placements p, children c where p.tenant_id = $1 and c.tenant_id = $1 and c.id <> p.child_id limit 1`,
      [tenantId],
      () => placementsWithinCapacity(owner, tenantId),
    );
    expect(found).toEqual([expect.stringMatching(/active placements, counter \d+, capacity/)]);
  });

  it('a draft that leaves the first in line without a free place, or gives too many, is named', async () => {
    const queue = await busiestQueue();
    const round = '00000000-0000-4000-8000-000000000013';
    const draft = [
      `insert into allocation_rounds (id, tenant_id, start_date, facility_ids, stable, applications,
        free_places, created_by, created_at) values ('${round}', $1, '2030-01-01', array['${queue.facility_id}']::uuid[],
        true, 0, 0, 'tampering', now())`,
      `update facility_age_groups set capacity = places_taken + 1 where tenant_id = $1 and facility_id = '${queue.facility_id}'`,
    ];
    // Nobody proposed although a place is free: the first in line and the group prefer each other.
    const empty = await tampered(draft, [tenantId], () => roundStable(owner, tenantId, round));
    expect(empty).toEqual(
      expect.arrayContaining([expect.stringContaining(`application ${queue.first} (rank 1)`)]),
    );
    // The last in line holds the group's only place: the first blocks with it.
    const unfair = await tampered(
      [
        ...draft,
        `insert into allocation_proposals (id, tenant_id, round_id, application_id, facility_id, age_group, preference, rank)
       select gen_random_uuid(), tenant_id, '${round}', application_id, facility_id, age_group, preference, rank
       from placement_candidates where tenant_id = $1 and application_id in ('${queue.last}', '${queue.first}')
         and facility_id = '${queue.facility_id}'`,
      ],
      [tenantId],
      () => roundStable(owner, tenantId, round),
    );
    expect(unfair).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`/${queue.age_group} is given 2 children for 1 free places`)),
      ]),
    );
  });

  it('an urgent place without its audit, and an expired offer never offered again, are named', async () => {
    const urgent = await tampered(
      `insert into placements (id, tenant_id, child_id, family_id, facility_id, age_group, start_date, days_per_week,
         full_time, urgent, urgent_reason, created_by, created_at)
       select gen_random_uuid(), p.tenant_id, p.child_id, p.family_id, p.facility_id, p.age_group, p.start_date, 5, true,
         true, 'tampered', 'tampering', now()
       from placements p where p.tenant_id = $1 and p.urgent limit 1`,
      [tenantId],
      () => urgentPlacesAudited(owner, tenantId, since),
    );
    expect(urgent).toEqual([
      expect.stringMatching(/urgent placement .* \(by tampering\) has no audit event/),
    ]);
    const queue = await busiestQueue();
    const expired = await tampered(
      `insert into placement_offers (id, tenant_id, application_id, facility_id, age_group, start_date, status,
         offered_by, offered_at, expires_at, answered_at)
       values (gen_random_uuid(), $1, $2, $3, $4::placement_age_group, '2030-01-01', 'EXPIRED', 'tampering',
         now() - interval '8 days', now() - interval '1 day', now() - interval '1 day')`,
      [tenantId, queue.first, queue.facility_id, queue.age_group],
      () => expiredOffersPassedOn(owner, tenantId, since),
    );
    expect(expired).toEqual([expect.stringContaining(`its place was not offered again`)]);
  });
});
