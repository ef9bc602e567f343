import type { EntityManager } from '@mikro-orm/postgresql';
import type { ColumnSpec, LineReader } from './fields';
import type { ImportLineError } from './import.entity';

/** What became of a valid line once written. */
export type LineOutcome = 'created' | 'updated' | 'unchanged' | 'conflict';

/**
 * One kind of import: the columns it reads, how it checks a line (recording its errors on the
 * reader, and what the file itself contradicts: duplicates), and how it writes a batch of valid
 * lines inside the import's transaction, set-based (one statement per table and batch).
 */
export interface Importer<C extends string, L> {
  readonly columns: readonly ColumnSpec[];
  /** Loads what lines are checked against (schools, services…), once per import. */
  prepare(tx: EntityManager, tenantId: string, today: string): Promise<void>;
  /** The line's values when it is valid; null when it is not (its errors are on the reader). */
  read(reader: LineReader<C>, encoding: string): L | null;
  /**
   * Writes valid lines; one outcome per line, in order — or the line's errors, when what the
   * database holds refuses it (a child not found, the roll call's refusal).
   */
  write(tx: EntityManager, tenantId: string, lines: L[]): Promise<(LineOutcome | ImportLineError[])[]>;
}
