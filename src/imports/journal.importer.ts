import type { EntityManager } from '@mikro-orm/postgresql';
import { mergeAction } from '../attendance/journal.service';
import type { Viewer } from '../auth/viewer';
import { msg } from '../shared/i18n';
import { Tenant } from '../tenants/tenant.entity';
import { findChildren, readSessionAndChild, unknownChild } from './attendance.importer';
import type { ColumnSpec, LineReader } from './fields';
import { ImportErrorCode, type ImportLineError } from './import.entity';
import type { Importer, LineOutcome } from './importer';

/** The columns of a tablet's journal (docs/imports.md, "Offline roll call"). */
export const JOURNAL_COLUMNS = [
  { name: 'appareil', aliases: ['device_id', 'device', 'tablette'], required: true },
  { name: 'action_id', aliases: ['id_action', 'sequence'], required: true },
  { name: 'horodatage', aliases: ['recorded_at', 'instant'], required: true },
  { name: 'seance_id', aliases: ['session_id', 'seance'], required: true },
  { name: 'enfant_id', aliases: ['child_id'] },
  { name: 'ref_enfant', aliases: ['child_ref', 'reference_enfant'] },
  { name: 'nom', aliases: ['last_name', 'enfant_nom'] },
  { name: 'prenom', aliases: ['first_name', 'enfant_prenom'] },
  { name: 'action', aliases: ['presence', 'mark'], required: true },
] as const satisfies readonly ColumnSpec[];
export type JournalColumn = (typeof JOURNAL_COLUMNS)[number]['name'];

/** WALK_IN is "present" for a child with no booking, named by name at the session's school. */
const ACTIONS = [
  ['PRESENT', true],
  ['ABSENT', false],
  ['WALK_IN', true],
  ['P', true],
  ['A', false],
] as const;

/** A tablet's clock may run a little ahead of the server's. */
const CLOCK_SKEW_MS = 5 * 60_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

export interface JournalLine {
  line: number;
  deviceId: string;
  actionId: string;
  recordedAt: Date;
  sessionId: string;
  childId: string | null;
  childRef: string | null;
  name: { last: string; first: string } | null;
  present: boolean;
}

/**
 * A roll recorded offline on a school's tablet: one line per action, stamped with the device and
 * the instant it was recorded. Each action is merged by `mergeAction` (the roll call's rules,
 * idempotent per device and action, conflicts between devices kept for an agent). Outcomes:
 * created (a walk-in), updated (an outcome changed), unchanged (sent before, superseded, agreeing),
 * conflict (counted apart, and as unchanged: the attendance did not change).
 */
export class JournalImporter implements Importer<JournalColumn, JournalLine> {
  readonly columns = JOURNAL_COLUMNS;
  private tenant: Tenant | null = null;
  private readonly seen = new Set<string>();

  constructor(
    private readonly viewer: Viewer,
    private readonly now: () => Date,
    private readonly importId: () => string,
  ) {}

  async prepare(tx: EntityManager, tenantId: string): Promise<void> {
    this.tenant = await tx.findOneOrFail(Tenant, { id: tenantId });
  }

  read(r: LineReader<JournalColumn>, encoding: string): JournalLine | null {
    r.checkEncoding(
      encoding,
      JOURNAL_COLUMNS.map((c) => c.name),
    );
    const deviceId = r.text('appareil', { required: true, max: 64 });
    const actionId = r.text('action_id', { required: true, max: 64 });
    const instant = r.text('horodatage', { required: true });
    const recordedAt = instant && ISO_INSTANT.test(instant) ? new Date(instant) : null;
    if (
      instant &&
      (!recordedAt ||
        Number.isNaN(recordedAt.getTime()) ||
        recordedAt.getTime() > this.now().getTime() + CLOCK_SKEW_MS)
    ) {
      r.fail('horodatage', ImportErrorCode.BAD_DATE, msg('import.badInstant', { value: instant }));
    }
    const { session, child, childText, childRef, last, first } = readSessionAndChild(r);
    const present = r.choice('action', ACTIONS, null);
    if (present === null && !r.raw('action')) {
      r.fail('action', ImportErrorCode.MISSING_FIELD, msg('import.missingField', { column: 'action' }));
    }
    const named = Boolean(childText || childRef);
    if (!named && !(last && first)) {
      r.fail(
        last ? 'prenom' : 'nom',
        ImportErrorCode.MISSING_FIELD,
        msg('import.missingField', { column: last ? 'prenom' : 'nom' }),
      );
    }
    if (deviceId && actionId) {
      const key = JSON.stringify([deviceId, actionId]);
      if (this.seen.has(key)) {
        r.fail(
          'action_id',
          ImportErrorCode.DUPLICATE_IN_FILE,
          msg('import.actionTwice', { device: deviceId, action: actionId }),
        );
      }
      this.seen.add(key);
    }
    if (r.errors.length || !session || !deviceId || !actionId || !recordedAt || present === null) return null;
    return {
      line: r.line,
      deviceId,
      actionId,
      recordedAt,
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
    lines: JournalLine[],
  ): Promise<(LineOutcome | ImportLineError[])[]> {
    const matches = await findChildren(tx, tenantId, lines);
    const ctx = { em: tx, viewer: this.viewer, tenant: this.tenant!, now: this.now };
    const outcomes: (LineOutcome | ImportLineError[])[] = [];
    // One action after the other, in file order: a device's journal is a sequence.
    for (const line of lines) {
      const match = matches.get(line.line) ?? [];
      if (match.length !== 1) {
        outcomes.push([unknownChild(line)]);
        continue;
      }
      const result = await mergeAction(ctx, { ...line, childId: match[0].childId }, this.importId());
      if ('outcome' in result) outcomes.push(result.outcome);
      else if ('reused' in result) {
        outcomes.push([
          {
            line: line.line,
            column: 'action_id',
            value: line.actionId,
            code: ImportErrorCode.DUPLICATE_EXTERNAL_REF,
            message: msg('import.actionReused', { device: line.deviceId, action: line.actionId }),
          },
        ]);
      } else {
        outcomes.push([
          {
            line: line.line,
            column: 'action',
            value: line.present ? 'PRESENT' : 'ABSENT',
            code: result.billed ? ImportErrorCode.DAY_BILLED : ImportErrorCode.ROLL_CALL_REFUSED,
            message: result.refused,
          },
        ]);
      }
    }
    return outcomes;
  }
}
