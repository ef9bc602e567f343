import { Migration } from '@mikro-orm/migrations';

/**
 * A handed-over invoice takes no credit either: a credit note naming it (`credited_invoice_id`) or
 * a payment plan spreading it is refused by PostgreSQL whoever writes (the allocation guard already
 * refused money on it). And the tenant's budget code (PES V2 `CodBud`), printed on the treasury's
 * collection batch file when set.
 */
export class Migration20261206000000TreasuryHandedOver extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table tenants add column config_treasury_budget_code varchar(10) null
      check (config_treasury_budget_code ~ '^[A-Za-z0-9]{1,10}$');`);
    this.addSql(`
      create function guichet_refuse_handed_over_credit() returns trigger language plpgsql as $$
      declare
        target uuid;
      begin
        -- Each branch names its own table's column (a record's fields are resolved when run).
        if tg_table_name = 'invoices' then target := new.credited_invoice_id; else target := new.invoice_id; end if;
        if target is not null and exists (select 1 from treasury_handovers h
                                          where h.tenant_id = new.tenant_id and h.invoice_id = target) then
          raise exception 'invoice % was handed over to the treasury', target using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger credit_notes_not_handed_over before insert on invoices
      for each row when (new.credited_invoice_id is not null) execute function guichet_refuse_handed_over_credit();`);
    this.addSql(`create trigger plans_not_handed_over before insert on payment_plan_invoices
      for each row execute function guichet_refuse_handed_over_credit();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists plans_not_handed_over on payment_plan_invoices;`);
    this.addSql(`drop trigger if exists credit_notes_not_handed_over on invoices;`);
    this.addSql(`drop function if exists guichet_refuse_handed_over_credit();`);
    this.addSql(`alter table tenants drop column config_treasury_budget_code;`);
  }
}
