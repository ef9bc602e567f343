import type { LinkedDocument } from '../documents/document-paths';

/** Reminder letters are named by the reminder's (or the batch's) row id. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One reminder's letter: `Reminder.letterUrl`. */
export const reminderLetterDocument = (id: string): LinkedDocument => ({
  path: `/documents/reminders/${id}.pdf`,
  params: {},
});

/** A batch's letters, one per page: `ReminderBatch.lettersUrl`. */
export const reminderBatchLettersDocument = (id: string): LinkedDocument => ({
  path: `/documents/reminder-batches/${id}.pdf`,
  params: {},
});

/** A collection batch's CSV for the treasury (RFC 4180): `TreasuryBatch.csvUrl`. */
export const treasuryBatchCsvDocument = (number: string): LinkedDocument => ({
  path: `/documents/treasury-batches/${encodeURIComponent(number)}.csv`,
  params: {},
});
