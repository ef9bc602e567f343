import { Migration } from '@mikro-orm/migrations';

/**
 * A placement is billed monthly (src/placements/billing/monthly-charges.ts): one charge per
 * placement and month, without a reservation, reason PLACEMENT_MONTH — held by a unique index, so
 * a billing run run again adds nothing.
 */
export class Migration20261203010000PlacementCharges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table charges add column placement_id uuid null,
      add foreign key (tenant_id, placement_id) references placements (tenant_id, id);`);
    this.addSql(`alter table charges drop constraint charges_reservation_or_consumption,
      add constraint charges_reservation_or_consumption check (reservation_id is not null or reason = 'CONSUMPTION'
        or (reason = 'PLACEMENT_MONTH' and placement_id is not null));`);
    this
      .addSql(`create unique index charges_one_per_placement_month on charges (tenant_id, placement_id, date)
      where placement_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists charges_one_per_placement_month;`);
    this.addSql(`delete from charges where placement_id is not null;`);
    this.addSql(`alter table charges drop constraint charges_reservation_or_consumption,
      add constraint charges_reservation_or_consumption check (reservation_id is not null or reason = 'CONSUMPTION');`);
    this.addSql(`alter table charges drop column if exists placement_id;`);
  }
}
