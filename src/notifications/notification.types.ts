import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access } from '../graphql/access';
import { connectionOf, PageArgs } from '../graphql/connection';
import { IdField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { payloadType } from '../graphql/payload';
import { DateTime } from '../graphql/scalars';
import { FAMILY_READERS } from '../families/family.types';
import { NotificationKind } from './notification.entity';

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What a notification tells a family.',
  valuesConfig: {
    WAITLIST_OFFER_MADE: {
      description: 'A place is offered from a waitlist: accept or decline it before its deadline.',
    },
    WAITLIST_OFFER_EXPIRING: { description: 'An offer expires soon (the hours left are in the message).' },
    WAITLIST_OFFER_EXPIRED: { description: 'An offer expired unanswered: the place went to the next entry.' },
    WAITLIST_AUTO_BOOKED: { description: 'A freed place was booked for the child from the waitlist.' },
    WAITLIST_RANK_CHANGED: {
      description: "The service reviewed an entry's priority: its rank may have changed.",
    },
    WAITLIST_CLOSED: { description: 'A waitlist entry closed without a place.' },
    SESSION_CANCELLED: {
      description:
        'The town cancelled a session the family had booked (or waited for): the booking was cancelled free of charge.',
    },
    DIRECT_DEBIT_REJECTED: {
      description:
        'The bank rejected a direct debit: the invoices it paid are open again (reason and fee in the message).',
    },
    PLACEMENT_OFFER_MADE: {
      description:
        'A childcare place is offered to an application: accept or decline it before its deadline.',
    },
    PLACEMENT_OFFER_ACCEPTED: { description: 'A childcare place was accepted: the child has a placement.' },
    PLACEMENT_OFFER_DECLINED: {
      description:
        'A childcare place offer was declined (what happens to the application is in the message).',
    },
    PLACEMENT_OFFER_EXPIRED: {
      description: 'A childcare place offer expired unanswered: the place went back to the list.',
    },
    PAYMENT_REMINDER: {
      description:
        'A reminder (relance) for an overdue invoice or a missed instalment: its level, what is owed and any fee in the message; its letter in data.reminderId.',
    },
    HANDED_OVER_TO_TREASURY: {
      description:
        'Unpaid invoices were handed over to the public treasury, which collects them from now on (the batch number in the message).',
    },
  },
});

@Access(FAMILY_READERS)
@ObjectType('Notification', {
  implements: Node,
  description:
    "One line of a family's notification log: what the family must hear about, for front ends to show.",
})
export class NotificationType extends Node {
  @Field(() => NotificationKind, { description: 'What it is about.' })
  kind!: NotificationKind;

  @Field(() => DateTime, { description: 'When it was written (the instant of the event).' })
  createdAt!: Date;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the family marked it read; null while unread.',
  })
  readAt?: Date | null;
}

export const NotificationConnection = connectionOf(NotificationType, 'Notification');

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only the notifications not yet read.' })
  unreadOnly?: boolean | null;
}

@InputType('MarkNotificationsReadInput', { description: "Mark the viewer family's notifications read." })
export class MarkNotificationsReadInput {
  @IdField('Notification', {
    list: true,
    maxItems: 100,
    nullable: true,
    description: 'The notifications to mark (at most 100); none: all of them.',
  })
  notificationIds?: string[] | null;
}

export const MarkNotificationsReadPayload = payloadType(
  'MarkNotificationsReadPayload',
  'Result of markNotificationsRead.',
  {
    marked: { type: () => Int, description: 'How many notifications went from unread to read.' },
  },
);
