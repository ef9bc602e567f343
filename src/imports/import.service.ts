import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { inTenantTransaction, scopeToTenant } from '../db/tenant-scope';
import { msg, oneOf } from '../shared/i18n';
import { openCsv, type CsvSource, type Encoding } from './csv-source';
import { AttendanceImporter } from './attendance.importer';
import { BalancesImporter } from './balances.importer';
import { FamiliesImporter } from './families.importer';
import { JournalImporter } from './journal.importer';
import { ReservationsImporter } from './reservations.importer';
import { Role, type Viewer } from '../auth/viewer';
import { emitEvent, gid } from '../events/emit';
import { Tenant } from '../tenants/tenant.entity';
import { layoutOf, LineReader, type Layout } from './fields';
import {
  Import,
  ImportErrorCode,
  ImportKind,
  ImportMode,
  ImportStatus,
  type ImportLineError,
} from './import.entity';
import type { Importer } from './importer';

/** Valid lines written per statement. */
const BATCH_LINES = 2000;
/** Errors kept on the import (the count covers them all). */
export const MAX_STORED_ERRORS = 1000;
/** A second import of the same tenant waits for the first to finish (one at a time per tenant). */
const IMPORT_LOCK_TIMEOUT_MS = 120_000;

export interface ImportRequest {
  tenantId: string;
  /** Who started it: the token's subject or `api-key:<prefix>`, `cli:<user>` for operators. */
  startedBy: string;
  /** The caller, for imports that act as them (a roll call); a tenant admin when omitted (CLI). */
  viewer?: Viewer;
  kind: ImportKind;
  mode: ImportMode;
  dryRun: boolean;
  /** The file's encoding when the caller knows it; detected otherwise. */
  encoding?: Encoding | null;
  fileName?: string | null;
  /** The body's length when announced (progress as a fraction of it). */
  bytesTotal?: number | null;
  /** Today in the tenant's time zone (birth dates are checked against it). */
  today: string;
  now: () => Date;
}

/** The kinds this version imports; the others are refused before anything is read. */
export const IMPORTABLE_KINDS = [
  ImportKind.FAMILIES,
  ImportKind.RESERVATIONS,
  ImportKind.BALANCES,
  ImportKind.ATTENDANCE,
  ImportKind.ATTENDANCE_JOURNAL,
] as const;

function importerFor(request: ImportRequest, importId: string): Importer<string, unknown> {
  const viewer = request.viewer ?? systemViewer(request);
  const importer =
    request.kind === ImportKind.FAMILIES
      ? new FamiliesImporter()
      : request.kind === ImportKind.ATTENDANCE
        ? new AttendanceImporter(viewer, request.now)
        : request.kind === ImportKind.RESERVATIONS
          ? new ReservationsImporter(request.now)
          : request.kind === ImportKind.ATTENDANCE_JOURNAL
            ? new JournalImporter(viewer, request.now, () => importId)
            : request.kind === ImportKind.BALANCES
              ? new BalancesImporter(request.now)
              : null;
  if (!importer) throw new Error(`no importer for ${request.kind}`);
  return importer as unknown as Importer<string, unknown>;
}

/** Who acts for an import started without a caller's credentials (the operators' command). */
function systemViewer(request: ImportRequest): Viewer {
  return {
    kind: 'PERSON',
    subject: request.startedBy,
    displayName: null,
    roles: [Role.TENANT_ADMIN],
    scopes: [],
    tenantId: request.tenantId,
    familyId: null,
  };
}

/** Rolls the import's transaction back (dry run, refused file) once its report is complete. */
class RollBack extends Error {}

interface Tally {
  read: number;
  valid: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  errorCount: number;
  errors: ImportLineError[];
}

/**
 * Imports one legacy file, streamed: a line is read, checked and, in batches, written as it
 * arrives — the file never sits whole in memory. Everything is written in ONE transaction, so a
 * crash or a refusal leaves nothing: ALL_OR_NOTHING rolls back as soon as the report is complete
 * if any line was wrong (and stops writing at the first); VALID_ONLY commits the valid lines. A
 * dry run runs exactly the same statements and always rolls back, so its report is the one the
 * real run would give (created/updated/unchanged included). The `imports` row is written apart:
 * created RUNNING, its progress committed after each batch (readable while the import runs),
 * finished in the import's own transaction when it commits — or after the rollback otherwise.
 */
