import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

/**
 * Reminders and the hand-over to the public treasury. The tenant's reminder levels (days after the
 * due date, each with a fee or none) and the days after which a debt goes to the treasury; the
 * batches of reminders (one row per level sent for an invoice or an instalment: a level is sent
 * once, and a fee charged at most once per debt — unique indexes, so a retried or concurrent batch
 * adds nothing); numbered collection batches and the invoices they handed over (once each). A
 * handed-over invoice takes no allocation any more: the allocation guard refuses it.
 */
export class Migration20261205000000Reminders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table tenants
      add column config_reminder_levels jsonb not null default '[{"days": 15, "fee": 0}, {"days": 30, "fee": 0}]',
      add column config_hand_over_days int not null default 60 check (config_hand_over_days between 1 and 730);`);
    this.addSql(`create table reminder_batches (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      run_on date not null,
      source varchar(10) not null check (source in ('JOB', 'AGENT')),
      reminders int not null,
      fees int not null,
      requested_by varchar(255) not null,
      created_at timestamptz not null,
      unique (tenant_id, id));`);
    this.addSql(`create table reminders (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      batch_id uuid not null,
      family_id uuid not null,
      invoice_id uuid null,
      instalment_id uuid null,
      level int not null check (level between 1 and 10),
      due_date date not null,
      amount int not null check (amount > 0),
      fee int not null check (fee >= 0),
      fee_invoice_id uuid null,
      sent_on date not null,
      created_at timestamptz not null,
      check ((invoice_id is null) <> (instalment_id is null)),
      unique (tenant_id, id),
      foreign key (tenant_id, batch_id) references reminder_batches (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
      foreign key (tenant_id, instalment_id) references instalments (tenant_id, id),
      foreign key (tenant_id, fee_invoice_id) references invoices (tenant_id, id));`);
    this.addSql(
      `create unique index reminders_invoice_level on reminders (tenant_id, invoice_id, level) where invoice_id is not null;`,
    );
    this.addSql(
      `create unique index reminders_instalment_level on reminders (tenant_id, instalment_id, level) where instalment_id is not null;`,
    );
    // A fee level charges its fee once per debt, whatever batches run.
    this.addSql(
      `create unique index reminders_one_fee on reminders (tenant_id, coalesce(invoice_id, instalment_id)) where fee > 0;`,
    );
    this.addSql(`create index reminders_batch on reminders (tenant_id, batch_id);`);
    this.addSql(`create index reminders_family on reminders (tenant_id, family_id);`);
    this.addSql(`create table treasury_batches (
      id uuid primary key,
      tenant_id uuid not null references tenants (id),
      year int not null,
      sequence int not null check (sequence > 0),
      number varchar(40) not null,
      handed_over_on date not null,
      invoices int not null check (invoices > 0),
      total int not null check (total > 0),
      currency varchar(3) not null,
      created_by varchar(255) not null,
      created_at timestamptz not null,
      unique (tenant_id, id),
      unique (tenant_id, year, sequence),
      unique (tenant_id, number));`);
    this.addSql(`create table treasury_handovers (
      tenant_id uuid not null references tenants (id),
      invoice_id uuid not null,
      batch_id uuid not null,
      family_id uuid not null,
      position int not null check (position > 0),
      amount int not null check (amount > 0),
      primary key (tenant_id, invoice_id),
      unique (tenant_id, batch_id, position),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
      foreign key (tenant_id, batch_id) references treasury_batches (tenant_id, id),
      foreign key (tenant_id, family_id) references families (tenant_id, id));`);
    for (const table of ['reminder_batches', 'reminders', 'treasury_batches', 'treasury_handovers']) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
    this.addSql(
      `grant select, insert on reminder_batches, reminders, treasury_batches, treasury_handovers to guichet_api;`,
    );
    // The ledger's backstop: money is never put on an invoice the treasury now collects.
    this.addSql(`
      create function guichet_refuse_handed_over_allocation() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from treasury_handovers h where h.tenant_id = new.tenant_id and h.invoice_id = new.invoice_id) then
          raise exception 'invoice % was handed over to the treasury', new.invoice_id using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger allocations_not_handed_over before insert on allocations
      for each row execute function guichet_refuse_handed_over_allocation();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists allocations_not_handed_over on allocations;`);
    this.addSql(`drop function if exists guichet_refuse_handed_over_allocation();`);
    this.addSql(`drop table treasury_handovers, treasury_batches, reminders, reminder_batches cascade;`);
    this.addSql(`alter table tenants drop column config_reminder_levels, drop column config_hand_over_days;`);
  }
}
