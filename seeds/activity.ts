import type { EntityManager } from '@mikro-orm/postgresql';
import { openDays, type ServiceCalendar, type TenantCalendars } from '../src/calendars/closures';
import { addDays } from '../src/shared/dates';

/**
 * What the demo shows around today, so that every story (roll call, meal counts, billing, booking)
 * can be replayed on any day of the year, holidays included. Test tenants leave it out and get
 * the coming weeks only (plus Saint-Nazaire's history when their definition has it).
 */
export interface RecentActivity {
  /** Each service's sessions reach back at least this many weeks, with the roll taken and charges… */
  pastWeeks: number;
  /** …and further back (up to {@link MAX_WEEKS}) until it has this many open days (after the summer). */
  pastOpenDays: number;
  /** Each service has this many open days ahead at least (the window grows through holidays). */
  upcomingOpenDays: number;
  /** Sessions from today until this many days ahead are already booked by families (NORMAL mode). */
  bookedDays: number;
}

/** How far a window may grow to find open days (a summer holiday is 8 weeks). */
const MAX_WEEKS = 16;

/** The dates of a service's sessions: recent open days (with `activity`), today and the weeks ahead. */
export function sessionDays(
  weekdays: number[],
  tenant: TenantCalendars,
  service: ServiceCalendar,
  today: string,
  weeksAhead: number,
  activity?: RecentActivity,
): string[] {
  const days = (from: string, to: string) => openDays(from, to, weekdays, tenant, service);
  const ahead = days(today, addDays(today, weeksAhead * 7 - 1));
  if (!activity) return ahead;
  const upcoming =
    ahead.length >= activity.upcomingOpenDays
      ? ahead
      : days(today, addDays(today, MAX_WEEKS * 7 - 1)).slice(
          0,
          Math.max(ahead.length, activity.upcomingOpenDays),
        );
  const yesterday = addDays(today, -1);
  const recent = days(addDays(today, -activity.pastWeeks * 7), yesterday);
  const past =
    recent.length >= activity.pastOpenDays
      ? recent
      : days(addDays(today, -MAX_WEEKS * 7), yesterday).slice(-activity.pastOpenDays);
  return [...past, ...upcoming];
}

/** The sessions of one service, inserted in bulk once the services are flushed. */
export interface SessionPlan {
  serviceId: string;
  facilityId: string | null;
  capacity: number;
  dates: string[];
  periods: string[];
}

type Run = (sql: string, params: unknown[]) => Promise<unknown>;

const runner =
  (tx: EntityManager): Run =>
  (sql, params) =>
    tx.execute(sql, params, 'run', tx.getLoggerContext());

/** Every session of the tenant in one statement (PostgreSQL's calendar trigger checks each date). */
export async function insertSessions(
  tx: EntityManager,
  tenantId: string,
  plans: SessionPlan[],
): Promise<void> {
  const rows = plans.filter((p) => p.dates.length && p.periods.length);
  if (rows.length === 0) return;
  await runner(tx)(
    `insert into sessions (id, tenant_id, service_id, facility_id, date, period, capacity, places_taken, walk_ins)
     select gen_random_uuid(), ?, p.service_id, p.facility_id, d.value::date, pe.value::session_period, p.capacity, 0, 0
     from json_to_recordset(?::json) as p(service_id uuid, facility_id uuid, capacity int, dates json, periods json)
     cross join json_array_elements_text(p.dates) d
     cross join json_array_elements_text(p.periods) pe`,
    [
      tenantId,
      JSON.stringify(
        rows.map((p) => ({
          service_id: p.serviceId,
          facility_id: p.facilityId,
          capacity: p.capacity,
          dates: p.dates,
          periods: p.periods,
        })),
      ),
    ],
  );
}

/** How the seeded reservations of a window came about. */
type Story =
  /** Before today, in WALK_IN mode: children ate without a reservation, recorded by the roll call. */
  | 'walk-in'
  /** Before today: booked a week ahead, then the roll call (mostly present). */
  | 'attended'
  /** From today: booked a week ahead (or as soon as it was seeded), the roll not taken yet. */
  | 'booked';

/**
 * Reservations for the tenant's sessions dated in [from, until), with their charges and the
 * sessions' places, in one statement whatever the size (a few thousand rows a tenant, Saint-Nazaire's
 * months of lunches thirty thousand). Who comes is drawn per child and day by a hash: about
 * `rate` percent of the children a session is for — a school's pupils for its canteen and
 * périscolaire, a crèche's children for it, any school child for the leisure centre (more of them
 * than places) — up to the session's places (its facility's, for walk-ins). Booked children came,
 * but about one in twenty was absent without a reason (billed where the service says so) and one
 * in twenty off sick with a certificate (not billed). Each billable outcome has its one charge,
 * priced from the grid for the family's quotient (the top bracket without one), not invoiced.
 *
 * One statement, each table reached by its keys: on tables just filled, without statistics yet,
 * the planner has nothing to get wrong.
 */
