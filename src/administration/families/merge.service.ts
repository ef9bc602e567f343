import type { TenantContext } from '../../auth/context';
import { audit } from '../../audit/audit.service';
import { Child } from '../../families/child.entity';
import { Family } from '../../families/family.entity';
import { idempotentMutation } from '../../idempotency/idempotency.service';
import { allOf, msg } from '../../shared/i18n';
import { done, refuse, UserErrorCode, type Outcome } from '../../shared/user-errors';
import { childSnapshot } from './child-admin.service';
import { familySnapshot } from './family-admin.service';

/** How many rows a merge moved to the record kept, by table. */
export type Moved = Record<string, number>;

const run = async (ctx: TenantContext, sql: string, params: unknown[]): Promise<number> => {
  const rows = await ctx.em.execute<unknown[]>(
    `with moved as (${sql} returning 1) select 1 from moved`,
    params,
    'all',
    ctx.em.getLoggerContext(),
  );
  return rows.length;
};

/**
 * Records merged earlier into the one now merged point to the kept record from now on, so that a
 * merged ID always resolves in one hop (`keptIds` in src/families/family.resolver.ts).
 */
const pointToKept = (ctx: TenantContext, table: 'families' | 'children', keepId: string, mergedId: string) =>
  run(ctx, `update ${table} set merged_into_id = ? where tenant_id = ? and merged_into_id = ?`, [
    keepId,
    ctx.tenant.id,
    mergedId,
  ]);

/** INVALID, naming the record it went to, when either side of a merge was already merged. */
function alreadyMerged(
  type: 'Family' | 'Child',
  sides: Record<string, { mergedIntoId?: string | null }>,
): Outcome<never> | null {
  for (const [field, record] of Object.entries(sides)) {
    if (record.mergedIntoId) {
      return refuse(UserErrorCode.INVALID, msg('admin.alreadyMerged'), [field], {
        related: { type, id: record.mergedIntoId },
      });
    }
  }
  return null;
}

/** Tables whose `family_id` a family merge moves (children, then what the household booked and paid). */
const FAMILY_TABLES = [
  'children',
  'reservations',
  'charges',
  'invoices',
  'payments',
  'allocations',
  'payment_plans',
  'waitlist_entries',
  'notifications',
  'water_debit_schedules',
];

/**
 * Merges a duplicate household into the one kept, in one transaction: its children, reservations,
 * charges (invoiced ones too: only their household changes), invoices, payments, allocations,
 * plans, waitlist entries, notifications and quotient attestations move to the kept family; the
 * merged family stays, archived, pointing to the kept one (its ID resolves there). Refused with
 * the rows named when two invoices would share a period, or two direct-debit schedules a service.
 * Staff; audited with the counts moved.
 */
