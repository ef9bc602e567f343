import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * A family quotient has a history: each attestation (the CAF's, each January) applies from its
 * effective date, and a charge is priced with the quotient valid on its session's date.
 * `families.family_quotient` stays the quotient on file before any dated attestation (what the
 * seeds and legacy imports give). Charges keep the price they were created with: a new
 * attestation never reprices them.
 */
export class Migration20261202110000FamilyQuotients extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table family_quotients (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      family_id uuid not null,
      quotient int not null check (quotient >= 0),
      effective_from date not null,
      document_ref varchar(255) null,
      recorded_by varchar(255) not null,
      recorded_at timestamptz not null default now(),
      unique (tenant_id, id),
      unique (tenant_id, family_id, effective_from),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    for (const sql of tenantIsolation('family_quotients')) this.addSql(sql);
    this.addSql(`grant select, insert, update on family_quotients to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table family_quotients cascade;`);
  }
}
