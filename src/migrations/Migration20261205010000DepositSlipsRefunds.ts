import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * The cash desk's bank side. Deposit slips (bordereaux de remise): a cash office's cash, or its
 * cheques, of closed tills, numbered per office without gaps; each closing's cash and cheques go on
 * one slip each (primary key); once BANKED a slip never changes (trigger). Refunds of credit
 * balances, numbered per office without gaps, each taking the family's unallocated money (payments,
 * credit notes) oldest first (refund_sources): the allocation guard now counts refunds too, so a
 * payment or a credit note never gives more than its amount, to invoices and refunds together.
 */
export class Migration20261205010000DepositSlipsRefunds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table deposit_slips (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      cash_office_id uuid not null,
      method payment_method not null check (method in ('CASH', 'CHEQUE')),
      year int not null,
      sequence int not null check (sequence > 0),
      number varchar(40) not null,
      closings int not null check (closings > 0),
      total int not null check (total >= 0),
      status varchar(10) not null check (status in ('PREPARED', 'BANKED')),
      created_by varchar(255) not null,
      created_at timestamptz not null,
      banked_on date null,
      bank_reference varchar(100) null,
      banked_by varchar(255) null,
      banked_at timestamptz null,
      check ((status = 'BANKED') = (banked_on is not null)),
      unique (tenant_id, id),
      unique (tenant_id, cash_office_id, method, id),
      unique (tenant_id, number),
      foreign key (tenant_id, cash_office_id) references cash_offices (tenant_id, id));`);
    // Slips of one office share its slip series (cash and cheques alike): one counter row.
    this.addSql(
      `create unique index deposit_slips_sequence on deposit_slips (tenant_id, cash_office_id, year, sequence);`,
    );
    this.addSql(`create table deposit_slip_closings (
      tenant_id uuid not null references tenants (id),
      slip_id uuid not null,
      closing_id uuid not null,
      method payment_method not null,
      amount int not null check (amount >= 0),
      primary key (tenant_id, closing_id, method),
      foreign key (tenant_id, slip_id) references deposit_slips (tenant_id, id),
      foreign key (tenant_id, closing_id) references till_closings (tenant_id, id));`);
    this.addSql(`
      create function guichet_lock_banked_slip() returns trigger language plpgsql as $$
      begin
        if old.status = 'BANKED' then
          raise exception 'deposit slip % was banked: it never changes', old.number using errcode = 'check_violation';
        end if;
        if tg_op = 'DELETE' or new.status <> 'BANKED' or (new.cash_office_id, new.method, new.year, new.sequence, new.number,
             new.closings, new.total, new.created_by, new.created_at)
           is distinct from (old.cash_office_id, old.method, old.year, old.sequence, old.number,
             old.closings, old.total, old.created_by, old.created_at) then
          raise exception 'a deposit slip only changes by being banked' using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger deposit_slips_locked before update or delete on deposit_slips
      for each row execute function guichet_lock_banked_slip();`);

    this.addSql(`create table refunds (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      cash_office_id uuid not null,
      family_id uuid not null,
      year int not null,
      sequence int not null check (sequence > 0),
      number varchar(40) not null,
      day date not null,
      amount int not null check (amount > 0),
      currency varchar(3) not null,
      method varchar(10) not null check (method in ('CASH', 'CHEQUE', 'TRANSFER')),
      reason text not null,
      reference varchar(255) null,
      refunded_by varchar(255) not null,
      refunded_at timestamptz not null,
      unique (tenant_id, id),
      unique (tenant_id, number),
      unique (tenant_id, cash_office_id, year, sequence),
      foreign key (tenant_id, cash_office_id) references cash_offices (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    this.addSql(`create index refunds_office_day on refunds (tenant_id, cash_office_id, day);`);
    this.addSql(`create index refunds_family on refunds (tenant_id, family_id);`);
    this.addSql(`create table refund_sources (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      refund_id uuid not null,
      payment_id uuid null,
      credit_note_id uuid null,
      amount int not null check (amount > 0),
      check ((payment_id is null) <> (credit_note_id is null)),
      foreign key (tenant_id, refund_id) references refunds (tenant_id, id),
      foreign key (tenant_id, payment_id) references payments (tenant_id, id),
      foreign key (tenant_id, credit_note_id) references invoices (tenant_id, id));`);
    this.addSql(
      `create index refund_sources_payment on refund_sources (tenant_id, payment_id) where payment_id is not null;`,
    );
    this.addSql(
      `create index refund_sources_credit_note on refund_sources (tenant_id, credit_note_id) where credit_note_id is not null;`,
    );
    for (const table of ['deposit_slips', 'deposit_slip_closings', 'refunds', 'refund_sources']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    this.addSql(`grant select, insert, update on deposit_slips to guichet_api;`);
    this.addSql(`grant select, insert on deposit_slip_closings, refunds, refund_sources to guichet_api;`);
    // The guard: a payment or credit note never gives more than its amount, to invoices and refunds.
    this.addSql(`
      create function guichet_check_refund_source() returns trigger language plpgsql as $$
      begin
        if new.payment_id is not null and
           (select coalesce(sum(amount), 0) from allocations where tenant_id = new.tenant_id and payment_id = new.payment_id)
           + (select coalesce(sum(amount), 0) from refund_sources where tenant_id = new.tenant_id and payment_id = new.payment_id)
           > (select amount from payments where tenant_id = new.tenant_id and id = new.payment_id) then
          raise exception 'payment % would give more than its amount', new.payment_id using errcode = 'check_violation';
        end if;
        if new.credit_note_id is not null and
           (select coalesce(sum(amount), 0) from allocations where tenant_id = new.tenant_id and credit_note_id = new.credit_note_id)
           + (select coalesce(sum(amount), 0) from refund_sources where tenant_id = new.tenant_id and credit_note_id = new.credit_note_id)
           > (select total from invoices where tenant_id = new.tenant_id and id = new.credit_note_id) then
          raise exception 'credit note % would give more than its amount', new.credit_note_id using errcode = 'check_violation';
        end if;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger refund_sources_within_amounts after insert on refund_sources
      for each row execute function guichet_check_refund_source();`);
    this.addSql(`create constraint trigger allocations_within_refunds after insert on allocations
      for each row execute function guichet_check_refund_source();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists allocations_within_refunds on allocations;`);
    this.addSql(`drop table refund_sources, refunds, deposit_slip_closings, deposit_slips cascade;`);
    this.addSql(`drop function if exists guichet_check_refund_source();`);
    this.addSql(`drop function if exists guichet_lock_banked_slip();`);
  }
}
