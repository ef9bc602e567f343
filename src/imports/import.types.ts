import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access, TENANT_ADMIN } from '../graphql/access';
import { connectionOf, PageArgs } from '../graphql/connection';
import { Node } from '../graphql/node';
import { DateTime } from '../graphql/scalars';
import { ImportErrorCode, ImportKind, ImportMode, ImportStatus } from './import.entity';

registerEnumType(ImportKind, {
  name: 'ImportKind',
  description: 'What a legacy file holds.',
  valuesConfig: {
    FAMILIES: { description: "One line per child with its family's columns (POST /imports/families)." },
    RESERVATIONS: {
      description:
        'Bookings by child reference, service and dates (POST /imports/reservations): BOOKED on every session between the dates.',
    },
    BALANCES: {
      description:
        'Opening unpaid amounts per family (POST /imports/balances): one OPENING_BALANCE charge per family and legacy document reference, billed by the next run.',
    },
    ATTENDANCE: {
      description:
        'A filled roll sheet (GET /documents/rolls/<date>.csv), recorded as the roll call records it.',
    },
    ATTENDANCE_JOURNAL: {
      description:
        "A tablet's offline roll call (POST /imports/attendance-journal): actions stamped with device and instant, merged idempotently; conflicts between devices go to attendanceConflicts.",
    },
  },
});
registerEnumType(ImportMode, {
  name: 'ImportMode',
  description: 'What an import does with a file where some lines are wrong.',
  valuesConfig: {
    ALL_OR_NOTHING: { description: 'Write nothing if any line is wrong (the default).' },
    VALID_ONLY: { description: 'Write the valid lines, report the others.' },
  },
});
registerEnumType(ImportStatus, {
  name: 'ImportStatus',
  description: 'Where an import stands.',
  valuesConfig: {
    RUNNING: { description: 'Reading the file; `read` and `progress` grow.' },
    COMPLETED: { description: 'Every line was valid and written (a dry run: would have been).' },
    COMPLETED_WITH_REJECTIONS: {
      description: 'VALID_ONLY: the valid lines were written, the others are in `errors`.',
    },
    REJECTED: {
      description: 'ALL_OR_NOTHING with a wrong line, or an unreadable header: nothing was written.',
    },
    FAILED: { description: 'Stopped by a failure (database, server): nothing was written; run it again.' },
  },
});
registerEnumType(ImportErrorCode, {
  name: 'ImportErrorCode',
  description: 'Why a line of a legacy file was rejected.',
  valuesConfig: {
    FIELD_COUNT: {
      description: 'More or fewer fields than the header: usually a separator inside an unquoted value.',
    },
    BAD_DATE: { description: 'Not a date as DD/MM/YYYY (31/02/2019), or a birth date out of range.' },
    BAD_NUMBER: { description: 'Not a number (digits, decimal comma, spaces between thousands).' },
    BAD_EMAIL: { description: 'Not an email address.' },
    BAD_PHONE: { description: 'Not a phone number (6 to 15 digits).' },
    BAD_VALUE: { description: 'Not one of the values the column takes (a diet…).' },
    TOO_LONG: { description: 'Longer than the column allows.' },
    MISSING_FIELD: { description: 'A required value is empty.' },
    MISSING_COLUMN: {
      description: 'The header lacks a required column (or the file is empty): nothing was read.',
    },
    UNKNOWN_SCHOOL: { description: 'No school of the tenant with that name or UAI code.' },
    DUPLICATE_IN_FILE: {
      description:
        'What the line names is on an earlier line: the same child (by reference), device action, or family and document reference (balances).',
    },
    DUPLICATE_EXTERNAL_REF: {
      description: 'A family reference given to two households with different details.',
    },
    ENCODING: { description: 'Bytes not valid in the file’s encoding.' },
    CSV_SYNTAX: { description: 'A line CSV cannot read (a quote never closed).' },
    UNKNOWN_SESSION: { description: 'Not a session ID as the roll sheet prints it.' },
    UNKNOWN_CHILD: {
      description: 'No such child (by ID or reference), or no single child of that name at the school.',
    },
    ROLL_CALL_REFUSED: {
      description:
        'The roll call refused the line (capacity reached, no walk-ins in this mode…); the message says why.',
    },
    UNKNOWN_SERVICE: { description: 'No service of that name at the school named (or the child’s).' },
    NO_SESSION: { description: 'The service has no session between the dates.' },
    OVERLAP: {
      description: 'The child already holds a reservation at overlapping hours on some of these days.',
    },
    BAD_AMOUNT: {
      description: 'Not an amount owed: zero, negative, above 100,000.00 or finer than cents (balances).',
    },
    UNKNOWN_FAMILY: { description: 'No family with that reference: import the families first (balances).' },
    BALANCE_INVOICED: {
      description:
        "The family's opening balance of that document reference is already invoiced and the line changes it (balances): correct the invoice with correctBilledCharge.",
    },
    DAY_BILLED: {
      description:
        "A billing run covered the session's day: an agent unlocks it first (unlockAttendanceDay, with a reason).",
    },
  },
});

