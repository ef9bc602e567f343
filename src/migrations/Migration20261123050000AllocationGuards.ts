import { Migration } from '@mikro-orm/migrations';

/**
 * PostgreSQL holds the ledger's caps, not only the services: no invoice gets more than its total,
 * no payment or credit note gives more than its amount. (The services also serialise each family's
 * writes with an advisory lock; this is the backstop.)
 */
export class Migration20261123050000AllocationGuards extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function guichet_check_allocation() returns trigger language plpgsql as $$
      begin
        if (select coalesce(sum(amount), 0) from allocations where tenant_id = new.tenant_id and invoice_id = new.invoice_id)
           > (select total from invoices where tenant_id = new.tenant_id and id = new.invoice_id) then
          raise exception 'invoice % would be over-allocated', new.invoice_id using errcode = 'check_violation';
        end if;
        if new.payment_id is not null and
           (select coalesce(sum(amount), 0) from allocations where tenant_id = new.tenant_id and payment_id = new.payment_id)
           > (select amount from payments where tenant_id = new.tenant_id and id = new.payment_id) then
          raise exception 'payment % would be over-allocated', new.payment_id using errcode = 'check_violation';
        end if;
        if new.credit_note_id is not null and
           (select coalesce(sum(amount), 0) from allocations where tenant_id = new.tenant_id and credit_note_id = new.credit_note_id)
           > (select total from invoices where tenant_id = new.tenant_id and id = new.credit_note_id) then
          raise exception 'credit note % would be over-allocated', new.credit_note_id using errcode = 'check_violation';
        end if;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger allocations_within_amounts after insert on allocations
      for each row execute function guichet_check_allocation();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists allocations_within_amounts on allocations;`);
    this.addSql(`drop function if exists guichet_check_allocation();`);
  }
}
