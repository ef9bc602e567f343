import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { amount, msg } from '../shared/i18n';
import { keptRows } from './families.importer';
import type { ColumnSpec, LineReader } from './fields';
import { ImportErrorCode, type ImportLineError } from './import.entity';
import type { Importer, LineOutcome } from './importer';

/** The columns of a legacy export of unpaid amounts: one line per family and document. */
export const BALANCE_COLUMNS = [
  {
    name: 'ref_famille',
    aliases: ['family_ref', 'reference_famille', 'num_famille', 'code_famille', 'id_famille', 'dossier'],
    required: true,
  },
  {
    name: 'montant',
    aliases: ['amount', 'solde', 'montant_du', 'reste_du', 'restant_du', 'reste_a_payer', 'impaye'],
    required: true,
  },
  { name: 'origine', aliases: ['origin', 'libelle', 'label', 'motif', 'objet'], required: true },
  {
    name: 'date',
    aliases: ['date_echeance', 'echeance', 'due_date', 'date_piece', 'date_facture', 'periode'],
  },
  {
    name: 'ref_piece',
    aliases: [
      'legacy_ref',
      'reference_piece',
      'num_piece',
      'numero_piece',
      'num_facture',
      'numero_facture',
      'ref_facture',
      'piece',
    ],
    required: true,
  },
] as const satisfies readonly ColumnSpec[];
export type BalanceColumn = (typeof BALANCE_COLUMNS)[number]['name'];

/** No family owes a town 100,000 € of canteen: such an amount is a mistake in the export. */
export const MAX_BALANCE_MINOR_UNITS = 10_000_000;
/** A date older than this is a typo (2015 for 2025), not a debt still collected. */
const MAX_AGE_YEARS = 10;

export interface BalanceLine {
  line: number;
  familyRef: string;
  /** The document's reference in the previous software: with the family, the idempotency key. */
  ref: string;
  /** Minor units, more than zero. */
  amount: number;
  label: string;
  /** YYYY-MM-DD, or null: the charge is then dated the import's day (and a re-import keeps its date). */
  date: string | null;
  /** The amount and date as the file writes them, for the report. */
  raw: { montant: string; date: string };
}

interface StoredBalance {
  id: string;
  family_id: string;
  external_ref: string;
  amount: number;
  label: string;
  date: string;
  invoice_id: string | null;
  number: string | null;
}

/**
 * Opening balances: what each family still owed the previous software, as one OPENING_BALANCE
 * charge per family and legacy document reference — no reservation, service nor child, its origin
 * label and reference kept — which the next billing run puts on the family's invoice. The family
 * is found by its reference (a merged one's names the kept family). Idempotent by family and
 * reference: the same line again is unchanged; a corrected amount, label or date updates the
 * charge while it is not invoiced, and is refused (BALANCE_INVOICED) once it is — an invoiced
 * charge is corrected through correctBilledCharge, never by an import.
 */
export class BalancesImporter implements Importer<BalanceColumn, BalanceLine> {
  readonly columns = BALANCE_COLUMNS;
  private currency = 'EUR';
  private today = '';
  /** `<family ref>\0<document ref>` → the first line giving it (DUPLICATE_IN_FILE). */
  private lines = new Map<string, number>();
  /** `<family id>\0<document ref>` → the first line written: two references of one merged family. */
  private written = new Map<string, number>();
  /** The header's names of the columns write-time errors point at. */
  private labels: Record<'ref_famille' | 'montant' | 'origine' | 'date', string> | null = null;

  constructor(private readonly now: () => Date) {}

  async prepare(tx: EntityManager, tenantId: string, today: string): Promise<void> {
    this.today = today;
    const [tenant] = await tx.execute<{ currency: string }[]>(`select currency from tenants where id = ?`, [
      tenantId,
    ]);
    this.currency = tenant.currency;
  }

  read(r: LineReader<BalanceColumn>, encoding: string): BalanceLine | null {
    this.labels ??= {
      ref_famille: r.label('ref_famille'),
      montant: r.label('montant'),
      origine: r.label('origine'),
      date: r.label('date'),
    };
    r.checkEncoding(
      encoding,
      BALANCE_COLUMNS.map((c) => c.name),
    );
    const familyRef = r.text('ref_famille', { required: true });
    const value = r.amount('montant', {
      required: true,
      max: MAX_BALANCE_MINOR_UNITS,
      currency: this.currency,
    });
    // Kept whole on the invoice line ("Solde antérieur — <origine> — réf. <ref_piece>", 255 at most).
    const label = r.text('origine', { required: true, max: 160 });
    const date = r.date('date');
    const oldest = DateTime.fromISO(this.today).minus({ years: MAX_AGE_YEARS }).toISODate()!;
    if (date && (date > this.today || date < oldest)) {
      r.fail('date', ImportErrorCode.BAD_DATE, msg('import.balanceDateOutOfRange', { value: r.raw('date') }));
    }
    const ref = r.text('ref_piece', { required: true, max: 64 });
    if (familyRef && ref) {
      const key = `${familyRef}\0${ref}`;
      const first = this.lines.get(key);
      if (first !== undefined) {
        r.fail(
          'ref_piece',
          ImportErrorCode.DUPLICATE_IN_FILE,
          msg('import.duplicateBalance', { ref, firstLine: first }),
        );
      } else this.lines.set(key, r.line);
    }
    if (r.errors.length || !familyRef || value === null || !label || !ref) return null;
    return {
      line: r.line,
      familyRef,
      ref,
      amount: value,
      label,
      date,
      raw: { montant: r.raw('montant'), date: r.raw('date') },
    };
  }

