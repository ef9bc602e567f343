import type { Domain } from '../../graphql/domain';
import { createReminderLoaders } from './reminders.loaders';
import {
  InvoiceCollectionResolver,
  ReminderBatchResolver,
  ReminderResolver,
  RemindersResolver,
  TreasuryBatchResolver,
} from './reminders.resolver';

/** Reminders (relances) of overdue debts and their hand-over to the public treasury. */
export const remindersDomain: Domain = {
  name: 'reminders',
  resolvers: [
    RemindersResolver,
    ReminderResolver,
    ReminderBatchResolver,
    TreasuryBatchResolver,
    InvoiceCollectionResolver,
  ],
  loaders: createReminderLoaders,
};