export async function runImport(
  orm: MikroORM,
  request: ImportRequest,
  input: AsyncIterable<Buffer | string>,
): Promise<Import> {
  const record = await inTenantTransaction(orm.em.fork(), request.tenantId, async (tx) => {
    const row = tx.create(Import, {
      tenantId: request.tenantId,
      kind: request.kind,
      mode: request.mode,
      dryRun: request.dryRun,
      status: ImportStatus.RUNNING,
      fileName: request.fileName ?? null,
      bytesTotal: request.bytesTotal ?? null,
      startedBy: request.startedBy,
      startedAt: request.now(),
    });
    await tx.flush();
    return row;
  });
  const tally: Tally = {
    read: 0,
    valid: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    conflicts: 0,
    errorCount: 0,
    errors: [],
  };
  let source: CsvSource | null = null;
  const finish = async (tx: EntityManager, status: ImportStatus) => {
    const written = status === ImportStatus.COMPLETED || status === ImportStatus.COMPLETED_WITH_REJECTIONS;
    Object.assign(record, {
      status,
      encoding: source?.encoding ?? null,
      separator: source?.separator ?? null,
      bytesRead: source?.bytesRead() ?? 0,
      linesRead: tally.read,
      linesValid: tally.valid,
      created: written ? tally.created : 0,
      updated: written ? tally.updated : 0,
      unchanged: written ? tally.unchanged : 0,
      rejected: tally.rejected,
      conflicts: written ? tally.conflicts : 0,
      errorCount: tally.errorCount,
      // Write-time refusals arrive after later lines' own errors: the report reads in file order.
      errors: [...tally.errors].sort((a, b) => a.line - b.line),
      finishedAt: request.now(),
    });
    await tx.execute(
      `update imports set status = ?, encoding = ?, separator = ?, bytes_read = ?, lines_read = ?, lines_valid = ?,
         created = ?, updated = ?, unchanged = ?, rejected = ?, conflicts = ?, error_count = ?, errors = ?::jsonb, finished_at = ?
       where tenant_id = ? and id = ?`,
      [
        record.status,
        record.encoding,
        record.separator,
        record.bytesRead,
        record.linesRead,
        record.linesValid,
        record.created,
        record.updated,
        record.unchanged,
        record.rejected,
        record.conflicts,
        record.errorCount,
        JSON.stringify(record.errors),
        record.finishedAt,
        request.tenantId,
        record.id,
      ],
    );
    // In the transaction that records the outcome: the event exists if and only if it is recorded.
    const tenant = await tx.findOneOrFail(Tenant, { id: request.tenantId });
    await emitEvent(
      { em: tx, viewer: request.viewer ?? systemViewer(request), tenant, now: request.now },
      'import.finished',
      gid('Import', record.id),
      {
        kind: record.kind,
        mode: record.mode,
        dryRun: record.dryRun,
        status: record.status,
        linesRead: record.linesRead,
        created: record.created,
        updated: record.updated,
        unchanged: record.unchanged,
        rejected: record.rejected,
      },
    );
  };

  let status = ImportStatus.FAILED;
  try {
    await orm.em.fork().transactional(async (tx) => {
      await scopeToTenant(tx, request.tenantId, {
        lockTimeoutMs: IMPORT_LOCK_TIMEOUT_MS,
        statementTimeoutMs: 0,
      });
      await tx.execute(`select pg_advisory_xact_lock(hashtext('guichet:import:' || ?))`, [request.tenantId]);
      source = await openCsv(input, request.encoding ?? undefined);
      status = await importLines(orm, tx, request, record.id, source, tally);
      if (request.dryRun || status === ImportStatus.REJECTED) throw new RollBack();
      await finish(tx, status);
    });
  } catch (error) {
    if (!(error instanceof RollBack)) {
      await inTenantTransaction(orm.em.fork(), request.tenantId, (tx) => finish(tx, ImportStatus.FAILED));
      throw error;
    }
    await inTenantTransaction(orm.em.fork(), request.tenantId, (tx) => finish(tx, status));
  }
  return record;
}

