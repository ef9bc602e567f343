import { render, type Language } from '../shared/i18n';
import { toGlobalId } from '../shared/ids';
import { ImportKind, type Import } from './import.entity';

/** An import's report as POST /imports/<kind> and `npm run import` print it, messages rendered in the reader's language. */
export function importReport(row: Import, language: Language) {
  return {
    import: {
      id: toGlobalId('Import', row.id),
      kind: row.kind,
      mode: row.mode,
      dryRun: row.dryRun,
      status: row.status,
      encoding: row.encoding,
      separator: row.separator,
      linesRead: row.linesRead,
      linesValid: row.linesValid,
      created: row.created,
      updated: row.updated,
      unchanged: row.unchanged,
      rejected: row.rejected,
      // Only a journal has conflicts: the other kinds' reports stay as they were.
      ...(row.kind === ImportKind.ATTENDANCE_JOURNAL ? { conflicts: row.conflicts } : {}),
      errorCount: row.errorCount,
      errors: row.errors.map((e) => ({ ...e, message: render(e.message, language) })),
    },
  };
}
