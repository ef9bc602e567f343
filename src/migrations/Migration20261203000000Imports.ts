import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Legacy imports (src/imports/): one row per import, its counts, its progress while it runs and
 * the first errors it found (line, column, raw value, code, message key and parameters). A dry run
 * keeps its row too (`dry_run`): it is the report an agent reads back; it writes no other row.
 * Children get the reference they had in the previous software, as families already have theirs:
 * a second import of the same file matches both and changes nothing.
 */
export class Migration20261203000000Imports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table imports (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      kind varchar(32) not null,
      mode varchar(32) not null,
      dry_run boolean not null,
      status varchar(32) not null,
      file_name varchar(255) null,
      encoding varchar(32) null,
      separator varchar(1) null,
      bytes_read bigint not null default 0,
      bytes_total bigint null,
      lines_read int not null default 0,
      lines_valid int not null default 0,
      created int not null default 0,
      updated int not null default 0,
      unchanged int not null default 0,
      rejected int not null default 0,
      error_count int not null default 0,
      errors jsonb not null default '[]' check (jsonb_typeof(errors) = 'array'),
      started_by varchar(255) not null,
      started_at timestamptz not null,
      finished_at timestamptz null,
      unique (tenant_id, id));`);
    this.addSql(`create index imports_tenant_started_idx on imports (tenant_id, started_at, id);`);
    for (const sql of tenantIsolation('imports')) this.addSql(sql);
    this.addSql(`grant select, insert, update on imports to guichet_api;`);

    this.addSql(`alter table children add column external_ref varchar(255) null;`);
    this.addSql(
      `create unique index children_tenant_external_ref_idx on children (tenant_id, external_ref);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists children_tenant_external_ref_idx;`);
    this.addSql(`alter table children drop column if exists external_ref;`);
    this.addSql(`drop table imports cascade;`);
  }
}
