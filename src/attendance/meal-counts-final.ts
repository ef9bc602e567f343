import type { TenantContext } from '../auth/context';
import { emitEvents, gid, type DomainEvent } from '../events/emit';
import { Service } from '../facilities/service.entity';
import { bookingWindow } from '../sessions/booking-window';
import { addDays, todayIn } from '../shared/dates';
import { mealCounts } from './meal-counts.service';

/** Days ahead whose booking may already have closed (a service closing a week before, say). */
export const FINAL_LOOKAHEAD_DAYS = 14;

/**
 * Tells vendors (webhook `mealCounts.final`) each school's meals for a day once they can no longer
 * change by booking: when booking has closed for the day's canteen session (its service's booking
 * window, in the tenant's time zone). One event per school and day, sent once: the day is recorded
 * in `meal_count_announcements` in the transaction that emits the event. Days from yesterday (a
 * job that did not run in time) to FINAL_LOOKAHEAD_DAYS ahead. The counts are the kitchens' grid
 * (`mealCounts`): bookings, or the forecast when the canteen runs in WALK_IN mode. Returns how many
 * school days it announced.
 */
export async function announceFinalMealCounts(ctx: TenantContext): Promise<number> {
  const now = ctx.now();
  const today = todayIn(ctx.tenant.timeZone, now);
  const candidates = await ctx.em.execute<{ facility_id: string; date: string; service_id: string }[]>(
    `select distinct s.facility_id, to_char(s.date, 'YYYY-MM-DD') as date, s.service_id
     from sessions s
     join services v on v.tenant_id = s.tenant_id and v.id = s.service_id and v.kind = 'CANTEEN'
     where s.tenant_id = ? and s.facility_id is not null and s.date between ?::date and ?::date
       and not exists (select 1 from meal_count_announcements a
                       where a.tenant_id = s.tenant_id and a.facility_id = s.facility_id and a.date = s.date)
     order by 2, 1`,
    [ctx.tenant.id, addDays(today, -1), addDays(today, FINAL_LOOKAHEAD_DAYS)],
  );
  if (candidates.length === 0) return 0;
  const services = new Map(
    (await ctx.em.find(Service, { id: { $in: [...new Set(candidates.map((c) => c.service_id))] } })).map(
      (s) => [s.id, s],
    ),
  );
  // A school day is final once booking has closed for every canteen session it has.
  const open = new Set<string>();
  const days = new Map<string, { facilityId: string; date: string }>();
  for (const c of candidates) {
    const key = `${c.facility_id}|${c.date}`;
    days.set(key, { facilityId: c.facility_id, date: c.date });
    if (bookingWindow(c.date, services.get(c.service_id)!, ctx.tenant).closesAt > now) open.add(key);
  }
  const due = [...days].filter(([key]) => !open.has(key)).map(([, day]) => day);
  if (due.length === 0) return 0;
  const announced = await ctx.em.execute<{ facility_id: string; date: string }[]>(
    `insert into meal_count_announcements (tenant_id, facility_id, date, announced_at)
     select ?, v.facility_id, v.date, ? from json_to_recordset(?::json) as v(facility_id uuid, date date)
     on conflict do nothing
     returning facility_id, to_char(date, 'YYYY-MM-DD') as date`,
    [ctx.tenant.id, now, JSON.stringify(due.map((d) => ({ facility_id: d.facilityId, date: d.date })))],
  );
  const events: DomainEvent[] = [];
  for (const day of announced) {
    const grid = await mealCounts(ctx, { from: day.date, to: day.date, facilityIds: [day.facility_id] });
    if (grid.length === 0) continue;
    events.push({
      type: 'mealCounts.final',
      aggregateId: gid('Facility', day.facility_id),
      data: {
        facilityId: gid('Facility', day.facility_id),
        nationalCode: grid[0].nationalCode,
        date: day.date,
        source: grid[0].source,
        meals: Object.fromEntries(grid.map((row) => [row.diet, row.count])),
        total: grid.reduce((sum, row) => sum + row.count, 0),
      },
    });
  }
  await emitEvents(ctx, events);
  return announced.length;
}
