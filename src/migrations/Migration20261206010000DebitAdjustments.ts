import { Migration } from '@mikro-orm/migrations';

/**
 * Debit batches may be prepared before they are exported: a PREPARED batch's debits follow the
 * family's payments and credits (a debit reduced to what its invoices still owe, WITHDRAWN at
 * zero) until the batch is exported (`exported_at`), after which its file — what the bank takes —
 * never changes.
 */
export class Migration20261206010000DebitAdjustments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table sepa_debit_batches drop constraint sepa_debit_batches_status_check,
      add constraint sepa_debit_batches_status_check check (status in ('PREPARED', 'EXPORTED', 'SETTLED')),
      add column exported_at timestamptz null;`);
    this.addSql(`update sepa_debit_batches set exported_at = created_at;`);
    this.addSql(`alter table sepa_debit_batches add constraint sepa_debit_batches_exported
      check ((status = 'PREPARED') = (exported_at is null));`);
    this.addSql(`alter table sepa_debits drop constraint sepa_debits_status_check,
      add constraint sepa_debits_status_check check (status in ('PENDING', 'COLLECTED', 'REJECTED', 'WITHDRAWN'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from sepa_debits where status = 'WITHDRAWN';`);
    this.addSql(`alter table sepa_debits drop constraint sepa_debits_status_check,
      add constraint sepa_debits_status_check check (status in ('PENDING', 'COLLECTED', 'REJECTED'));`);
    this.addSql(`alter table sepa_debit_batches drop constraint sepa_debit_batches_exported,
      drop constraint sepa_debit_batches_status_check, drop column exported_at;`);
    this.addSql(`update sepa_debit_batches set status = 'EXPORTED' where status = 'PREPARED';`);
    this.addSql(`alter table sepa_debit_batches
      add constraint sepa_debit_batches_status_check check (status in ('EXPORTED', 'SETTLED'));`);
  }
}
