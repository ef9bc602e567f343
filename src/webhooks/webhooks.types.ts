import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Scope } from '../auth/viewer';
import type { EventType } from '../events/emit';
import { Access, TENANT_ADMIN, type AccessRule } from '../graphql/access';
import { connectionOf } from '../graphql/connection';
import { IdField, idempotencyKeyField, TextField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { payloadType } from '../graphql/payload';
import { DateTime } from '../graphql/scalars';
import { WebhookDeliveryStatus } from './webhook.entity';

/** Tenant admins, and API keys with `webhooks:manage` for the endpoints they registered. */
export const WEBHOOK_MANAGERS: AccessRule = { ...TENANT_ADMIN, keyScopes: [Scope.WEBHOOKS_MANAGE] };

/**
 * GraphQL names of the wire types (src/events/emit.ts). The values are the names (the guard
 * coerces variables to values, and the cost estimate reads them again as names).
 */
export enum WebhookEventType {
  RESERVATION_BOOKED = 'RESERVATION_BOOKED',
  RESERVATION_CANCELLED = 'RESERVATION_CANCELLED',
  RESERVATION_ATTENDED = 'RESERVATION_ATTENDED',
  WALK_IN_RECORDED = 'WALK_IN_RECORDED',
  OPERATING_MODE_CHANGED = 'OPERATING_MODE_CHANGED',
  INVOICE_ISSUED = 'INVOICE_ISSUED',
  PAYMENT_RECORDED = 'PAYMENT_RECORDED',
  WAITLIST_OFFER_MADE = 'WAITLIST_OFFER_MADE',
  WAITLIST_OFFER_EXPIRED = 'WAITLIST_OFFER_EXPIRED',
  WAITLIST_AUTO_BOOKED = 'WAITLIST_AUTO_BOOKED',
  MEAL_COUNTS_FINAL = 'MEAL_COUNTS_FINAL',
  IMPORT_FINISHED = 'IMPORT_FINISHED',
  PLACEMENT_OFFERED = 'PLACEMENT_OFFERED',
  PLACEMENT_ACCEPTED = 'PLACEMENT_ACCEPTED',
  PLACEMENT_DECLINED = 'PLACEMENT_DECLINED',
  PLACEMENT_EXPIRED = 'PLACEMENT_EXPIRED',
}

const WIRE: Record<WebhookEventType, EventType> = {
  RESERVATION_BOOKED: 'reservation.booked',
  RESERVATION_CANCELLED: 'reservation.cancelled',
  RESERVATION_ATTENDED: 'reservation.attended',
  WALK_IN_RECORDED: 'walkIn.recorded',
  OPERATING_MODE_CHANGED: 'operatingMode.changed',
  INVOICE_ISSUED: 'invoice.issued',
  PAYMENT_RECORDED: 'payment.recorded',
  WAITLIST_OFFER_MADE: 'waitlist.offerMade',
  WAITLIST_OFFER_EXPIRED: 'waitlist.offerExpired',
  WAITLIST_AUTO_BOOKED: 'waitlist.autoBooked',
  MEAL_COUNTS_FINAL: 'mealCounts.final',
  IMPORT_FINISHED: 'import.finished',
  PLACEMENT_OFFERED: 'placement.offered',
  PLACEMENT_ACCEPTED: 'placement.accepted',
  PLACEMENT_DECLINED: 'placement.declined',
  PLACEMENT_EXPIRED: 'placement.expired',
};

/** `RESERVATION_BOOKED` → `reservation.booked`. */
export const wireType = (type: WebhookEventType): EventType => WIRE[type];

/** `reservation.booked` → `RESERVATION_BOOKED`. */
export const graphqlType = (type: string): WebhookEventType =>
  (Object.keys(WIRE) as WebhookEventType[]).find((k) => WIRE[k] === type)!;

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description:
    'What a webhook reports; the delivered JSON names it as `type`: reservation.booked, reservation.cancelled (CANCELLED or LATE_CANCELLED), reservation.attended (marked present by a roll call), walkIn.recorded (a child who came without booking), operatingMode.changed, invoice.issued, payment.recorded, waitlist.offerMade (a freed place held for the entry until offerExpiresAt), waitlist.offerExpired (unanswered: the place passed on), waitlist.autoBooked (the entry booked by itself; its reservation.booked follows, channel WAITLIST — as when an offer is accepted), mealCounts.final (a school’s meals for a day once booking has closed for it: `facilityId`, `nationalCode`, `date`, `meals` per diet, `source` — what the kitchen cooks, sent once per school and day), placement.offered / placement.accepted / placement.declined / placement.expired (a childcare place offered to an application, and the family’s answer or its expiry: `placementOfferId`, `placementApplicationId`, `facilityId`, `ageGroup`, `startDate`, `expiresAt`, and `placementId` once accepted — aggregate: the offer).',
});
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description:
    'PENDING: not yet answered with a 2xx (retried with exponential backoff); DELIVERED: answered 2xx; FAILED: given up after 24 hours of failures.',
});

