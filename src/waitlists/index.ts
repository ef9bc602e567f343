import type { Domain } from '../graphql/domain';
import { FamilyNotificationsResolver, NotificationResolver } from '../notifications/notification.resolver';
import {
  ChildWaitlistResolver,
  SessionWaitlistFieldResolver,
  SessionWaitlistResolver,
  WaitlistEntryFieldsResolver,
} from './waitlist-fields.resolver';
import { WaitlistResolver } from './waitlist.resolver';
import { createWaitlistLoaders } from './waitlists.loaders';

/** Waitlists of full sessions, and the families' notification log they write to. */
export const waitlistsDomain: Domain = {
  name: 'waitlists',
  resolvers: [
    WaitlistResolver,
    WaitlistEntryFieldsResolver,
    SessionWaitlistResolver,
    SessionWaitlistFieldResolver,
    ChildWaitlistResolver,
    NotificationResolver,
    FamilyNotificationsResolver,
  ],
  loaders: createWaitlistLoaders,
};