async function reserve(
  tx: EntityManager,
  tenantId: string,
  window: { from: string | null; until: string },
  story: Story,
): Promise<void> {
  const draw = `abs(hashtext(d.child_id::text || d.date::text || 'outcome')) % 20`;
  const status = {
    'walk-in': `'ATTENDED'`,
    attended: `case ${draw} when 0 then 'ABSENT_UNJUSTIFIED' when 1 then 'ABSENT_JUSTIFIED' else 'ATTENDED' end`,
    booked: `'BOOKED'`,
  }[story];
  const chargeReason = `case
      when a.status = 'ATTENDED' and a.channel = 'WALK_IN' then 'WALK_IN'
      when a.status = 'ATTENDED' then 'ATTENDED'
      when a.status = 'ABSENT_UNJUSTIFIED' and a.bills_absence then 'UNJUSTIFIED_ABSENCE' end`;
  const sick = (value: string) => `case when a.status = 'ABSENT_JUSTIFIED' then ${value} end`;
  const created = story === 'walk-in' ? 'a.midday' : `least(now(), a.midday - interval '7 days')`;
  const recorded = story === 'booked' ? 'null' : 'a.midday';
  const sickness = `(select r.id from absence_reasons r where r.tenant_id = a.tenant_id and r.code = 'SICKNESS')`;
  await tx.execute(
    `with target as (
       select s.tenant_id, s.id as session_id, s.date, s.period, s.facility_id, s.service_id, s.capacity,
              greatest(s.capacity, coalesce(f.capacity, 0)) as room, sv.kind, t.time_zone, t.currency,
              sv.booking_bills_unjustified_absence as bills_absence,
              case sv.kind when 'CANTEEN' then 75 when 'PERISCHOOL' then 35 when 'NURSERY' then 70 else 50 end as rate
       from sessions s
       join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
       join tenants t on t.id = s.tenant_id
       left join facilities f on f.tenant_id = s.tenant_id and f.id = s.facility_id
       where s.tenant_id = ? and s.date >= coalesce(?::date, '-infinity') and s.date < ?::date
     ), pupil as (
       select tg.*, c.id as child_id, c.family_id
       from target tg join children c on c.tenant_id = tg.tenant_id and c.school_id = tg.facility_id
       where tg.kind <> 'LEISURE_CENTRE'
       union all
       select tg.*, c.id as child_id, c.family_id
       from target tg
       join children c on c.tenant_id = tg.tenant_id
       join facilities sch on sch.tenant_id = c.tenant_id and sch.id = c.school_id and sch.kind = 'SCHOOL'
       where tg.kind = 'LEISURE_CENTRE'
     ), drawn as (
       select p.*, row_number() over (partition by p.session_id order by hashtext(p.child_id::text || p.date::text)) as rank
       from pupil p
       where abs(hashtext(p.child_id::text || p.date::text || p.period::text)) % 100 < p.rate
         ${
           // The family the token command picks by default (the first by name) has booked nothing
           // ahead: a newcomer trying the booking story finds its children's sessions open.
           story === 'booked'
             ? `and p.family_id <> (select id from families f where f.tenant_id = p.tenant_id order by f.name, f.id limit 1)`
             : ''
         }
     ), a as materialized (
       select gen_random_uuid() as id, d.*, (${status})::reservation_status as status,
              '${story === 'walk-in' ? 'WALK_IN' : 'ONLINE'}'::reservation_channel as channel,
              ((d.date + time '12:15') at time zone d.time_zone) as midday, fam.family_quotient
       from drawn d
       join families fam on fam.tenant_id = d.tenant_id and fam.id = d.family_id
       where d.rank <= ${story === 'walk-in' ? 'd.room' : 'd.capacity'}
     ), reserved as (
       insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by,
         created_at, updated_at, attendance_recorded_at, absence_reason_id, absence_document_ref)
       select a.id, a.tenant_id, a.session_id, a.child_id, a.family_id, a.status, a.channel, 'seed',
              ${created}, ${story === 'booked' ? created : 'a.midday'}, ${recorded},
              ${sick(sickness)}, ${sick(`'certificat-' || left(md5(a.child_id::text || a.date::text), 6)`)}
       from a
       returning id
     ), placed as (
       update sessions s
       set places_taken = s.places_taken + n.taken, walk_ins = s.walk_ins + n.walk_ins
       from (select a.session_id,
                    count(*) filter (where a.channel <> 'WALK_IN')::int as taken,
                    count(*) filter (where a.channel = 'WALK_IN')::int as walk_ins
             from a group by a.session_id) n
       where s.tenant_id = ? and s.id = n.session_id
       returning s.id
     )
     insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity,
       unit_price, amount, currency, created_at)
     select gen_random_uuid(), a.tenant_id, a.family_id, a.child_id, a.id, a.service_id, a.date, b.reason, 1,
            p.unit_price, p.unit_price, a.currency, a.midday
     from a
     cross join lateral (select ${chargeReason} as reason) b
     join lateral (
       select pb.unit_price from price_brackets pb
       where pb.tenant_id = a.tenant_id and pb.service_id = a.service_id and pb.valid_from <= a.date
         and (pb.valid_to is null or pb.valid_to >= a.date)
         and (a.family_quotient is null
              or (pb.min_quotient <= a.family_quotient and (pb.max_quotient is null or a.family_quotient < pb.max_quotient)))
       order by pb.min_quotient desc limit 1
     ) p on true
     -- (PostgreSQL runs the data-modifying CTEs above whether or not this part reads them.)
     where b.reason is not null`,
    [tenantId, window.from, window.until, tenantId],
    'run',
    tx.getLoggerContext(),
  );
}

/** The past as it happened: every session before today on the roll, walk-ins in WALK_IN mode. */
export function recordPastAttendance(
  tx: EntityManager,
  tenantId: string,
  today: string,
  walkIns: boolean,
): Promise<void> {
  return reserve(tx, tenantId, { from: null, until: today }, walkIns ? 'walk-in' : 'attended');
}

/** Families book ahead: sessions from today until `until` (exclusive) hold BOOKED reservations. */
export function bookUpcoming(
  tx: EntityManager,
  tenantId: string,
  today: string,
  until: string,
): Promise<void> {
  return reserve(tx, tenantId, { from: today, until }, 'booked');
}
