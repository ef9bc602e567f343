import { Migration } from '@mikro-orm/migrations';

/**
 * Debit batches may be prepared before they are exported: a PREPARED batch's debits follow the
 * family's payments and credits (a debit reduced to what its invoices still owe, WITHDRAWN at
 * zero) until the batch is exported (`exported_at`), after which its file — what the bank takes —
 * never changes. A household's monthly water debit goes in the debit of the batch whose collection
 * date falls in that month (`water_period`, `water_amount`), at most once per household and month
 * while it is pending or collected (a partial unique index).
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
      add constraint sepa_debits_status_check check (status in ('PENDING', 'COLLECTED', 'REJECTED', 'WITHDRAWN')),
      add column water_service_id uuid null,
      add column water_period varchar(7) null check (water_period ~ '^[0-9]{4}-[0-9]{2}$'),
      add column water_amount int not null default 0 check (water_amount >= 0),
      add constraint sepa_debits_water check ((water_period is null) = (water_amount = 0 and water_service_id is null));`);
    this
      .addSql(`create unique index sepa_debits_water_once on sepa_debits (tenant_id, family_id, water_service_id, water_period)
      where water_period is not null and status in ('PENDING', 'COLLECTED');`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from sepa_debits where status = 'WITHDRAWN';`);
    this.addSql(`drop index sepa_debits_water_once;`);
    this.addSql(`alter table sepa_debits drop constraint sepa_debits_water, drop column water_service_id,
      drop column water_period, drop column water_amount;`);
    this.addSql(`alter table sepa_debits drop constraint sepa_debits_status_check,
      add constraint sepa_debits_status_check check (status in ('PENDING', 'COLLECTED', 'REJECTED'));`);
    this.addSql(`alter table sepa_debit_batches drop constraint sepa_debit_batches_exported,
      drop constraint sepa_debit_batches_status_check, drop column exported_at;`);
    this.addSql(`update sepa_debit_batches set status = 'EXPORTED' where status = 'PREPARED';`);
    this.addSql(`alter table sepa_debit_batches
      add constraint sepa_debit_batches_status_check check (status in ('EXPORTED', 'SETTLED'));`);
  }
}
