import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { recordAttendance } from '../attendance/roll-call.service';
import { UserErrorCode } from '../shared/user-errors';
import type { Viewer } from '../auth/viewer';
import { msg, type Message } from '../shared/i18n';
import { fromGlobalId } from '../shared/ids';
import { Tenant } from '../tenants/tenant.entity';
import type { ColumnSpec, LineReader } from './fields';
import { ImportErrorCode, type ImportLineError } from './import.entity';
import type { Importer, LineOutcome } from './importer';

/** The columns of a filled roll sheet (GET /documents/rolls/<date>.csv, `present` filled in). */
export const ATTENDANCE_COLUMNS = [
  { name: 'seance_id', aliases: ['session_id', 'seance'], required: true },
  { name: 'enfant_id', aliases: ['child_id'] },
  { name: 'ref_enfant', aliases: ['child_ref', 'reference_enfant'] },
  { name: 'nom', aliases: ['last_name', 'enfant_nom'] },
  { name: 'prenom', aliases: ['first_name', 'enfant_prenom'] },
  { name: 'present', aliases: ['presence', 'present_absent'], required: true },
] as const satisfies readonly ColumnSpec[];
export type AttendanceColumn = (typeof ATTENDANCE_COLUMNS)[number]['name'];

const MARKS = [
  ['P', true],
  ['Présent', true],
  ['Oui', true],
  ['X', true],
  ['1', true],
  ['A', false],
  ['Absent', false],
  ['Non', false],
  ['0', false],
] as const;

/** A line of a filled roll: a child (by ID, reference, or a walk-in's name) and a mark. */
export interface AttendanceLine {
  line: number;
  sessionId: string;
  childId: string | null;
  childRef: string | null;
  name: { last: string; first: string } | null;
  present: boolean | null;
}

/**
 * A filled roll sheet, recorded through the roll call itself (`recordAttendance`, under an
 * idempotency key made of the lines' content): booked and present → ATTENDED, booked and absent →
 * absent, present without a booking → a walk-in up to the facility's physical capacity, each
 * outcome setting its one charge. A blank walk-in line is nothing to record (unchanged); an
 * expected child left unmarked is MISSING_FIELD. A line the roll call refuses is rejected with the
 * roll call's own message. Outcomes: created (a walk-in), updated (the status changed), unchanged.
 */
export class AttendanceImporter implements Importer<AttendanceColumn, AttendanceLine> {
  readonly columns = ATTENDANCE_COLUMNS;
  private tenant: Tenant | null = null;

  constructor(
    private readonly viewer: Viewer,
    private readonly now: () => Date,
  ) {}

  async prepare(tx: EntityManager, tenantId: string): Promise<void> {
    this.tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
  }

  read(r: LineReader<AttendanceColumn>, encoding: string): AttendanceLine | null {
    r.checkEncoding(
      encoding,
      ATTENDANCE_COLUMNS.map((c) => c.name),
    );
    const { session, child, childText, childRef, last, first } = readSessionAndChild(r);
    const mark = r.raw('present');
    const named = Boolean(childText || childRef);
    const present = mark ? r.choice('present', MARKS, null) : null;
    if (!mark && named) {
      r.fail('present', ImportErrorCode.MISSING_FIELD, msg('import.missingField', { column: 'present' }));
    }
    if (mark && !named && !(last && first)) {
      r.fail(
        'nom',
        ImportErrorCode.MISSING_FIELD,
        msg('import.missingField', { column: last ? 'prenom' : 'nom' }),
      );
    }
    if (r.errors.length || !session) return null;
    return {
      line: r.line,
      sessionId: session.id,
      childId: child?.id ?? null,
      childRef,
      name: !named && last && first ? { last, first } : null,
      present,
    };
  }

  async write(
    tx: EntityManager,
    tenantId: string,
    lines: AttendanceLine[],
  ): Promise<(LineOutcome | ImportLineError[])[]> {
    const outcomes = new Map<AttendanceLine, LineOutcome | ImportLineError[]>();
    const marked = lines.filter((l) => l.present !== null);
    for (const line of lines) if (line.present === null) outcomes.set(line, 'unchanged');

    const matches = await findChildren(tx, tenantId, marked);
    const bySession = new Map<string, { line: AttendanceLine; childId: string; before: string | null }[]>();
    for (const line of marked) {
      const match = matches.get(line.line) ?? [];
      if (match.length !== 1) {
        outcomes.set(line, [unknownChild(line)]);
        continue;
      }
      const list = bySession.get(line.sessionId) ?? [];
      list.push({ line, childId: match[0].childId, before: match[0].status });
      bySession.set(line.sessionId, list);
    }

    const ctx = { em: tx, viewer: this.viewer, tenant: this.tenant!, now: this.now };
    for (const [sessionId, entries] of bySession) {
      const present = entries.filter((e) => e.line.present).map((e) => e.childId);
      const absent = entries.filter((e) => !e.line.present).map((e) => e.childId);
      const key = createHash('sha256')
        .update(JSON.stringify({ sessionId, present, absent }))
        .digest('base64url');
      const { userErrors } = await recordAttendance(ctx, {
        sessionId,
        present,
        absent,
        idempotencyKey: `import:${key}`,
      });
      await tx.flush();
      // The roll call's refusals name their child by list and index; the session's name every line.
      const refused = new Map<string, { message: Message; billed: boolean }>();
      for (const error of userErrors) {
        const [list, index] = error.field ?? [];
        const childId = (list === 'absent' ? absent : list === 'present' ? present : [])[Number(index)];
        const refusal = { message: error.message, billed: error.code === UserErrorCode.DAY_BILLED };
        if (childId) refused.set(childId, refusal);
        else for (const e of entries) refused.set(e.childId, refusal);
      }
      const after = await tx.execute<{ child_id: string; status: string }[]>(
        `select child_id, status::text as status from reservations
         where tenant_id = ? and session_id = ? and status <> 'CANCELLED'`,
        [tenantId, sessionId],
      );
      const statusOf = new Map(after.map((r) => [r.child_id, r.status]));
      for (const entry of entries) {
        const refusal = refused.get(entry.childId);
        if (refusal) {
          outcomes.set(entry.line, [
            {
              line: entry.line.line,
              column: 'present',
              value: entry.line.present ? 'P' : 'A',
              code: refusal.billed ? ImportErrorCode.DAY_BILLED : ImportErrorCode.ROLL_CALL_REFUSED,
              message: refusal.message,
            },
          ]);
          continue;
        }
        const now = statusOf.get(entry.childId) ?? null;
        outcomes.set(
          entry.line,
          entry.before === null ? 'created' : entry.before === now ? 'unchanged' : 'updated',
        );
      }
    }
    return lines.map((line) => outcomes.get(line)!);
  }
}

