import type { Queryable } from './invariants';

/**
 * The childcare places' invariants (issue #13), read as the owner like the others in
 * drills/invariants.ts, written here again in plain SQL rather than borrowed from the service they
 * check: a defect in the allocation code must not hide itself.
 */

async function rows<R = Record<string, any>>(db: Queryable, sql: string, params: unknown[]): Promise<R[]> {
  return (await db.query<R>(sql, params)).rows;
}

/** Each application's place in its queues: facility, age group, rank, registration instant. */
export interface QueueSnapshot {
  [applicationId: string]: { registeredAt: string; queues: Record<string, number> };
}

/**
 * Where every ACTIVE application stands (its rank at each facility and age group, its
 * registration instant), as the `placement_candidates` rule gives it: taken before and after the
 * window's closure and compared by `ranksUnchanged`.
 */
export async function placementQueues(db: Queryable, tenant: string): Promise<QueueSnapshot> {
  const snapshot: QueueSnapshot = {};
  for (const r of await rows(
    db,
    `select a.id, to_char(a.registered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as registered_at,
            c.facility_id, c.age_group::text as age_group, c.rank
     from placement_applications a
     join placement_candidates c on c.tenant_id = $1 and c.application_id = a.id
     where a.tenant_id = $1 and a.status = 'ACTIVE'`,
    [tenant],
  )) {
    const entry = (snapshot[r.id] ??= { registeredAt: r.registered_at, queues: {} });
    entry.queues[`${r.facility_id}:${r.age_group}`] = r.rank;
  }
  return snapshot;
}

/**
 * Ranks unchanged by a closure: every application of `before` still there keeps its registration
 * instant, and its order relative to the others of `before` at each of its queues (the applications
 * made since — at the counter, without points — may only come after them).
 */
export function ranksUnchanged(before: QueueSnapshot, after: QueueSnapshot): string[] {
  const found: string[] = [];
  const byQueue = new Map<string, [string, number, number][]>();
  for (const [id, was] of Object.entries(before)) {
    const now = after[id];
    if (!now) {
      found.push(`application ${id} left the queues during the closure`);
      continue;
    }
    if (now.registeredAt !== was.registeredAt) {
      found.push(`application ${id}: registered ${was.registeredAt}, now ${now.registeredAt}`);
    }
    for (const [queue, rank] of Object.entries(was.queues)) {
      const list = byQueue.get(queue) ?? [];
      list.push([id, rank, now.queues[queue] ?? -1]);
      byQueue.set(queue, list);
    }
  }
  for (const [queue, list] of byQueue) {
    list.sort((a, b) => a[1] - b[1]);
    for (let i = 1; i < list.length; i++) {
      const [prevId, , prevNow] = list[i - 1];
      const [id, rank, now] = list[i];
      if (now < 0 || prevNow < 0 || now <= prevNow) {
        found.push(`at ${queue}, application ${id} (rank ${rank} before) no longer after ${prevId}`);
      }
    }
  }
  return found;
}

/**
 * A round's draft is stable: no application and facility age group both prefer each other to
 * what the draft gives them (a free place left there, or someone ranked below it held there), and
 * no group holds more than its free places. Checked while the round is a DRAFT (its free places
 * are still capacity − placements − open offers); the facilities' refusals are honoured.
 */
