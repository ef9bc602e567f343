import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import {
  compareEntries,
  criteriaMet,
  inQueueOrder,
  offerDeadline,
  offerReminderAt,
  priorityPoints,
  type Queued,
} from '../src/waitlists/ordering';
import { WaitlistCriterionKind, WaitlistOrdering } from '../src/tenants/waitlist-settings';
import { rawClient } from './support/app';
import { seedTestTenant } from './support/tenants';

const GROUPS = [randomUUID(), randomUUID(), randomUUID()];
const entryArb = fc.record({
  id: fc.uuid(),
  priorityPoints: fc.integer({ min: -5, max: 5 }),
  // Few distinct instants: ties on time are common, as under a rush.
  joinedAt: fc.integer({ min: 0, max: 4 }).map((m) => new Date(Date.UTC(2026, 5, 4, 10, 30, m))),
  // A few sibling groups among entries waiting alone.
  groupId: fc.option(fc.constantFrom(...GROUPS), { nil: null }),
});
const listArb = fc.uniqueArray(entryArb, { selector: (e) => e.id, minLength: 1, maxLength: 30 });
/** Entries waiting alone: the pairwise order of compareEntries holds between neighbours. */
const soloListArb = listArb.map((list) => list.map((e) => ({ ...e, groupId: null })));
const orderings = fc.constantFrom(WaitlistOrdering.FIFO, WaitlistOrdering.PRIORITY_THEN_FIFO);

