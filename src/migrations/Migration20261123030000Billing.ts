import { Migration } from '@mikro-orm/migrations';
import { tenantIsolation } from './tenant-isolation';

export const BILLING_TABLES = [
  'document_sequences',
  'billing_runs',
  'invoices',
  'invoice_lines',
  'payments',
  'allocations',
  'payment_plans',
  'payment_plan_invoices',
  'instalments',
];

/**
 * Billing: invoices and credit notes numbered without gaps per tenant (and year), payments and
 * deposits, their allocations, payment plans. Amounts are integer minor units. Nothing here holds
 * a balance: a family's account is derived from these rows and the charges.
 */
export class Migration20261123030000Billing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table tenants
        add column config_invoice_numbering_per_year boolean not null default true,
        add column config_invoice_due_days int not null default 30 check (config_invoice_due_days between 0 and 120);`);
    this.addSql(`create type invoice_kind as enum ('INVOICE', 'CATCH_UP', 'CREDIT_NOTE', 'REGULARISATION');`);
    this.addSql(`create type billing_run_status as enum ('COMPLETED', 'SUSPENDED');`);
    this.addSql(`create type payment_channel as enum ('ONLINE', 'COUNTER', 'DIRECT_DEBIT_RUN');`);
    this.addSql(`create type payment_method as enum ('CARD', 'DIRECT_DEBIT', 'CASH', 'CHEQUE');`);

    // One counter per series and year: taken in the issuing transaction, so a rollback gives the
    // numbers back and the sequence never has a gap (unlike a PostgreSQL SEQUENCE).
    this.addSql(`
      create table document_sequences (
        tenant_id uuid not null references tenants (id),
        series varchar(8) not null,
        year int not null,
        last_number int not null default 0 check (last_number >= 0),
        primary key (tenant_id, series, year)
      );`);

    this.addSql(`
      create table billing_runs (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        kind varchar(16) not null,
        period char(7) null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        through_date date not null,
        status billing_run_status not null,
        requested_by varchar(255) not null,
        invoices_created int not null default 0,
        charges_invoiced int not null default 0,
        amount_invoiced bigint not null default 0,
        started_at timestamptz not null,
        finished_at timestamptz not null,
        unique (tenant_id, id)
      );`);
    this.addSql(
      `create index billing_runs_tenant_period_idx on billing_runs (tenant_id, period, started_at);`,
    );

    this.addSql(`
      create table invoices (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        kind invoice_kind not null,
        series varchar(8) not null,
        year int not null,
        sequence int not null check (sequence > 0),
        number varchar(32) not null,
        period char(7) null,
        period_from date not null,
        period_to date not null,
        issue_date date not null,
        due_date date not null,
        issued_at timestamptz not null,
        total int not null check (total >= 0),
        currency char(3) not null,
        billing_run_id uuid null,
        credited_invoice_id uuid null,
        reason text null,
        check ((kind = 'CREDIT_NOTE') = (credited_invoice_id is not null)),
        unique (tenant_id, id),
        unique (tenant_id, number),
        unique (tenant_id, series, year, sequence),
        foreign key (tenant_id, family_id) references families (tenant_id, id),
        foreign key (tenant_id, billing_run_id) references billing_runs (tenant_id, id),
        foreign key (tenant_id, credited_invoice_id) references invoices (tenant_id, id)
      );`);
    // A family gets one monthly invoice per period, whatever runs overlap.
    this.addSql(
      `create unique index invoices_one_per_family_period on invoices (tenant_id, family_id, period) where kind = 'INVOICE';`,
    );
    this.addSql(`create index invoices_tenant_family_idx on invoices (tenant_id, family_id, issue_date);`);
    this.addSql(`create index invoices_tenant_period_idx on invoices (tenant_id, period, id);`);

    this.addSql(`
      create table invoice_lines (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        invoice_id uuid not null,
        position int not null,
        month char(7) not null,
        service_id uuid null,
        label varchar(255) not null,
        quantity int not null check (quantity > 0),
        unit_price int not null check (unit_price >= 0),
        amount int not null check (amount >= 0),
        credited_line_id uuid null,
        unique (tenant_id, id),
        unique (tenant_id, invoice_id, position),
        foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
        foreign key (tenant_id, service_id) references services (tenant_id, id),
        foreign key (tenant_id, credited_line_id) references invoice_lines (tenant_id, id)
      );`);

    // Issued documents never change: the API may insert them, never update or delete them.
    this.addSql(`grant select, insert on invoices, invoice_lines to guichet_api;`);
    this.addSql(`grant select, insert, update on billing_runs to guichet_api;`);
    this.addSql(`grant select, insert, update on document_sequences to guichet_api;`);
    this.addSql(
      `alter table charges add foreign key (tenant_id, invoice_id) references invoices (tenant_id, id);`,
    );
    this.addSql(`create index charges_tenant_invoice_idx on charges (tenant_id, invoice_id);`);
    // An invoiced charge is frozen: corrections go through credit notes (a backstop under the rules).
    this.addSql(`
      create function guichet_freeze_invoiced_charge() returns trigger language plpgsql as $$
      begin
        if old.invoice_id is not null then
          raise exception 'charge % is invoiced and cannot change', old.id using errcode = 'check_violation';
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$;`);
    this.addSql(`create trigger charges_frozen_once_invoiced before update or delete on charges
      for each row execute function guichet_freeze_invoiced_charge();`);
    this.addSql(
      `create index charges_tenant_family_uninvoiced_idx on charges (tenant_id, family_id, date) where invoice_id is null;`,
    );

    this.addSql(`
      create table payments (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        amount int not null check (amount > 0),
        currency char(3) not null,
        method payment_method not null,
        channel payment_channel not null,
        reference varchar(255) null,
        is_deposit boolean not null default false,
        received_on date not null,
        recorded_by varchar(255) not null,
        recorded_at timestamptz not null,
        unique (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id)
      );`);
    this.addSql(`create index payments_tenant_family_idx on payments (tenant_id, family_id, received_on);`);

    // Money moved onto an invoice, from a payment (or deposit) or from a credit note.
    this.addSql(`
      create table allocations (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        invoice_id uuid not null,
        payment_id uuid null,
        credit_note_id uuid null,
        amount int not null check (amount > 0),
        created_at timestamptz not null,
        check ((payment_id is null) <> (credit_note_id is null)),
        unique (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id),
        foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
        foreign key (tenant_id, payment_id) references payments (tenant_id, id),
        foreign key (tenant_id, credit_note_id) references invoices (tenant_id, id)
      );`);
    this.addSql(`create index allocations_tenant_invoice_idx on allocations (tenant_id, invoice_id);`);
    this.addSql(`create index allocations_tenant_family_idx on allocations (tenant_id, family_id);`);
    this.addSql(`create index allocations_tenant_payment_idx on allocations (tenant_id, payment_id);`);

    this.addSql(`
      create table payment_plans (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        family_id uuid not null,
        total int not null check (total > 0),
        currency char(3) not null,
        created_by varchar(255) not null,
        created_at timestamptz not null,
        unique (tenant_id, id),
        foreign key (tenant_id, family_id) references families (tenant_id, id)
      );`);
    this.addSql(`
      create table payment_plan_invoices (
        tenant_id uuid not null references tenants (id),
        plan_id uuid not null,
        invoice_id uuid not null,
        primary key (tenant_id, plan_id, invoice_id),
        -- An invoice is spread by one plan at most.
        unique (tenant_id, invoice_id),
        foreign key (tenant_id, plan_id) references payment_plans (tenant_id, id),
        foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
      );`);
    this.addSql(`
      create table instalments (
        id uuid primary key,
        tenant_id uuid not null references tenants (id),
        plan_id uuid not null,
        position int not null check (position > 0),
        due_date date not null,
        amount int not null check (amount > 0),
        unique (tenant_id, id),
        unique (tenant_id, plan_id, position),
        foreign key (tenant_id, plan_id) references payment_plans (tenant_id, id)
      );`);
    this.addSql(
      `grant select, insert on payments, allocations, payment_plans, payment_plan_invoices, instalments to guichet_api;`,
    );

    for (const table of BILLING_TABLES) {
      for (const sql of tenantIsolation(table)) this.addSql(sql);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists charges_frozen_once_invoiced on charges;`);
    this.addSql(`drop function if exists guichet_freeze_invoiced_charge();`);
    this.addSql(`alter table charges drop constraint if exists charges_tenant_id_invoice_id_fkey;`);
    this
      .addSql(`drop table if exists instalments, payment_plan_invoices, payment_plans, allocations, payments,
      invoice_lines, invoices, billing_runs, document_sequences cascade;`);
    this.addSql(`drop type if exists payment_method, payment_channel, billing_run_status, invoice_kind;`);
    this.addSql(`alter table tenants drop column if exists config_invoice_numbering_per_year,
      drop column if exists config_invoice_due_days;`);
  }
}
