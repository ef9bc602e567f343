import { Migration } from '@mikro-orm/migrations';

/**
 * Schools carry their national code (UAI: seven digits and a check letter, see
 * src/facilities/national-code.ts), which the caterer's kitchens and the State's systems use to
 * name them. Null for places without one (crèches, leisure centres, Québec's CPE); unique within a
 * tenant. The CHECK tests the format first, so a malformed code is a check violation, never a
 * cast error.
 */
export class Migration20261201010000SchoolNationalCode extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table facilities add column national_code varchar(8) null
      constraint facilities_national_code_uai check (
        case when national_code is null then true
             when national_code ~ '^[0-9]{7}[A-Z]$'
             then right(national_code, 1) = substr('ABCDEFGHJKLMNPRSTUVWXYZ', left(national_code, 7)::int % 23 + 1, 1)
             else false end);`);
    this
      .addSql(`create unique index facilities_tenant_national_code_idx on facilities (tenant_id, national_code)
      where national_code is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists facilities_tenant_national_code_idx;`);
    this.addSql(`alter table facilities drop column if exists national_code;`);
  }
}
