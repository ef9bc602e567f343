import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { todayIn } from '../../shared/dates';
import { day, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { formatNumber, takeNumbers } from '../numbering';
import {
  Debit,
  DebitBatch,
  DebitBatchStatus,
  DebitStatus,
  Mandate,
  MandateStatus,
  SequenceType,
} from './sepa.entity';
import { unpaidInstalmentsSql } from './instalments';
import { pain008 } from './pain008';

/** The numbering series of debit batches (their pain.008 message ids: PRLV2026-000001). */
export const DEBIT_BATCH_SERIES = 'PRLV';

interface DueRow {
  family_id: string;
  mandate_id: string;
  sequence: SequenceType;
  invoice_ids: string[];
  amount: number;
  water_service_id: string | null;
  water_amount: number;
  instalment_ids: string[];
  instalment_amount: number;
}

/**
 * One debit batch for a collection date (tenant admins, or the bank's run; audited): for each
 * family with an active mandate, one debit of everything its open invoices still owe that is due
 * by that date and not already in a debit awaiting the bank's answer. The batch is numbered
 * without gaps; its pain.008 file is `DebitBatch.pain008`. Nothing is paid yet: the invoices stay
 * due until the return file says each debit was collected (importDebitReturns). The mandates move
 * on: FRST → RCUR; a FNAL or OOFF mandate is closed. A household's monthly water debit of the
 * collection date's month rides in its debit (once per month; skipped while billing is suspended).
 * An invoice on a payment plan is not debited as such: the plan's instalments due by that date and
 * not paid yet ride in the debit instead, each in at most one pending or collected debit.
 * With `prepare`, the batch is PREPARED: its
 * debits follow the family's payments and credits (sepa/adjust.ts) until exportDebitBatch.
 */
export const createDebitBatch = idempotentMutation(
  'createDebitBatch',
  async (
    ctx: TenantContext,
    input: { collectionDate: string; prepare?: boolean | null },
  ): Promise<Outcome<{ batchId: string }>> => {
    const { tenant } = ctx;
    const config = tenant.config;
    if (!config.sepaCreditorId || !config.sepaCreditorIban) {
      return refuse(UserErrorCode.INVALID, msg('sepa.creditorMissing'), []);
    }
    const today = todayIn(tenant.timeZone, ctx.now());
    if (input.collectionDate <= today) {
      return refuse(UserErrorCode.INVALID, msg('sepa.collectionDatePast'), ['collectionDate']);
    }
    await ctx.em.execute(`select pg_advisory_xact_lock(hashtextextended('guichet:sepa:' || ?, 0))`, [
      tenant.id,
    ]);
    // The household's water debit of the collection date's month, unless taken already (a payment
    // recorded for the month, or a debit pending or collected) or billing is suspended (skipped).
    const waterPeriod = input.collectionDate.slice(0, 7);
    const due = await ctx.em.execute<DueRow[]>(
      `with open as (
         select i.id, i.family_id, i.due_date, i.number,
                i.total - coalesce((select sum(a.amount) from allocations a
                                    where a.tenant_id = i.tenant_id and a.invoice_id = i.id), 0) as due
         from invoices i
         where i.tenant_id = ? and i.kind <> 'CREDIT_NOTE' and i.due_date <= ?::date
           and not exists (select 1 from treasury_handovers h where h.tenant_id = i.tenant_id and h.invoice_id = i.id)
           -- A plan's invoices are paid by its instalments (below), never debited in full.
           and not exists (select 1 from payment_plan_invoices pi where pi.tenant_id = i.tenant_id and pi.invoice_id = i.id)
           and not exists (select 1 from sepa_debits d where d.tenant_id = i.tenant_id
                           and d.status = 'PENDING' and i.id = any (d.invoice_ids))),
       owed as (
         select o.family_id, array_agg(o.id order by o.due_date, o.number) as invoice_ids, sum(o.due)::int as amount
         from open o where o.due > 0 group by o.family_id),
       water as (
         select distinct on (s.family_id) s.family_id, s.service_id, s.monthly_amount
         from water_debit_schedules s
         where s.tenant_id = ? and s.active and s.monthly_amount > 0 and not ?::boolean
           and not exists (select 1 from payments p where p.tenant_id = s.tenant_id and p.family_id = s.family_id
                           and p.service_id = s.service_id and p.debit_period = ?)
           and not exists (select 1 from sepa_debits d where d.tenant_id = s.tenant_id and d.family_id = s.family_id
                           and d.water_service_id = s.service_id and d.water_period = ?
                           and d.status in ('PENDING', 'COLLECTED'))
         order by s.family_id, s.service_id),
       -- What the instalments due by the date still owe, unless pending or collected in a debit
       -- already, or their plan has an invoice handed over to the treasury (it collects the plan) or
       -- in a pending debit in full (made before the plan was agreed: its answer comes first).
       inst as (
         select u.family_id, array_agg(u.id order by u.due_date, u.plan_id, u.position) as ids, sum(u.unpaid)::int as amount
         from (${unpaidInstalmentsSql(false)}) u
         where u.due_date <= ?::date and u.unpaid > 0
           and not exists (select 1 from sepa_debits d where d.tenant_id = ? and u.id = any (d.instalment_ids)
                           and d.status in ('PENDING', 'COLLECTED'))
           and not exists (select 1 from payment_plan_invoices pi join treasury_handovers h
                             on h.tenant_id = pi.tenant_id and h.invoice_id = pi.invoice_id
                           where pi.tenant_id = ? and pi.plan_id = u.plan_id)
           and not exists (select 1 from payment_plan_invoices pi join sepa_debits d
                             on d.tenant_id = pi.tenant_id and d.status = 'PENDING' and pi.invoice_id = any (d.invoice_ids)
                           where pi.tenant_id = ? and pi.plan_id = u.plan_id)
         group by u.family_id)
       select m.family_id, m.id as mandate_id, m.sequence, coalesce(o.invoice_ids, '{}') as invoice_ids,
              (coalesce(o.amount, 0) + coalesce(w.monthly_amount, 0) + coalesce(n.amount, 0))::int as amount,
              w.service_id as water_service_id, coalesce(w.monthly_amount, 0)::int as water_amount,
              coalesce(n.ids, '{}') as instalment_ids, coalesce(n.amount, 0)::int as instalment_amount
       from sepa_mandates m
       left join owed o on o.family_id = m.family_id
       left join water w on w.family_id = m.family_id
       left join inst n on n.family_id = m.family_id
       where m.tenant_id = ? and m.status = 'ACTIVE'
         and (o.family_id is not null or w.family_id is not null or n.family_id is not null)
       order by m.family_id`,
      [
        tenant.id,
        input.collectionDate,
        tenant.id,
        config.billingSuspended,
        waterPeriod,
        waterPeriod,
        tenant.id,
        input.collectionDate,
        tenant.id,
        tenant.id,
        tenant.id,
        tenant.id,
      ],
    );
    if (due.length === 0) {
      return refuse(UserErrorCode.INVALID, msg('sepa.nothingToDebit', { date: day(input.collectionDate) }), [
        'collectionDate',
      ]);
    }
    const block = await takeNumbers(ctx, DEBIT_BATCH_SERIES, today, 1);
    const reference = formatNumber(block.series, block.year, block.first);
    const batch = ctx.em.create(DebitBatch, {
      tenantId: tenant.id,
      number: block.first,
      reference,
      collectionDate: input.collectionDate,
      debits: due.length,
      total: due.reduce((s, d) => s + d.amount, 0),
      status: input.prepare ? DebitBatchStatus.PREPARED : DebitBatchStatus.EXPORTED,
      createdBy: ctx.viewer.subject ?? 'system',
      createdAt: ctx.now(),
      exportedAt: input.prepare ? null : ctx.now(),
      settledAt: null,
    });
    // Its debits name it by id only: the batch goes in first.
    await ctx.em.flush();
    const mandates = new Map(
      (await ctx.em.find(Mandate, { id: { $in: due.map((d) => d.mandate_id) } })).map((m) => [m.id, m]),
    );
    due.forEach((row, index) => {
      ctx.em.create(Debit, {
        tenantId: tenant.id,
        batchId: batch.id,
        mandateId: row.mandate_id,
        familyId: row.family_id,
        invoiceIds: row.invoice_ids,
        sequence: row.sequence,
        amount: row.amount,
        waterAmount: row.water_amount,
        waterPeriod: row.water_amount > 0 ? waterPeriod : null,
        waterServiceId: row.water_amount > 0 ? row.water_service_id : null,
        instalmentIds: row.instalment_ids,
        instalmentAmount: row.instalment_amount,
        endToEndId: `${reference}-${String(index + 1).padStart(5, '0')}`,
        status: DebitStatus.PENDING,
      });
      const mandate = mandates.get(row.mandate_id)!;
      if (mandate.sequence === SequenceType.FRST) mandate.sequence = SequenceType.RCUR;
      else if (mandate.sequence === SequenceType.FNAL || mandate.sequence === SequenceType.OOFF) {
        mandate.status = MandateStatus.CLOSED;
        mandate.closedAt = ctx.now();
      }
    });
    audit(ctx, {
      action: 'DEBIT_BATCH_CREATED',
      subjectId: batch.id,
      details: {
        reference,
        collectionDate: input.collectionDate,
        debits: batch.debits,
        total: batch.total,
        status: batch.status,
      },
    });
    await ctx.em.flush();
    return done({ batchId: batch.id });
  },
);

/**
 * Freezes a prepared batch for the bank (tenant admins; audited): from now on its debits never
 * change, and its pain.008 is what the bank takes. Refused when it was already exported or settled,
 * or when every debit was withdrawn (nothing to send). Takes the batch's row lock, as the debits'
 * adjustments do: an adjustment under way finishes first, or finds the batch exported.
 */
export const exportDebitBatch = idempotentMutation(
  'exportDebitBatch',
  async (ctx: TenantContext, input: { batchId: string }): Promise<Outcome<{ batchId: string }>> => {
    const batch = await ctx.em.findOne(DebitBatch, { id: input.batchId });
    if (!batch) return refuse(UserErrorCode.NOT_FOUND, msg('sepa.batchNotFound'), ['batchId']);
    await ctx.em.execute(`select 1 from sepa_debit_batches where tenant_id = ? and id = ? for update`, [
      ctx.tenant.id,
      batch.id,
    ]);
    await ctx.em.refresh(batch);
    if (batch.status !== DebitBatchStatus.PREPARED) {
      return refuse(UserErrorCode.INVALID, msg('sepa.batchNotPrepared', { reference: batch.reference }), [
        'batchId',
      ]);
    }
    if (batch.debits === 0) {
      return refuse(UserErrorCode.INVALID, msg('sepa.batchEmpty', { reference: batch.reference }), [
        'batchId',
      ]);
    }
    batch.status = DebitBatchStatus.EXPORTED;
    batch.exportedAt = ctx.now();
    audit(ctx, {
      action: 'DEBIT_BATCH_EXPORTED',
      subjectId: batch.id,
      details: { reference: batch.reference, debits: batch.debits, total: batch.total },
    });
    await ctx.em.flush();
    return done({ batchId: batch.id });
  },
);

/** A batch's ISO 20022 pain.008.001.02 message, built from what PostgreSQL holds. */
export async function batchPain008(ctx: TenantContext, batch: DebitBatch): Promise<string> {
  const { tenant } = ctx;
  const rows = await ctx.em.execute<
    {
      end_to_end_id: string;
      amount: number;
      sequence: SequenceType;
      reference: string;
      signed_on: string;
      debtor_name: string;
      iban: string;
      bic: string | null;
      numbers: string | null;
      water_period: string | null;
      instalments: string | null;
    }[]
  >(
    `select d.end_to_end_id, d.amount, d.sequence, m.reference, to_char(m.signed_on, 'YYYY-MM-DD') as signed_on,
            m.debtor_name, m.iban, m.bic, d.water_period,
            (select string_agg(i.number, ' ' order by i.number) from invoices i
             where i.tenant_id = d.tenant_id and i.id = any (d.invoice_ids)) as numbers,
            (select string_agg('echeance ' || to_char(n.due_date, 'DD/MM/YYYY'), ' ' order by n.due_date, n.position)
             from instalments n where n.tenant_id = d.tenant_id and n.id = any (d.instalment_ids)) as instalments
     from sepa_debits d join sepa_mandates m on m.tenant_id = d.tenant_id and m.id = d.mandate_id
     where d.tenant_id = ? and d.batch_id = ? and d.status <> 'WITHDRAWN' order by d.end_to_end_id`,
    [tenant.id, batch.id],
  );
  return pain008({
    messageId: batch.reference,
    createdAt: batch.createdAt,
    collectionDate: batch.collectionDate,
    currency: tenant.currency,
    creditor: {
      id: tenant.config.sepaCreditorId ?? '',
      name: tenant.config.sepaCreditorName ?? tenant.name,
      iban: tenant.config.sepaCreditorIban ?? '',
      bic: tenant.config.sepaCreditorBic ?? null,
    },
    debits: rows.map((r) => ({
      endToEndId: r.end_to_end_id,
      amount: r.amount,
      sequence: r.sequence,
      mandateReference: r.reference,
      mandateSignedOn: r.signed_on,
      debtorName: r.debtor_name,
      debtorIban: r.iban,
      debtorBic: r.bic,
      remittance: [tenant.name, r.numbers, r.instalments, r.water_period && `eau ${r.water_period}`]
        .filter(Boolean)
        .join(' '),
    })),
  });
}
