import { Migration } from '@mikro-orm/migrations';

/**
 * A billing run fills `invoices` and `invoice_lines` inside one transaction. On a database whose
 * statistics still call them empty (a first run), PostgreSQL 15 plans the foreign-key checks and
 * the batch selection as if they held one row, and a 20,000-family run takes minutes instead of
 * seconds. The run refreshes their statistics after its first batch through this function: only
 * the owner may ANALYZE before PostgreSQL 17, so it runs with the owner's rights, and it does
 * nothing else.
 */
export class Migration20261130010000BillingStatistics extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function guichet_analyze_billing() returns void
      language sql security definer set search_path = public as $$
        analyze invoices, invoice_lines, allocations;
      $$;`);
    this.addSql(`revoke all on function guichet_analyze_billing() from public;`);
    this.addSql(`grant execute on function guichet_analyze_billing() to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists guichet_analyze_billing();`);
  }
}