@Access(WEBHOOK_MANAGERS)
@ObjectType('WebhookEvent', { description: 'One event, as it was posted.' })
export class WebhookEventGqlType {
  @Field({ description: "The event's id, also in the JSON (`id`) and the `Guichet-Event-Id` header." })
  eventId!: string;

  @Field(() => WebhookEventType, { description: 'Its type.' })
  type!: WebhookEventType;

  @Field(() => DateTime, { description: 'When the change happened (committed in the same transaction).' })
  occurredAt!: Date;

  @Field({ description: 'The JSON body posted (and signed), exactly.' })
  body!: string;
}

@Access(WEBHOOK_MANAGERS)
@ObjectType('WebhookDelivery', {
  implements: Node,
  description: 'One event sent to one endpoint: its attempts (the delivery log).',
})
export class WebhookDeliveryType extends Node {
  @Field(() => WebhookDeliveryStatus, { description: 'Where it stands.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The HTTP status of the last attempt; null before any or when none came back.',
  })
  lastResponseCode?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last attempt failed when no status came back (timeout, refused connection).',
  })
  lastError?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was last tried.' })
  lastAttemptAt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it will be tried next; null once settled.' })
  nextAttemptAt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When a 2xx came back.' })
  deliveredAt?: Date | null;

  @Field(() => DateTime, { description: 'When it was queued.' })
  createdAt!: Date;

  @Field(() => WebhookEventGqlType, { description: 'The event.' })
  event!: WebhookEventGqlType;
}

export const WebhookDeliveryConnection = connectionOf(WebhookDeliveryType, 'WebhookDelivery');

@Access(WEBHOOK_MANAGERS)
@ObjectType('WebhookEndpoint', {
  implements: Node,
  description:
    "A vendor's URL receiving the tenant's events of the types it chose, each POSTed as JSON and signed (header Guichet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of `<t>.<body>` keyed with the secret>).",
})
export class WebhookEndpointType extends Node {
  @Field({ description: 'Where events are POSTed (https).' })
  url!: string;

  @Field(() => DateTime, { description: 'When it was registered.' })
  createdAt!: Date;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'When it was disabled after repeated failures (nothing is sent to it, nor queued, meanwhile); null while active. redeliverWebhookEvent enables it again.',
  })
  disabledAt?: Date | null;

  @Field(() => Int, { description: 'Failed attempts since its last success.' })
  consecutiveFailures!: number;
}

@InputType('CreateWebhookEndpointInput', { description: 'An endpoint to register.' })
export class CreateWebhookEndpointInput {
  @TextField({
    maxLength: 2000,
    description:
      'An absolute https URL (plain http only to localhost outside production), without credentials; at most 2000 characters.',
  })
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The event types to receive: at least one (at most 10).' })
  eventTypes!: WebhookEventType[];

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('DeleteWebhookEndpointInput', { description: 'An endpoint to delete.' })
export class DeleteWebhookEndpointInput {
  @IdField('WebhookEndpoint', { description: 'The endpoint.' })
  webhookEndpointId!: string;
}

@InputType('RedeliverWebhookEventInput', { description: 'A delivery to send again.' })
export class RedeliverWebhookEventInput {
  @IdField('WebhookDelivery', { description: 'A delivery from the log (any status).' })
  deliveryId!: string;
}

export const CreateWebhookEndpointPayload = payloadType(
  'CreateWebhookEndpointPayload',
  'Result of createWebhookEndpoint.',
  {
    webhookEndpoint: { type: () => WebhookEndpointType, nullable: true, description: 'The endpoint.' },
    secret: {
      type: () => String,
      nullable: true,
      description:
        'The signing secret (`whsec_…`), in this answer only: a retry with the same idempotencyKey returns null here. Lost: delete the endpoint and register it again.',
    },
  },
);

export const DeleteWebhookEndpointPayload = payloadType(
  'DeleteWebhookEndpointPayload',
  'Result of deleteWebhookEndpoint.',
  {
    deletedWebhookEndpointId: {
      type: () => String,
      nullable: true,
      description: 'The ID of the endpoint deleted (with its delivery log).',
    },
  },
);

export const RedeliverWebhookEventPayload = payloadType(
  'RedeliverWebhookEventPayload',
  'Result of redeliverWebhookEvent.',
  {
    delivery: {
      type: () => WebhookDeliveryType,
      nullable: true,
      description: 'The new delivery, queued now.',
    },
  },
);
