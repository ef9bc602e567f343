import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Water (Saint-Nazaire): consumption charges from meter readings (no reservation), a monthly
 * direct-debit schedule per family, and debits earmarked for the year's regularisation.
 */
export class Migration20261123040000Water extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table billing_runs alter column kind type varchar(32);`);
    this.addSql(
      `alter table charges alter column reservation_id drop not null, alter column child_id drop not null;`,
    );
    this.addSql(
      `alter table charges add constraint charges_reservation_or_consumption
         check (reservation_id is not null or reason = 'CONSUMPTION');`,
    );
    this.addSql(`
      alter table payments
        add column service_id uuid null,
        add column debit_period char(7) null check (debit_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        add foreign key (tenant_id, service_id) references services (tenant_id, id),
        add check ((service_id is null) = (debit_period is null));`);
    // A month's debit is taken once per family and service, however often the collection runs.
    this.addSql(
      `create unique index payments_one_debit_per_month on payments (tenant_id, family_id, service_id, debit_period)
         where debit_period is not null;`,
    );
    this.addSql(`
      create table water_debit_schedules (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        service_id uuid not null,
        monthly_amount int not null check (monthly_amount > 0),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        unique (tenant_id, id),
        unique (tenant_id, family_id, service_id),
        foreign key (tenant_id, family_id) references families (tenant_id, id),
        foreign key (tenant_id, service_id) references services (tenant_id, id)
      );`);
    for (const sql of tenantIsolation('water_debit_schedules')) this.addSql(sql);
    this.addSql(`grant select, insert, update on water_debit_schedules to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists water_debit_schedules;`);
    this.addSql(`drop index if exists payments_one_debit_per_month;`);
    this.addSql(`alter table payments drop column if exists debit_period, drop column if exists service_id;`);
    this.addSql(`alter table charges drop constraint if exists charges_reservation_or_consumption;`);
  }
}
