import type { TenantContext } from '../auth/context';
import { can, Scope } from '../auth/viewer';
import { Diet } from '../families/child.entity';
import { writeCsv, type CsvCell } from '../shared/csv';
import { ForbiddenError } from '../shared/errors';
import { msg } from '../shared/i18n';
import { toGlobalId } from '../shared/ids';

/** Blank lines printed (and exported) per session for children who come without a booking. */
export const WALK_IN_LINES = 5;

/** One expected child of one session, as the roll sheet lists them. */
export interface RollLine {
  sessionId: string;
  period: string;
  facilityId: string;
  facility: string;
  service: string;
  childId: string | null;
  externalRef: string | null;
  lastName: string | null;
  firstName: string | null;
  schoolClass: string | null;
  diet: Diet | null;
}

/** One session of the day and its expected children, in name order. */
export interface RollSession {
  sessionId: string;
  period: string;
  facilityId: string;
  facility: string;
  service: string;
  children: RollLine[];
}

/**
 * The day's rolls: every session of `date` at one facility (or at every facility of the tenant),
 * with the children booked on it (not cancelled), their class and diet — what the agents print
 * when the network is gone. Staff and `attendance:write` keys (the school's tablet app).
 */
export async function rollSessions(
  ctx: TenantContext,
  date: string,
  facilityId: string | null,
): Promise<RollSession[]> {
  if (!can(ctx.viewer, Scope.ATTENDANCE_WRITE)) throw new ForbiddenError(msg('roll.forbidden'));
  const rows = await ctx.em.execute<RollLine[]>(
    `select s.id as "sessionId", s.period::text as period, f.id as "facilityId", f.name as facility,
            sv.name as service, c.id as "childId", c.external_ref as "externalRef", c.last_name as "lastName",
            c.first_name as "firstName", c.school_class as "schoolClass", c.diet::text as diet
     from sessions s
     join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
     join facilities f on f.tenant_id = s.tenant_id and f.id = s.facility_id
     left join reservations r on r.tenant_id = s.tenant_id and r.session_id = s.id
       and r.status not in ('CANCELLED', 'LATE_CANCELLED')
     left join children c on c.tenant_id = r.tenant_id and c.id = r.child_id
     where s.tenant_id = ? and s.date = ?::date and (?::uuid is null or s.facility_id = ?::uuid)
     order by f.name, f.id, sv.name, s.period, s.id, c.last_name, c.first_name, c.id`,
    [ctx.tenant.id, date, facilityId, facilityId],
    'all',
    ctx.em.getLoggerContext(),
  );
  const sessions: RollSession[] = [];
  for (const row of rows) {
    let session = sessions.at(-1);
    if (session?.sessionId !== row.sessionId) {
      session = { ...row, children: [] };
      sessions.push(session);
    }
    if (row.childId) session.children.push(row);
  }
  return sessions;
}

/** Meals expected per diet for a session (one per booked child). */
export function mealsByDiet(session: RollSession): Record<Diet, number> {
  const counts = { STANDARD: 0, NO_PORK: 0, VEGETARIAN: 0, ALLERGY_PLAN: 0 } as Record<Diet, number>;
  for (const child of session.children) counts[child.diet ?? Diet.STANDARD]++;
  return counts;
}

/**
 * The rolls as a spreadsheet to fill in (UTF-8 with BOM, `;`): one line per expected child and
 * WALK_IN_LINES blank lines per session, `present` left empty for the agent (P or A). Column
 * names are fixed, not translated: the filled file goes back through POST /imports/attendance,
 * which reads the session and child IDs as printed here.
 */
export function rollCsv(sessions: RollSession[], date: string, locale: string): Buffer {
  const rows: (RollLine & { blank: boolean })[] = [];
  for (const session of sessions) {
    for (const child of session.children) rows.push({ ...child, blank: false });
    for (let i = 0; i < WALK_IN_LINES; i++) {
      rows.push({
        ...session,
        childId: null,
        externalRef: null,
        lastName: null,
        firstName: null,
        schoolClass: null,
        diet: null,
        blank: true,
      });
    }
  }
  type Row = (typeof rows)[number];
  const columns: { header: string; cell: (row: Row) => CsvCell }[] = [
    { header: 'date', cell: () => ({ date }) },
    { header: 'ecole', cell: (r) => ({ text: r.facility }) },
    { header: 'service', cell: (r) => ({ text: r.service }) },
    { header: 'periode', cell: (r) => ({ text: r.period }) },
    { header: 'seance_id', cell: (r) => ({ text: toGlobalId('Session', r.sessionId) }) },
    { header: 'enfant_id', cell: (r) => ({ text: r.childId ? toGlobalId('Child', r.childId) : '' }) },
    { header: 'ref_enfant', cell: (r) => ({ text: r.externalRef }) },
    { header: 'nom', cell: (r) => ({ text: r.lastName }) },
    { header: 'prenom', cell: (r) => ({ text: r.firstName }) },
    { header: 'classe', cell: (r) => ({ text: r.schoolClass }) },
    { header: 'regime', cell: (r) => ({ text: r.diet }) },
    { header: 'present', cell: () => ({ text: '' }) },
  ];
  return writeCsv(rows, columns, { flavour: 'spreadsheet', locale });
}
