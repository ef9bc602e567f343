import type { EntityManager } from '@mikro-orm/postgresql';
import { msg } from '../shared/i18n';
import { type ColumnSpec, type LineReader, normalizeName } from './fields';
import { ImportErrorCode, type ImportLineError } from './import.entity';
import type { Importer, LineOutcome } from './importer';

/** The columns of a legacy bookings export: one line per child, service and period. */
export const RESERVATION_COLUMNS = [
  { name: 'ref_enfant', aliases: ['child_ref', 'reference_enfant', 'id_enfant'], required: true },
  { name: 'service', aliases: ['prestation', 'activite'], required: true },
  { name: 'ecole', aliases: ['school', 'etablissement', 'uai'] },
  { name: 'date_debut', aliases: ['du', 'date', 'from', 'debut'], required: true },
  { name: 'date_fin', aliases: ['au', 'to', 'fin'] },
] as const satisfies readonly ColumnSpec[];
export type ReservationColumn = (typeof RESERVATION_COLUMNS)[number]['name'];

/** A booking period longer than a school year is a mistake in the export. */
const MAX_DAYS = 400;

export interface ReservationLine {
  line: number;
  childRef: string;
  service: string;
  school: string | null;
  from: string;
  to: string;
}

/**
 * Bookings from the previous software: for each line, the child (by its legacy reference, as the
 * families import gave it) gets a BOOKED reservation (channel IMPORT) on every session of the
 * service between the two dates — the service named as Guichet knows it, at the school the line
 * names or else the child's. Idempotent: a session the child already holds is unchanged. The
 * previous software's bookings are taken as they were: neither booking windows nor capacity are
 * checked (places taken are counted), but a child never holds two sessions at overlapping hours
 * (OVERLAP). Outcomes: created (at least one reservation made), unchanged (all already held).
 */
export class ReservationsImporter implements Importer<ReservationColumn, ReservationLine> {
  readonly columns = RESERVATION_COLUMNS;
  private facilities = new Map<string, string>();
  /** `<facility id or ''>|<normalized service name>` → service id. */
  private services = new Map<string, string>();

  constructor(private readonly now: () => Date) {}

  async prepare(tx: EntityManager, tenantId: string): Promise<void> {
    const facilities = await tx.execute<{ id: string; name: string; national_code: string | null }[]>(
      `select id, name, national_code from facilities where tenant_id = ?`,
      [tenantId],
    );
    for (const f of facilities) {
      this.facilities.set(normalizeName(f.name), f.id);
      if (f.national_code) this.facilities.set(normalizeName(f.national_code), f.id);
    }
    const services = await tx.execute<{ id: string; name: string; facility_id: string | null }[]>(
      `select id, name, facility_id from services where tenant_id = ?`,
      [tenantId],
    );
    for (const s of services) this.services.set(`${s.facility_id ?? ''}|${normalizeName(s.name)}`, s.id);
  }

  read(r: LineReader<ReservationColumn>, encoding: string): ReservationLine | null {
    r.checkEncoding(
      encoding,
      RESERVATION_COLUMNS.map((c) => c.name),
    );
    const childRef = r.text('ref_enfant', { required: true, max: 255 });
    const service = r.text('service', { required: true, max: 255 });
    const school = r.text('ecole', { max: 255 });
    if (school && !this.facilities.has(normalizeName(school))) {
      r.fail('ecole', ImportErrorCode.UNKNOWN_SCHOOL, msg('import.unknownSchool', { value: school }));
    }
    const from = r.date('date_debut', { required: true });
    const to = r.date('date_fin') ?? from;
    if (from && to && (to < from || Date.parse(to) - Date.parse(from) > MAX_DAYS * 86_400_000)) {
      r.fail(
        'date_fin',
        ImportErrorCode.BAD_DATE,
        msg('import.badPeriod', { max: MAX_DAYS }),
        r.raw('date_fin'),
      );
    }
    if (r.errors.length || !childRef || !service || !from || !to) return null;
    return { line: r.line, childRef, service, school, from, to };
  }

