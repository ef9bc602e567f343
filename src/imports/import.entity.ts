import { BigIntType, Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Message } from '../shared/i18n';
import { TenantOwned } from '../shared/tenant-owned';

/** What a file holds: one row per child with its family, bookings, opening balances. */
export enum ImportKind {
  FAMILIES = 'FAMILIES',
  RESERVATIONS = 'RESERVATIONS',
  BALANCES = 'BALANCES',
  /** A filled roll sheet: the day's attendance recorded on paper or offline. */
  ATTENDANCE = 'ATTENDANCE',
  /** A tablet's offline roll call: actions stamped with the device and the instant recorded. */
  ATTENDANCE_JOURNAL = 'ATTENDANCE_JOURNAL',
}

/** What to do with a file where some lines are wrong. */
export enum ImportMode {
  /** Write nothing if any line is wrong (the default). */
  ALL_OR_NOTHING = 'ALL_OR_NOTHING',
  /** Write the valid lines, report the others. */
  VALID_ONLY = 'VALID_ONLY',
}

export enum ImportStatus {
  RUNNING = 'RUNNING',
  /** Every line was valid and written (or, for a dry run, would have been). */
  COMPLETED = 'COMPLETED',
  /** VALID_ONLY: the valid lines were written, the others reported. */
  COMPLETED_WITH_REJECTIONS = 'COMPLETED_WITH_REJECTIONS',
  /** ALL_OR_NOTHING and some line was wrong, or the file itself was unreadable: nothing written. */
  REJECTED = 'REJECTED',
  /** Stopped by a failure (the database, a bug): nothing written. */
  FAILED = 'FAILED',
}

/** The line-level error codes, stable for programs (the message is for people). */
export enum ImportErrorCode {
  FIELD_COUNT = 'FIELD_COUNT',
  BAD_DATE = 'BAD_DATE',
  BAD_NUMBER = 'BAD_NUMBER',
  BAD_EMAIL = 'BAD_EMAIL',
  BAD_PHONE = 'BAD_PHONE',
  BAD_VALUE = 'BAD_VALUE',
  TOO_LONG = 'TOO_LONG',
  MISSING_FIELD = 'MISSING_FIELD',
  MISSING_COLUMN = 'MISSING_COLUMN',
  UNKNOWN_SCHOOL = 'UNKNOWN_SCHOOL',
  DUPLICATE_IN_FILE = 'DUPLICATE_IN_FILE',
  DUPLICATE_EXTERNAL_REF = 'DUPLICATE_EXTERNAL_REF',
  ENCODING = 'ENCODING',
  CSV_SYNTAX = 'CSV_SYNTAX',
  UNKNOWN_SESSION = 'UNKNOWN_SESSION',
  UNKNOWN_CHILD = 'UNKNOWN_CHILD',
  /** The roll call refused the line (capacity reached, no walk-ins in this mode…): its message says why. */
  ROLL_CALL_REFUSED = 'ROLL_CALL_REFUSED',
  /** A billing run covered the session's day: an agent unlocks it (unlockAttendanceDay) first. */
  DAY_BILLED = 'DAY_BILLED',
  /** No service of that name at the school (reservations). */
  UNKNOWN_SERVICE = 'UNKNOWN_SERVICE',
  /** The service has no session between the dates (reservations). */
  NO_SESSION = 'NO_SESSION',
  /** The child holds another reservation at overlapping hours (reservations). */
  OVERLAP = 'OVERLAP',
  /** Not an amount owed: zero, negative, past the maximum or finer than cents (balances). */
  BAD_AMOUNT = 'BAD_AMOUNT',
  /** No family with that reference (balances). */
  UNKNOWN_FAMILY = 'UNKNOWN_FAMILY',
  /** The family's opening balance of that reference is invoiced and the line differs (balances). */
  BALANCE_INVOICED = 'BALANCE_INVOICED',
}

/** One error as stored: where, what was there, and the message's key and parameters. */
export interface ImportLineError {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  /** The header's name of the column, as the file spells it; null for the whole line. */
  column: string | null;
  /** The raw value (or the raw line for FIELD_COUNT), cut to 200 characters. */
  value: string | null;
  code: ImportErrorCode;
  message: Message;
}

/** One import of a legacy file: its options, its counts and progress, its first errors. */
@Entity({ tableName: 'imports' })
export class Import extends TenantOwned {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string' })
  kind!: ImportKind;

  @Property({ type: 'string' })
  mode!: ImportMode;

  @Property()
  dryRun!: boolean;

  @Property({ type: 'string' })
  status!: ImportStatus;

  @Property({ type: 'string', nullable: true })
  fileName?: string | null;

  @Property({ type: 'string', nullable: true })
  encoding?: string | null;

  @Property({ type: 'string', nullable: true })
  separator?: string | null;

  @Property({ type: new BigIntType('number') })
  bytesRead: Opt<number> = 0;

  @Property({ type: new BigIntType('number'), nullable: true })
  bytesTotal?: number | null;

  @Property()
  linesRead: Opt<number> = 0;

  @Property()
  linesValid: Opt<number> = 0;

  @Property()
  created: Opt<number> = 0;

  @Property()
  updated: Opt<number> = 0;

  @Property()
  unchanged: Opt<number> = 0;

  @Property()
  rejected: Opt<number> = 0;

  /** Offline actions left for an agent: another device recorded the child differently. */
  @Property()
  conflicts: Opt<number> = 0;

  @Property()
  errorCount: Opt<number> = 0;

  @Property({ type: 'json' })
  errors: Opt<ImportLineError[]> = [];

  @Property()
  startedBy!: string;

  @Property({ type: 'timestamptz' })
  startedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}