  async write(
    tx: EntityManager,
    tenantId: string,
    lines: BalanceLine[],
  ): Promise<(LineOutcome | ImportLineError[])[]> {
    const families = await keptRows<{ id: string; external_ref: string; merged: boolean }>(
      tx,
      'families',
      'id, external_ref, merged_into_id',
      tenantId,
      [...new Set(lines.map((l) => l.familyRef))],
    );
    const familyOf = new Map(families.map((f) => [f.external_ref, f.id]));
    const keys = new Map<string, { family_id: string; external_ref: string }>();
    for (const line of lines) {
      const familyId = familyOf.get(line.familyRef);
      if (familyId) keys.set(`${familyId}\0${line.ref}`, { family_id: familyId, external_ref: line.ref });
    }
    // Locked: a billing run invoicing one of them meanwhile is waited for, then seen invoiced.
    const stored = keys.size
      ? await tx.execute<StoredBalance[]>(
          `select c.id, c.family_id, c.external_ref, c.amount, c.label, to_char(c.date, 'YYYY-MM-DD') as date,
                  c.invoice_id, i.number
           from charges c
           join jsonb_to_recordset(?::jsonb) as k(family_id uuid, external_ref text)
             on c.family_id = k.family_id and c.external_ref = k.external_ref
           left join invoices i on i.tenant_id = c.tenant_id and i.id = c.invoice_id
           where c.tenant_id = ? and c.reason = 'OPENING_BALANCE'
           for update of c`,
          [JSON.stringify([...keys.values()]), tenantId],
        )
      : [];
    const storedOf = new Map(stored.map((row) => [`${row.family_id}\0${row.external_ref}`, row]));

    const labels = this.labels!;
    const fail = (
      line: BalanceLine,
      column: keyof typeof labels,
      value: string,
      error: ImportLineError['message'],
      code: ImportErrorCode,
    ): ImportLineError[] => [{ line: line.line, column: labels[column], value, code, message: error }];
    const inserts: object[] = [];
    const updates: object[] = [];
    const outcomes: (LineOutcome | ImportLineError[])[] = [];
    for (const line of lines) {
      const familyId = familyOf.get(line.familyRef);
      if (!familyId) {
        outcomes.push(
          fail(
            line,
            'ref_famille',
            line.familyRef,
            msg('import.unknownFamilyRef', { value: line.familyRef }),
            ImportErrorCode.UNKNOWN_FAMILY,
          ),
        );
        continue;
      }
      const key = `${familyId}\0${line.ref}`;
      const first = this.written.get(key);
      if (first !== undefined) {
        // Two references of one household (one merged into the other) giving the same document.
        outcomes.push(
          fail(
            line,
            'ref_famille',
            line.familyRef,
            msg('import.duplicateBalance', { ref: line.ref, firstLine: first }),
            ImportErrorCode.DUPLICATE_IN_FILE,
          ),
        );
        continue;
      }
      this.written.set(key, line.line);
      const row = storedOf.get(key);
      if (!row) {
        inserts.push({
          id: randomUUID(),
          family_id: familyId,
          date: line.date ?? this.today,
          amount: line.amount,
          label: line.label,
          external_ref: line.ref,
        });
        outcomes.push('created');
        continue;
      }
      const changed =
        row.amount !== line.amount
          ? 'montant'
          : row.label !== line.label
            ? 'origine'
            : line.date !== null && row.date !== line.date
              ? 'date'
              : null;
      if (!changed) outcomes.push('unchanged');
      else if (row.invoice_id) {
        outcomes.push(
          fail(
            line,
            changed,
            changed === 'origine' ? line.label : line.raw[changed],
            msg('import.balanceInvoiced', {
              ref: line.ref,
              invoice: row.number ?? row.invoice_id,
              amount: amount(row.amount, this.currency),
            }),
            ImportErrorCode.BALANCE_INVOICED,
          ),
        );
      } else {
        updates.push({ id: row.id, amount: line.amount, label: line.label, date: line.date });
        outcomes.push('updated');
      }
    }
    await this.upsert(tx, tenantId, inserts, updates);
    return outcomes;
  }

  private async upsert(tx: EntityManager, tenantId: string, inserts: object[], updates: object[]) {
    if (inserts.length) {
      await tx.execute(
        `insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity,
           unit_price, amount, currency, label, external_ref, created_at)
         select r.id, ?, r.family_id, null, null, null, r.date, 'OPENING_BALANCE', 1, r.amount, r.amount, ?, r.label,
                r.external_ref, ?
         from jsonb_to_recordset(?::jsonb) as r(id uuid, family_id uuid, date date, amount int, label text,
           external_ref text)`,
        [tenantId, this.currency, this.now(), JSON.stringify(inserts)],
      );
    }
    if (updates.length) {
      await tx.execute(
        `update charges c set amount = r.amount, unit_price = r.amount, label = r.label, date = coalesce(r.date, c.date)
         from jsonb_to_recordset(?::jsonb) as r(id uuid, amount int, label text, date date)
         where c.tenant_id = ? and c.id = r.id and c.invoice_id is null`,
        [JSON.stringify(updates), tenantId],
      );
    }
  }
}