describe('waitlist ordering rules', () => {
  it('is a total order: deterministic whatever the order entries arrive in, never a tie', () => {
    fc.assert(
      fc.property(soloListArb, orderings, fc.func(fc.integer()), (entries, ordering, shuffle) => {
        const shuffled = [...entries].sort((a, b) => shuffle(a.id) - shuffle(b.id) || (a.id < b.id ? -1 : 1));
        const one = inQueueOrder(entries, ordering).map((e) => e.id);
        expect(inQueueOrder(shuffled, ordering).map((e) => e.id)).toEqual(one);
        for (let i = 1; i < one.length; i++) {
          const [a, b] = [entries.find((e) => e.id === one[i - 1])!, entries.find((e) => e.id === one[i])!];
          expect(compareEntries(ordering)(a, b)).toBeLessThan(0);
        }
      }),
    );
  });

  it('FIFO: earlier instant first, then the smaller id; points play no part', () => {
    fc.assert(
      fc.property(soloListArb, (entries) => {
        const order = inQueueOrder(entries, WaitlistOrdering.FIFO);
        for (let i = 1; i < order.length; i++) {
          const [a, b] = [order[i - 1], order[i]];
          expect(a.joinedAt < b.joinedAt || (+a.joinedAt === +b.joinedAt && a.id < b.id)).toBe(true);
        }
      }),
    );
  });

  it('PRIORITY_THEN_FIFO: more points first; among equal points, first come', () => {
    fc.assert(
      fc.property(soloListArb, (entries) => {
        const order = inQueueOrder(entries, WaitlistOrdering.PRIORITY_THEN_FIFO);
        for (let i = 1; i < order.length; i++) {
          const [a, b] = [order[i - 1], order[i]];
          expect(a.priorityPoints >= b.priorityPoints).toBe(true);
          if (a.priorityPoints === b.priorityPoints) expect(+a.joinedAt <= +b.joinedAt).toBe(true);
        }
      }),
    );
  });

  it('a sibling group is one unit: its members one after the other, where its best-placed member would be', () => {
    fc.assert(
      fc.property(listArb, orderings, fc.func(fc.integer()), (entries, ordering, shuffle) => {
        const order = inQueueOrder(entries, ordering);
        const shuffled = [...entries].sort((a, b) => shuffle(a.id) - shuffle(b.id) || (a.id < b.id ? -1 : 1));
        expect(inQueueOrder(shuffled, ordering).map((e) => e.id)).toEqual(order.map((e) => e.id));
        const alone = inQueueOrder(
          entries.map((e) => ({ ...e, groupId: null, group: e.groupId })),
          ordering,
        );
        for (const group of GROUPS) {
          const at = order.flatMap((e, i) => (e.groupId === group ? [i] : []));
          if (at.length === 0) continue;
          expect(at[at.length - 1] - at[0]).toBe(at.length - 1);
          // Its first member is the member that would come first alone: the group keeps that rank.
          const best = alone.find((e) => e.group === group)!;
          expect(order[at[0]].id).toBe(best.id);
          // Each unit ahead of the group is there by its own best member, who comes first alone too.
          const aheadAlone = new Set(alone.slice(0, alone.indexOf(best)).map((e) => e.id));
          const heads = order
            .slice(0, at[0])
            .filter((e, i, ahead) => !e.groupId || ahead.findIndex((o) => o.groupId === e.groupId) === i);
          for (const head of heads) expect(aheadAlone.has(head.id)).toBe(true);
        }
      }),
    );
  });

  it("counts the tenant's criteria the family meets, plus an agent's adjustment", () => {
    const settings = [
      { kind: WaitlistCriterionKind.SIBLING_BOOKED, label: 'Fratrie', points: 10 },
      { kind: WaitlistCriterionKind.SOCIAL_PRIORITY, label: 'Priorité sociale', points: 50 },
      { kind: WaitlistCriterionKind.RESIDENT, label: 'Habitant', points: 5, postalCodes: ['34500'] },
    ];
    const met = criteriaMet(settings, {
      siblingBookedThatDay: true,
      socialPriority: false,
      postalCode: '34500',
    });
    expect(met.map((c) => c.kind)).toEqual(['SIBLING_BOOKED', 'RESIDENT']);
    expect(priorityPoints(met, -3)).toBe(12);
    expect(
      criteriaMet(settings, { siblingBookedThatDay: false, socialPriority: false, postalCode: '34000' }),
    ).toEqual([]);
  });

  it('an offer lasts its hours but never past booking close; a reminder 12 h before, or halfway', () => {
    const now = new Date('2026-12-01T08:00:00Z');
    expect(offerDeadline(now, 24, new Date('2026-12-13T11:00:00Z'))).toEqual(
      new Date('2026-12-02T08:00:00Z'),
    );
    expect(offerDeadline(now, 72, new Date('2026-12-02T11:00:00Z'))).toEqual(
      new Date('2026-12-02T11:00:00Z'),
    );
    expect(offerDeadline(now, 24, now)).toBeNull();
    expect(offerReminderAt(now, new Date('2026-12-02T08:00:00Z'))).toEqual(new Date('2026-12-01T20:00:00Z'));
    expect(offerReminderAt(now, new Date('2026-12-01T14:00:00Z'))).toEqual(new Date('2026-12-01T11:00:00Z'));
    expect(offerReminderAt(now, new Date('2026-12-01T09:00:00Z'))).toBeNull();
  });

  describe('in PostgreSQL', () => {
    let owner: Client;
    let tenantId: string;
    let session: { id: string; service_id: string };
    let children: { id: string; family_id: string }[];
    beforeAll(async () => {
      tenantId = await seedTestTenant(
        'beziers',
        { slug: 'test-wl-order', families: 40, seed: 99 },
        new Date('2026-12-01T08:00:00Z'),
        2,
      );
      owner = await rawClient('owner');
      session = (
        await owner.query(
          `select s.id, s.service_id from sessions s join services v on v.id = s.service_id
           where s.tenant_id = $1 and v.kind = 'LEISURE_CENTRE' order by s.date limit 1`,
          [tenantId],
        )
      ).rows[0];
      children = (
        await owner.query('select id, family_id from children where tenant_id = $1 order by id limit 30', [
          tenantId,
        ])
      ).rows;
    });
    afterAll(() => owner.end());

    it('the waitlist_queue view ranks as compareEntries does, under both orderings', async () => {
      await fc.assert(
        fc.asyncProperty(listArb, orderings, async (generated, ordering) => {
          const entries: Queued[] = generated
            .slice(0, children.length)
            .map((e) => ({ ...e, id: randomUUID() }));
          await owner.query('begin');
          try {
            await owner.query('update services set waitlist_ordering = $2 where id = $1', [
              session.service_id,
              ordering,
            ]);
            for (const [i, e] of entries.entries()) {
              await owner.query(
                `insert into waitlist_entries (id, tenant_id, session_id, child_id, family_id, priority_points, joined_at, group_id, channel, created_by, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, 'ONLINE', 'test', now())`,
                [
                  e.id,
                  tenantId,
                  session.id,
                  children[i].id,
                  children[i].family_id,
                  e.priorityPoints,
                  e.joinedAt,
                  e.groupId ?? null,
                ],
              );
            }
            const { rows } = await owner.query(
              'select id, rank::int, waiting_count::int, group_size::int from waitlist_queue where session_id = $1 order by rank',
              [session.id],
            );
            expect(rows.map((r) => r.id)).toEqual(inQueueOrder(entries, ordering).map((e) => e.id));
            expect(rows.every((r) => r.waiting_count === entries.length)).toBe(true);
            const sizes = entries.map(
              (e) => entries.filter((o) => e.groupId && o.groupId === e.groupId).length || 1,
            );
            expect(rows.map((r) => r.group_size)).toEqual(
              rows.map((r) => sizes[entries.findIndex((e) => e.id === r.id)]),
            );
          } finally {
            await owner.query('rollback');
          }
        }),
        { numRuns: 25 },
      );
    });
  });
});