export async function roundStable(db: Queryable, tenant: string, round: string): Promise<string[]> {
  const found: string[] = [];
  const context = `with r as (select * from allocation_rounds where tenant_id = $1 and id = $2),
     cand as (
       select c.application_id, c.facility_id, c.age_group::text as age_group, c.preference, c.rank
       from placement_candidates c, r
       where c.tenant_id = $1 and c.facility_id = any(r.facility_ids) and c.desired_start_date <= r.start_date
         and not exists (select 1 from jsonb_array_elements(r.exclusions) e
                         where e->>'applicationId' = c.application_id::text and e->>'facilityId' = c.facility_id::text)),
     free as (
       select g.facility_id, g.age_group::text as age_group, greatest(0, g.capacity - g.places_taken - (
         select count(*) from placement_offers o where o.tenant_id = g.tenant_id and o.facility_id = g.facility_id
           and o.age_group = g.age_group and o.status = 'OFFERED'))::int as free
       from facility_age_groups g, r where g.tenant_id = $1 and g.facility_id = any(r.facility_ids)),
     prop as (select application_id, facility_id, age_group::text as age_group, preference, rank
              from allocation_proposals where tenant_id = $1 and round_id = $2),
     held as (select facility_id, age_group, count(*)::int as n, max(rank) as worst from prop group by 1, 2)`;
  for (const r of await rows(
    db,
    `${context}
     select c.application_id, c.facility_id, c.age_group, c.rank, p.facility_id as got
     from cand c
     join free f on f.facility_id = c.facility_id and f.age_group = c.age_group
     left join prop p on p.application_id = c.application_id
     left join held h on h.facility_id = c.facility_id and h.age_group = c.age_group
     where f.free > 0 and (p.application_id is null or c.preference < p.preference)
       and (coalesce(h.n, 0) < f.free or c.rank < h.worst)`,
    [tenant, round],
  )) {
    found.push(
      `application ${r.application_id} (rank ${r.rank}) and ${r.facility_id}/${r.age_group} prefer each other ` +
        `to what the draft gives them (${r.got ?? 'nothing'})`,
    );
  }
  for (const r of await rows(
    db,
    `${context}
     select h.facility_id, h.age_group, h.n, f.free from held h
     join free f on f.facility_id = h.facility_id and f.age_group = h.age_group where h.n > f.free`,
    [tenant, round],
  )) {
    found.push(`${r.facility_id}/${r.age_group} is given ${r.n} children for ${r.free} free places`);
  }
  return found;
}

/** Each age group's counter equals its active placements, and neither exceeds its capacity. */
export async function placementsWithinCapacity(db: Queryable, tenant: string): Promise<string[]> {
  return (
    await rows(
      db,
      `select g.facility_id, g.age_group, g.capacity, g.places_taken, (
         select count(*) from placements p where p.tenant_id = g.tenant_id and p.facility_id = g.facility_id
           and p.age_group = g.age_group and p.status = 'ACTIVE')::int as active
       from facility_age_groups g where g.tenant_id = $1`,
      [tenant],
    )
  )
    .filter((r) => r.places_taken !== r.active || r.active > r.capacity)
    .map(
      (r) =>
        `${r.facility_id}/${r.age_group}: ${r.active} active placements, counter ${r.places_taken}, capacity ${r.capacity}`,
    );
}

/**
 * Every urgent place given since `since` (through the API) is audited with who, for whom and why:
 * an URGENT_PLACE_ALLOCATED event naming the placement, by the same principal, with the reason.
 */
export async function urgentPlacesAudited(db: Queryable, tenant: string, since: Date): Promise<string[]> {
  return (
    await rows(
      db,
      `select p.id, p.created_by from placements p
       where p.tenant_id = $1 and p.urgent and p.created_at >= $2
         and not exists (select 1 from audit_events e where e.tenant_id = p.tenant_id
           and e.action = 'URGENT_PLACE_ALLOCATED' and e.subject_id = p.id
           and e.details->>'reason' = p.urgent_reason)`,
      [tenant, since],
    )
  ).map((r) => `urgent placement ${r.id} (by ${r.created_by}) has no audit event with its reason`);
}

/**
 * Every offer that expired or was declined passed its place on: the facility age group made a
 * later offer (to another application) or still shows the place free — never a place lost.
 */
export async function expiredOffersPassedOn(db: Queryable, tenant: string, since: Date): Promise<string[]> {
  return (
    await rows(
      db,
      `select o.id, o.facility_id, o.age_group from placement_offers o
       where o.tenant_id = $1 and o.status in ('EXPIRED', 'DECLINED') and o.answered_at >= $2
         and not exists (select 1 from placement_offers n where n.tenant_id = o.tenant_id
           and n.facility_id = o.facility_id and n.age_group = o.age_group and n.offered_at > o.answered_at
           and n.application_id <> o.application_id)`,
      [tenant, since],
    )
  ).map((r) => `offer ${r.id} at ${r.facility_id}/${r.age_group} ended and its place was not offered again`);
}
