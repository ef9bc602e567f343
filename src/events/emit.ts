import type { TenantContext } from '../auth/context';
import { executeAtCommit } from '../db/commit-tail';
import { toGlobalId } from '../shared/ids';
import { eventsEmitted } from '../shared/metrics';

/**
 * The events vendors may subscribe to (webhooks). The type is the wire name; GraphQL spells it in
 * SCREAMING_SNAKE_CASE (`RESERVATION_BOOKED`).
 */
export const EVENT_TYPES = [
  'reservation.booked',
  'reservation.cancelled',
  'reservation.attended',
  'walkIn.recorded',
  'operatingMode.changed',
  'invoice.issued',
  'payment.recorded',
  'waitlist.offerMade',
  'waitlist.offerExpired',
  'waitlist.autoBooked',
  'mealCounts.final',
  'import.finished',
  'placement.offered',
  'placement.accepted',
  'placement.declined',
  'placement.expired',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The channel the job worker listens on: a notification is delivered at COMMIT only. */
export const EVENTS_CHANNEL = 'guichet_webhooks';

export interface DomainEvent {
  type: EventType;
  /**
   * The global ID of the object the event is about (its reservation, invoice…): an endpoint
   * receives one aggregate's events in the order they happened.
   */
  aggregateId: string;
  /** Global IDs and plain facts (statuses, amounts, counts by kind): no names, no personal data. */
  data: Record<string, string | number | boolean | null | Record<string, number>>;
}

/** A global ID of a row (the payloads' only kind of ID). */
export const gid = (type: string, id: string): string => toGlobalId(type, id);

/**
 * Records events in the outbox, in the caller's transaction: they exist if and only if the change
 * commits. One statement, whatever the number of events: it also queues one delivery per endpoint
 * of the tenant subscribed to each type, and — when there is any — notifies the job worker, which
 * PostgreSQL does at COMMIT only (a rolled-back change wakes nobody). Nothing is sent here: the
 * request never waits for a vendor.
 */
export async function emitEvents(ctx: TenantContext, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  const tenantId = ctx.tenant.id;
  // Sent with the COMMIT (src/db/commit-tail.ts): nothing reads the outbox before it.
  await executeAtCommit(
    ctx.em,
    `with ev as (
       insert into webhook_events (tenant_id, type, aggregate_id, payload, occurred_at)
       select ?, v.type, v.aggregate_id, v.data, ?::timestamptz
       from jsonb_to_recordset(?::jsonb) as v(n int, type text, aggregate_id text, data jsonb)
       order by v.n
       returning id, seq, type, aggregate_id
     ), queued as (
       insert into webhook_deliveries (tenant_id, event_id, endpoint_id, seq, aggregate_id)
       select ?, ev.id, e.id, ev.seq, ev.aggregate_id
       from ev join webhook_endpoints e
         on e.tenant_id = ? and e.disabled_at is null and ev.type = any (e.event_types)
       returning 1
     )
     select case when exists (select 1 from queued) then pg_notify(?, ?) end as notified`,
    [
      tenantId,
      ctx.now().toISOString(),
      JSON.stringify(events.map((e, n) => ({ n, type: e.type, aggregate_id: e.aggregateId, data: e.data }))),
      tenantId,
      tenantId,
      EVENTS_CHANNEL,
      tenantId,
    ],
  );
  // Counted when written: a unit rolled back after this (rare: its own failure) is counted too.
  for (const event of events) eventsEmitted.inc({ type: event.type });
}

/** `emitEvents` for one event. */
export function emitEvent(
  ctx: TenantContext,
  type: EventType,
  aggregateId: string,
  data: DomainEvent['data'],
): Promise<void> {
  return emitEvents(ctx, [{ type, aggregateId, data }]);
}