/** A line naming a child of a session: by ID, legacy reference, or a walk-in's name at the school. */
export interface ChildNamed {
  line: number;
  sessionId: string;
  childId: string | null;
  childRef: string | null;
  name: { last: string; first: string } | null;
}

/**
 * Who each line names (one statement for the batch): the sheet's child ID, a legacy reference, or
 * a walk-in's name among the children of the session's facility — with the child's live
 * reservation status on the session. A line names a child when exactly one matches.
 */
export async function findChildren(
  tx: EntityManager,
  tenantId: string,
  lines: ChildNamed[],
): Promise<Map<number, { childId: string; status: string | null }[]>> {
  const found = await tx.execute<{ line: number; child_id: string | null; status: string | null }[]>(
    `select l.line, c.id as child_id, r.status::text as status
       from jsonb_to_recordset(?::jsonb) as l(line int, session_id uuid, child_id uuid, child_ref text, last_name text, first_name text)
       left join sessions s on s.tenant_id = ? and s.id = l.session_id
       left join lateral (
         -- A merged record (a sheet printed before the merge) stands for the child it was merged into.
         select coalesce(c.merged_into_id, c.id) as id from children c
         where c.tenant_id = ? and (
           (l.child_id is not null and c.id = l.child_id)
           or (l.child_id is null and l.child_ref is not null and c.external_ref = l.child_ref)
           or (l.child_id is null and l.child_ref is null and c.school_id = s.facility_id and c.merged_into_id is null
               and lower(c.last_name) = lower(l.last_name) and lower(c.first_name) = lower(l.first_name)))
         limit 2) c on true
       left join reservations r on r.tenant_id = ? and r.session_id = l.session_id and r.child_id = c.id
         and r.status <> 'CANCELLED'`,
    [
      JSON.stringify(
        lines.map((l) => ({
          line: l.line,
          session_id: l.sessionId,
          child_id: l.childId,
          child_ref: l.childRef,
          last_name: l.name?.last ?? null,
          first_name: l.name?.first ?? null,
        })),
      ),
      tenantId,
      tenantId,
      tenantId,
    ],
  );
  const matches = new Map<number, { childId: string; status: string | null }[]>();
  for (const row of found) {
    if (!row.child_id) continue;
    matches.set(row.line, [...(matches.get(row.line) ?? []), { childId: row.child_id, status: row.status }]);
  }
  return matches;
}

/**
 * A roll line's session and child as a roll sheet or a tablet names them: `seance_id` (a Session
 * ID, UNKNOWN_SESSION otherwise), `enfant_id` (a Child ID, UNKNOWN_CHILD otherwise), or
 * `ref_enfant`, or a walk-in's `nom` and `prenom`. Errors are recorded on `r`.
 */
export function readSessionAndChild(
  r: LineReader<'seance_id' | 'enfant_id' | 'ref_enfant' | 'nom' | 'prenom'>,
) {
  const sessionText = r.text('seance_id', { required: true });
  const session = sessionText ? fromGlobalId(sessionText) : null;
  if (sessionText && session?.type !== 'Session') {
    r.fail(
      'seance_id',
      ImportErrorCode.UNKNOWN_SESSION,
      msg('import.unknownSession', { value: sessionText }),
    );
  }
  const childText = r.text('enfant_id');
  const child = childText ? fromGlobalId(childText) : null;
  if (childText && child?.type !== 'Child') {
    r.fail('enfant_id', ImportErrorCode.UNKNOWN_CHILD, msg('import.unknownChild', { value: childText }));
  }
  const childRef = r.text('ref_enfant');
  const last = r.text('nom');
  const first = r.text('prenom');
  return { session, child, childText, childRef, last, first };
}

/** UNKNOWN_CHILD for a line whose child was not found (or not one alone). */
export function unknownChild(line: ChildNamed): ImportLineError {
  const value = line.name ? `${line.name.last} ${line.name.first}` : (line.childRef ?? line.childId ?? '');
  const column = line.name ? 'nom' : line.childRef && !line.childId ? 'ref_enfant' : 'enfant_id';
  return {
    line: line.line,
    column,
    value,
    code: ImportErrorCode.UNKNOWN_CHILD,
    message: msg('import.unknownChild', { value }),
  };
}