@Access(TENANT_ADMIN)
@ObjectType('ImportError', { description: 'One problem on one line of an imported file.' })
export class ImportErrorType {
  @Field(() => Int, { description: 'The line of the file, from 1 (the header).' })
  line!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The column as the header names it; null for the whole line.',
  })
  column!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The raw value as the file holds it (the raw line for FIELD_COUNT), at most 200 characters.',
  })
  value!: string | null;

  @Field(() => ImportErrorCode, { description: 'What is wrong, for programs.' })
  code!: ImportErrorCode;
}

@Access(TENANT_ADMIN)
@ObjectType('Import', {
  implements: Node,
  description:
    'One import of a legacy file (tenant admins): its options, counts and errors. A dry run is kept too, with `dryRun` true: it wrote nothing else.',
})
export class ImportType extends Node {
  @Field(() => ImportKind, { description: 'What the file held.' })
  kind!: ImportKind;

  @Field(() => ImportMode, { description: 'All or nothing, or the valid lines only.' })
  mode!: ImportMode;

  @Field({ description: 'A dry run: checked and counted exactly as a real run, nothing written.' })
  dryRun!: boolean;

  @Field(() => ImportStatus, { description: 'Where it stands.' })
  status!: ImportStatus;

  @Field(() => String, { nullable: true, description: 'The file name the caller gave, if any.' })
  fileName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The encoding read: utf-8 or windows-1252 (detected or given).',
  })
  encoding!: string | null;

  @Field(() => String, { nullable: true, description: 'The separator read: ";" or ",".' })
  separator!: string | null;

  @Field(() => Int, { description: 'Lines read after the header (grows while RUNNING).' })
  linesRead!: number;

  @Field(() => Int, { description: 'Valid lines.' })
  linesValid!: number;

  @Field(() => Int, {
    description:
      'Lines that created something (a child and its family, bookings, an opening balance…); 0 when nothing was written.',
  })
  created!: number;

  @Field(() => Int, {
    description:
      'Lines that changed a stored record (a child or family, an opening balance not invoiced yet); 0 when nothing was written.',
  })
  updated!: number;

  @Field(() => Int, { description: 'Valid lines equal to what was stored; 0 when nothing was written.' })
  unchanged!: number;

  @Field(() => Int, { description: 'Lines with at least one error.' })
  rejected!: number;

  @Field(() => Int, {
    description:
      'ATTENDANCE_JOURNAL: valid actions that another device contradicts (counted in `unchanged` too: the attendance did not change); see attendanceConflicts. 0 for other kinds.',
  })
  conflicts!: number;

  @Field(() => Int, { description: 'Errors found (the first 1,000 are listed in `errors`).' })
  errorCount!: number;

  @Field(() => DateTime, { description: 'Start.' })
  startedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'End; null while RUNNING.' })
  finishedAt!: Date | null;

  @Field({ description: 'Who started it: a token subject, `api-key:<prefix>` or `cli:<user>`.' })
  startedBy!: string;
}

export const ImportConnection = connectionOf(ImportType, 'Import');

@ArgsType()
export class ImportsArgs extends PageArgs {}