export const mergeFamilies = idempotentMutation(
  'mergeFamilies',
  async (
    ctx: TenantContext,
    input: { keepFamilyId: string; mergeFamilyId: string },
  ): Promise<Outcome<{ familyId: string; moved: Moved }>> => {
    if (input.keepFamilyId === input.mergeFamilyId) {
      return refuse(UserErrorCode.INVALID, msg('admin.mergeSame'), ['mergeFamilyId']);
    }
    const keep = await ctx.em.findOne(Family, { id: input.keepFamilyId });
    const merged = await ctx.em.findOne(Family, { id: input.mergeFamilyId });
    if (!keep) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['keepFamilyId']);
    if (!merged)
      return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Family' }), ['mergeFamilyId']);
    const gone = alreadyMerged('Family', { keepFamilyId: keep, mergeFamilyId: merged });
    if (gone) return gone;
    const before = {
      keptFamily: familySnapshot(keep),
      mergedFamily: { ...familySnapshot(merged), archivedAt: merged.archivedAt ?? null, mergedIntoId: null },
    };
    const params = [ctx.tenant.id, keep.id, merged.id];
    const invoices = await ctx.em.execute<{ number: string; period: string }[]>(
      `select m.number, m.period from invoices k join invoices m on m.tenant_id = k.tenant_id and m.period = k.period
       where k.tenant_id = ? and k.family_id = ? and m.family_id = ? and k.kind = 'INVOICE' and m.kind = 'INVOICE'
       order by m.period`,
      params,
      'all',
      ctx.em.getLoggerContext(),
    );
    if (invoices.length) {
      return refuse(
        UserErrorCode.MERGE_CONFLICT,
        msg('admin.mergeInvoices', { rows: invoices.map((i) => `${i.number} (${i.period})`).join(', ') }),
        ['mergeFamilyId'],
      );
    }
    const schedules = await ctx.em.execute<{ n: number }[]>(
      `select count(*)::int as n from water_debit_schedules k join water_debit_schedules m
         on m.tenant_id = k.tenant_id and m.service_id = k.service_id
       where k.tenant_id = ? and k.family_id = ? and m.family_id = ?`,
      params,
      'all',
      ctx.em.getLoggerContext(),
    );
    // …and direct debits of one service and month (one payment per family, service and month).
    const debits = await ctx.em.execute<{ n: number }[]>(
      `select count(*)::int as n from payments k join payments m
         on m.tenant_id = k.tenant_id and m.service_id = k.service_id and m.debit_period = k.debit_period
       where k.tenant_id = ? and k.family_id = ? and m.family_id = ? and k.debit_period is not null`,
      params,
      'all',
      ctx.em.getLoggerContext(),
    );
    if (schedules[0].n || debits[0].n) {
      return refuse(UserErrorCode.MERGE_CONFLICT, msg('admin.mergeDebits'), ['mergeFamilyId']);
    }
    // One opening balance per family and legacy document reference (the balances import's key).
    const openings = await ctx.em.execute<{ external_ref: string }[]>(
      `select m.external_ref from charges k join charges m on m.tenant_id = k.tenant_id and m.external_ref = k.external_ref
       where k.tenant_id = ? and k.family_id = ? and m.family_id = ? order by m.external_ref`,
      params,
      'all',
      ctx.em.getLoggerContext(),
    );
    if (openings.length) {
      return refuse(
        UserErrorCode.MERGE_CONFLICT,
        msg('admin.mergeOpeningBalances', { refs: allOf(openings.map((o) => o.external_ref)) }),
        ['mergeFamilyId'],
      );
    }
    const moved: Moved = {};
    for (const table of FAMILY_TABLES) {
      moved[table] = await run(
        ctx,
        `update ${table} set family_id = ? where tenant_id = ? and family_id = ?`,
        [keep.id, ctx.tenant.id, merged.id],
      );
    }
    // Attestations: the kept family's own win on a date both have; the others move.
    moved.family_quotients = await run(
      ctx,
      `update family_quotients m set family_id = ? where m.tenant_id = ? and m.family_id = ?
         and not exists (select 1 from family_quotients k where k.tenant_id = m.tenant_id and k.family_id = ? and k.effective_from = m.effective_from)`,
      [keep.id, ctx.tenant.id, merged.id, keep.id],
    );
    await ctx.em.execute(
      `delete from family_quotients where tenant_id = ? and family_id = ?`,
      [ctx.tenant.id, merged.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    // Shared custody: the merged household's links become the kept one's (never a child's own household).
    await ctx.em.execute(
      `insert into child_households (tenant_id, child_id, family_id, created_at)
       select h.tenant_id, h.child_id, ?, h.created_at from child_households h join children c on c.tenant_id = h.tenant_id and c.id = h.child_id
       where h.tenant_id = ? and h.family_id = ? and c.family_id <> ? on conflict do nothing`,
      [keep.id, ctx.tenant.id, merged.id, keep.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    await ctx.em.execute(
      `delete from child_households h using children c where h.tenant_id = ? and c.tenant_id = h.tenant_id and c.id = h.child_id
         and (h.family_id = ? or h.family_id = c.family_id)`,
      [ctx.tenant.id, merged.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    moved.mergedRecords = await pointToKept(ctx, 'families', keep.id, merged.id);
    merged.mergedIntoId = keep.id;
    merged.archivedAt ??= ctx.now();
    if (!keep.externalRef && merged.externalRef) {
      // The unique external reference passes to the kept family, so imports still find it.
      const ref = merged.externalRef;
      merged.externalRef = null;
      await ctx.em.flush();
      keep.externalRef = ref;
    }
    if (merged.socialPriority) keep.socialPriority = true;
    audit(ctx, {
      action: 'FAMILIES_MERGED',
      familyId: keep.id,
      subjectId: merged.id,
      details: {
        keptFamilyId: keep.id,
        mergedFamilyId: merged.id,
        before,
        after: {
          keptFamily: familySnapshot(keep),
          mergedFamily: {
            ...familySnapshot(merged),
            archivedAt: merged.archivedAt.toISOString(),
            mergedIntoId: keep.id,
          },
        },
        moved,
      },
    });
    await ctx.em.flush();
    return done({ familyId: keep.id, moved });
  },
);

/**
 * Merges a duplicate child record into the one kept: its reservations, charges, waitlist entries,
 * notifications and other households move; the merged child stays, archived, pointing to the kept
 * one. Refused, naming the sessions, when both hold live reservations at overlapping hours (the
 * same session twice) or live entries on one waitlist. Staff; audited.
 */
export const mergeChildren = idempotentMutation(
  'mergeChildren',
  async (
    ctx: TenantContext,
    input: { keepChildId: string; mergeChildId: string },
  ): Promise<Outcome<{ childId: string; moved: Moved }>> => {
    if (input.keepChildId === input.mergeChildId) {
      return refuse(UserErrorCode.INVALID, msg('admin.mergeSame'), ['mergeChildId']);
    }
    const keep = await ctx.em.findOne(Child, { id: input.keepChildId });
    const merged = await ctx.em.findOne(Child, { id: input.mergeChildId });
    if (!keep) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), ['keepChildId']);
    if (!merged) return refuse(UserErrorCode.NOT_FOUND, msg('notFound', { what: 'Child' }), ['mergeChildId']);
    const gone = alreadyMerged('Child', { keepChildId: keep, mergeChildId: merged });
    if (gone) return gone;
    const before = {
      keptChild: { ...childSnapshot(keep), familyId: keep.family.id },
      mergedChild: {
        ...childSnapshot(merged),
        familyId: merged.family.id,
        archivedAt: merged.archivedAt ?? null,
        mergedIntoId: null,
      },
    };
    const clashes = await ctx.em.execute<{ session_id: string; date: string }[]>(
      `select m.session_id, to_char(s.date, 'YYYY-MM-DD') as date from reservations m
       join reservations k on k.tenant_id = m.tenant_id and k.child_id = ? and k.status <> 'CANCELLED' and k.slot && m.slot
       join sessions s on s.tenant_id = m.tenant_id and s.id = m.session_id
       where m.tenant_id = ? and m.child_id = ? and m.status <> 'CANCELLED'
       union
       select m.session_id, to_char(s.date, 'YYYY-MM-DD') from waitlist_entries m
       join waitlist_entries k on k.tenant_id = m.tenant_id and k.child_id = ? and k.session_id = m.session_id and k.status in ('WAITING', 'OFFERED')
       join sessions s on s.tenant_id = m.tenant_id and s.id = m.session_id
       where m.tenant_id = ? and m.child_id = ? and m.status in ('WAITING', 'OFFERED')
       order by 2 limit 20`,
      [keep.id, ctx.tenant.id, merged.id, keep.id, ctx.tenant.id, merged.id],
      'all',
      ctx.em.getLoggerContext(),
    );
    if (clashes.length) {
      return refuse(
        UserErrorCode.MERGE_CONFLICT,
        msg('admin.mergeOverlap', { count: clashes.length, dates: allOf(clashes.map((c) => c.date)) }),
        ['mergeChildId'],
        { related: { type: 'Session', id: clashes[0].session_id } },
      );
    }
    const moved: Moved = {};
    for (const table of ['reservations', 'charges', 'waitlist_entries', 'notifications']) {
      moved[table] = await run(ctx, `update ${table} set child_id = ? where tenant_id = ? and child_id = ?`, [
        keep.id,
        ctx.tenant.id,
        merged.id,
      ]);
    }
    // The merged record's household and other households become the kept child's other households.
    await ctx.em.execute(
      `insert into child_households (tenant_id, child_id, family_id, created_at)
       select ?, ?, f.family_id, ? from (select ?::uuid as family_id union select family_id from child_households where tenant_id = ? and child_id = ?) f
       where f.family_id <> ? on conflict do nothing`,
      [ctx.tenant.id, keep.id, ctx.now(), merged.family.id, ctx.tenant.id, merged.id, keep.family.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    await ctx.em.execute(
      `delete from child_households where tenant_id = ? and child_id = ?`,
      [ctx.tenant.id, merged.id],
      'run',
      ctx.em.getLoggerContext(),
    );
    moved.mergedRecords = await pointToKept(ctx, 'children', keep.id, merged.id);
    merged.mergedIntoId = keep.id;
    merged.archivedAt ??= ctx.now();
    audit(ctx, {
      action: 'CHILDREN_MERGED',
      familyId: keep.family.id,
      subjectId: merged.id,
      details: {
        keptChildId: keep.id,
        mergedChildId: merged.id,
        before,
        after: {
          keptChild: before.keptChild,
          mergedChild: {
            ...before.mergedChild,
            archivedAt: merged.archivedAt.toISOString(),
            mergedIntoId: keep.id,
          },
        },
        moved,
      },
    });
    await ctx.em.flush();
    return done({ childId: keep.id, moved });
  },
);