/** Reads every line, writes the valid ones in batches; the import's status once all are read. */
async function importLines(
  orm: MikroORM,
  tx: EntityManager,
  request: ImportRequest,
  importId: string,
  source: CsvSource,
  tally: Tally,
): Promise<ImportStatus> {
  const importer = importerFor(request, importId);
  await importer.prepare(tx, request.tenantId, request.today);
  const report = (error: ImportLineError) => {
    tally.errorCount++;
    if (tally.errors.length < MAX_STORED_ERRORS) tally.errors.push(error);
  };
  const rejectLine = (errors: ImportLineError[]) => {
    tally.rejected++;
    errors.forEach(report);
  };

  let header: string[] | null = null;
  let layout: Layout<string> | null = null;
  let batch: unknown[] = [];
  // A batch is written while the next one is read and checked (the two cores each do one).
  let inFlight: Promise<void> = Promise.resolve();
  const progress = () =>
    inTenantTransaction(orm.em.fork(), request.tenantId, (other) =>
      other.execute(`update imports set bytes_read = ?, lines_read = ? where tenant_id = ? and id = ?`, [
        source.bytesRead(),
        tally.read,
        request.tenantId,
        importId,
      ]),
    );
  const flush = async () => {
    await inFlight;
    const lines = batch;
    batch = [];
    // ALL_OR_NOTHING keeps writing after a wrong line (rolled back at the end): the errors only
    // the database can tell (a child not found) are reported for every line, not up to the first.
    if (!lines.length) {
      await progress();
      return;
    }
    inFlight = importer.write(tx, request.tenantId, lines).then(async (outcomes) => {
      for (const outcome of outcomes) {
        if (outcome === 'conflict') {
          // The attendance did not change: unchanged, and counted apart for the agent.
          tally.unchanged++;
          tally.conflicts++;
        } else if (typeof outcome === 'string') tally[outcome]++;
        else {
          tally.valid--;
          rejectLine(outcome);
        }
      }
      await progress();
    });
    // Never left unhandled while the next batch is read; awaited (and thrown) at the next flush.
    inFlight.catch(() => undefined);
  };
  const skippedLines = () => {
    for (const skipped of source.takeSkipped()) {
      tally.read++;
      rejectLine([
        {
          line: skipped.line,
          column: null,
          value: skipped.raw.slice(0, 200),
          code: ImportErrorCode.CSV_SYNTAX,
          message: msg('import.csvSyntax'),
        },
      ]);
    }
  };

  for await (const record of source.records) {
    skippedLines();
    if (!header) {
      header = record.fields;
      const found = layoutOf<string>(header, importer.columns);
      if ('missing' in found) {
        const { name, aliases } = found.missing;
        report({
          line: record.line,
          column: null,
          value: record.raw.slice(0, 200),
          code: ImportErrorCode.MISSING_COLUMN,
          message: msg('import.missingColumn', {
            column: aliases[0] ?? name,
            accepted: oneOf([name, ...aliases]),
          }),
        });
        return ImportStatus.REJECTED;
      }
      layout = found.layout;
      continue;
    }
    tally.read++;
    if (record.fields.length !== header.length) {
      rejectLine([
        {
          line: record.line,
          column: null,
          value: record.raw.length > 200 ? `${record.raw.slice(0, 199)}…` : record.raw,
          code: ImportErrorCode.FIELD_COUNT,
          message: msg('import.fieldCount', { expected: header.length, found: record.fields.length }),
        },
      ]);
      continue;
    }
    const reader = new LineReader(record.line, record.fields, layout!);
    const line = importer.read(reader, source.encoding);
    if (line === null) {
      rejectLine(reader.errors);
      continue;
    }
    tally.valid++;
    batch.push(line);
    if (batch.length >= BATCH_LINES) await flush();
  }
  skippedLines();
  await flush();
  await inFlight;
  if (!header) {
    report({
      line: 1,
      column: null,
      value: null,
      code: ImportErrorCode.MISSING_COLUMN,
      message: msg('import.emptyFile'),
    });
    return ImportStatus.REJECTED;
  }
  if (tally.rejected === 0) return ImportStatus.COMPLETED;
  return request.mode === ImportMode.VALID_ONLY
    ? ImportStatus.COMPLETED_WITH_REJECTIONS
    : ImportStatus.REJECTED;
}
