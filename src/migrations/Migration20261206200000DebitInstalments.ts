import { Migration } from '@mikro-orm/migrations';

/**
 * A household's due payment-plan instalments ride in its debit of a batch (`instalment_ids`, in
 * plan and position order; `instalment_amount`, what they still owed when it was created, as
 * reduced while its batch is PREPARED): the plan's invoices are no longer debited in full. An
 * instalment is never in two debits pending or collected: the batch query leaves such instalments
 * out under the tenant's batch lock.
 */
export class Migration20261206200000DebitInstalments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table sepa_debits
      add column instalment_ids uuid[] not null default '{}',
      add column instalment_amount int not null default 0 check (instalment_amount >= 0),
      add constraint sepa_debits_instalments check (cardinality(instalment_ids) > 0 or instalment_amount = 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table sepa_debits drop constraint sepa_debits_instalments,
      drop column instalment_ids, drop column instalment_amount;`);
  }
}
