import { Migration } from '@mikro-orm/migrations';

/**
 * Childcare placements end (docs/placements.md, "Ending placements"), and facilities have one end
 * date:
 *
 * - a placement records who ended it and why (`endPlacement`); a placement with no end yet ends,
 *   by default, the day before its child leaves its age group (the group's upper age bound):
 *   existing ones get that date now;
 * - a temporary facility is one with `ends_on` (the administration catalogue's end date): the
 *   placements' own `temporary` / `temporary_until` pair said the same thing twice, so it goes,
 *   its dates moved into `ends_on` (the earlier date when both were set).
 */
export class Migration20261205000000PlacementEnds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table placements
      add column end_reason text null,
      add column ended_by varchar(255) null;`);
    this.addSql(`update placements p set end_date = a.last_day
      from (select p2.tenant_id, p2.id,
              ((c.birth_date + make_interval(months => g.max_months))::date - 1) as last_day
            from placements p2
            join children c on c.tenant_id = p2.tenant_id and c.id = p2.child_id
            join facility_age_groups g on g.tenant_id = p2.tenant_id and g.facility_id = p2.facility_id
              and g.age_group = p2.age_group) a
      where p.tenant_id = a.tenant_id and p.id = a.id and p.end_date is null and a.last_day >= p.start_date;`);
    this.addSql(`update facilities set ends_on = least(ends_on, temporary_until)
      where temporary_until is not null;`);
    this.addSql(`alter table facilities drop constraint facilities_temporary_has_end,
      drop column temporary, drop column temporary_until;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table facilities
      add column temporary boolean not null default false,
      add column temporary_until date null;`);
    this.addSql(`update facilities set temporary = true, temporary_until = ends_on
      where ends_on is not null and kind in ('CHILDCARE_CENTRE', 'NURSERY');`);
    this.addSql(`alter table facilities add constraint facilities_temporary_has_end
      check (not temporary or temporary_until is not null);`);
    this.addSql(`alter table placements drop column end_reason, drop column ended_by;`);
  }
}