  async write(
    tx: EntityManager,
    tenantId: string,
    lines: ReservationLine[],
  ): Promise<(LineOutcome | ImportLineError[])[]> {
    const children = await tx.execute<
      { id: string; family_id: string; school_id: string | null; external_ref: string }[]
    >(
      `select id, family_id, school_id, external_ref from children
       where tenant_id = ? and external_ref in (select value from json_array_elements_text(?::json))`,
      [tenantId, JSON.stringify([...new Set(lines.map((l) => l.childRef))])],
    );
    const childByRef = new Map(children.map((c) => [c.external_ref, c]));
    const outcomes: (LineOutcome | ImportLineError[])[] = [];
    for (const line of lines) {
      const child = childByRef.get(line.childRef);
      if (!child) {
        outcomes.push([
          {
            line: line.line,
            column: 'ref_enfant',
            value: line.childRef,
            code: ImportErrorCode.UNKNOWN_CHILD,
            message: msg('import.unknownChildRef', { value: line.childRef }),
          },
        ]);
        continue;
      }
      const facilityId = line.school ? this.facilities.get(normalizeName(line.school))! : child.school_id;
      const name = normalizeName(line.service);
      const serviceId =
        (facilityId ? this.services.get(`${facilityId}|${name}`) : undefined) ??
        this.services.get(`|${name}`);
      if (!serviceId) {
        outcomes.push([
          {
            line: line.line,
            column: 'service',
            value: line.service,
            code: ImportErrorCode.UNKNOWN_SERVICE,
            message: msg('import.unknownService', { value: line.service }),
          },
        ]);
        continue;
      }
      outcomes.push(await this.book(tx, tenantId, line, child, serviceId));
    }
    return outcomes;
  }

  /** The line's sessions booked for the child, set-based; its outcome or its error. */
  private async book(
    tx: EntityManager,
    tenantId: string,
    line: ReservationLine,
    child: { id: string; family_id: string },
    serviceId: string,
  ): Promise<LineOutcome | ImportLineError[]> {
    const fail = (code: ImportErrorCode, message: ImportLineError['message']): ImportLineError[] => [
      { line: line.line, column: 'date_debut', value: `${line.from} – ${line.to}`, code, message },
    ];
    const [row] = await tx.execute<{ sessions: number; held: number; overlapping: number }[]>(
      `select count(*)::int as sessions,
              count(*) filter (where exists (select 1 from reservations r where r.tenant_id = s.tenant_id
                and r.session_id = s.id and r.child_id = ? and r.status <> 'CANCELLED'))::int as held,
              count(*) filter (where exists (select 1 from reservations r where r.tenant_id = s.tenant_id
                and r.child_id = ? and r.session_id <> s.id and r.status <> 'CANCELLED'
                and r.slot && guichet_session_slot(s.date, s.period)))::int as overlapping
       from sessions s
       where s.tenant_id = ? and s.service_id = ? and s.date between ?::date and ?::date and s.cancelled_at is null`,
      [child.id, child.id, tenantId, serviceId, line.from, line.to],
    );
    if (!row.sessions)
      return fail(ImportErrorCode.NO_SESSION, msg('import.noSession', { value: line.service }));
    if (row.overlapping) {
      return fail(ImportErrorCode.OVERLAP, msg('import.overlap', { count: row.overlapping }));
    }
    if (row.held === row.sessions) return 'unchanged';
    await tx.execute(
      `with booked as (
         insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by, created_at, updated_at)
         select gen_random_uuid(), s.tenant_id, s.id, ?, ?, 'BOOKED'::reservation_status, 'IMPORT'::reservation_channel, 'import', ?, ?
         from sessions s
         where s.tenant_id = ? and s.service_id = ? and s.date between ?::date and ?::date and s.cancelled_at is null
           and not exists (select 1 from reservations r where r.tenant_id = s.tenant_id and r.session_id = s.id
             and r.child_id = ? and r.status <> 'CANCELLED')
         returning session_id)
       update sessions s set places_taken = s.places_taken + 1
       from booked where s.tenant_id = ? and s.id = booked.session_id`,
      [
        child.id,
        child.family_id,
        this.now(),
        this.now(),
        tenantId,
        serviceId,
        line.from,
        line.to,
        child.id,
        tenantId,
      ],
    );
    return 'created';
  }
}
