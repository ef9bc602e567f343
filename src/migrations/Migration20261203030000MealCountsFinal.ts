import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * A school's meal counts for a day become final when booking closes for it; the job that tells
 * vendors (`mealCounts.final`) records each day it announced, so it announces each once.
 */
export class Migration20261203030000MealCountsFinal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table meal_count_announcements (
      tenant_id uuid not null references tenants (id),
      facility_id uuid not null,
      date date not null,
      announced_at timestamptz not null,
      primary key (tenant_id, facility_id, date),
      foreign key (tenant_id, facility_id) references facilities (tenant_id, id));`);
    for (const sql of tenantIsolation('meal_count_announcements')) this.addSql(sql);
    this.addSql(`grant select, insert on meal_count_announcements to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table meal_count_announcements;`);
  }
}
