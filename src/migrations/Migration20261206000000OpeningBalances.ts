import { Migration } from '@mikro-orm/migrations';

/**
 * Opening balances (POST /imports/balances): what a family still owed the previous software
 * becomes an OPENING_BALANCE charge — no reservation, no service, no child — carrying its origin
 * as that software named it (`label`, e.g. "Cantine 2025-2026 reliquat") and the legacy document
 * reference (`external_ref`), the import's idempotency key: one such charge per family and
 * reference. The next billing run puts it on the family's invoice like any charge.
 */
export class Migration20261206000000OpeningBalances extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table charges
      add column label varchar(160) null,
      add column external_ref varchar(64) null,
      alter column service_id drop not null;`);
    this.addSql(`alter table charges drop constraint charges_reservation_or_consumption,
      add constraint charges_reservation_or_consumption check (reservation_id is not null or reason = 'CONSUMPTION'
        or (reason = 'PLACEMENT_MONTH' and placement_id is not null)
        or (reason = 'OPENING_BALANCE' and label is not null and external_ref is not null)),
      add constraint charges_service_unless_opening check (service_id is not null or reason = 'OPENING_BALANCE'),
      add constraint charges_origin_of_opening check ((external_ref is null) = (reason <> 'OPENING_BALANCE'));`);
    this
      .addSql(`create unique index charges_one_opening_per_reference on charges (tenant_id, family_id, external_ref)
      where external_ref is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists charges_one_opening_per_reference;`);
    this.addSql(`delete from charges where reason = 'OPENING_BALANCE';`);
    this.addSql(`alter table charges drop constraint charges_origin_of_opening,
      drop constraint charges_service_unless_opening,
      drop constraint charges_reservation_or_consumption,
      add constraint charges_reservation_or_consumption check (reservation_id is not null or reason = 'CONSUMPTION'
        or (reason = 'PLACEMENT_MONTH' and placement_id is not null)),
      alter column service_id set not null;`);
    this.addSql(`alter table charges drop column external_ref, drop column label;`);
  }
}
