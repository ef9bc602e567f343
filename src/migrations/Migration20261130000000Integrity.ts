import { Migration } from '@mikro-orm/migrations';

/**
 * Integrity work: absence reasons say whether they may excuse a late cancellation (the tenant's
 * setting; documented reasons do by default), and the idempotency keys' purge reads them by age.
 */
export class Migration20261130000000Integrity extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table absence_reasons add column excuses_late_cancellation boolean not null default false;`,
    );
    this.addSql(`update absence_reasons set excuses_late_cancellation = requires_document;`);
    this.addSql(`create index idempotency_keys_created_idx on idempotency_keys (tenant_id, created_at);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists idempotency_keys_created_idx;`);
    this.addSql(`alter table absence_reasons drop column if exists excuses_late_cancellation;`);
  }
}
