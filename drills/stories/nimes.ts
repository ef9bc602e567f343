import { Role } from '../../src/auth/viewer';
import { toGlobalId } from '../../src/shared/ids';
import {
  billedExactlyOnce,
  instalmentsAddUp,
  invoiceNumbersGapless,
  invoicedThrough,
  noneOnClosedDay,
  tenantId,
  type Queryable,
} from '../invariants';
import type { DrillOptions } from '../main';
import { key, mutate, read, tokenFor } from '../support/client';
import {
  addDays,
  allNodes,
  localInstant,
  runJob,
  startReceiver,
  today,
  waitUntil,
  withApiKilled,
  withPostgresRestart,
} from '../support/kit';
import { Timeline } from '../support/timeline';
import { paperRoll, tabletJournal } from './nimes-paper';
import type { World } from '../support/world';

const SLUG = 'nimes';
const ZONE = 'Europe/Paris';

/** Each school day's meal counts announced once to the caterer (one event per school and day), and received. */
export async function mealCountsAnnouncedOnce(
  db: Queryable,
  tenant: string,
  received: Set<string>,
  days: { facilityId: string; date: string }[],
): Promise<string[]> {
  const found: string[] = [];
  const { rows } = await db.query(
    `select payload->>'facilityId' as facility, payload->>'date' as date,
            array_agg(id::text) as ids
     from webhook_events where tenant_id = $1 and type = 'mealCounts.final' group by 1, 2`,
    [tenant],
  );
  // The receiver knows events by their global IDs, as delivered.
  const events = new Map(
    rows.map((r: any) => [
      `${r.facility}|${r.date}`,
      (r.ids as string[]).map((id) => toGlobalId('WebhookEvent', id)),
    ]),
  );
  for (const [day, ids] of events) if (ids.length > 1) found.push(`${day} announced ${ids.length} times`);
  for (const day of days) {
    const ids = events.get(`${day.facilityId}|${day.date}`);
    if (!ids) found.push(`${day.facilityId} on ${day.date} was never announced`);
    else if (!ids.some((id) => received.has(id)))
      found.push(`${day.facilityId} on ${day.date}: the caterer never got it`);
  }
  return found;
}

/**
 * Nîmes: the vendor's platform is down for a month. The canteens run in WALK_IN mode (the public
 * directory's banner says so); every school day the caterer's integration receives the day's final
 * meal counts by webhook, and at noon the schools' agents take the roll at the counter; billing is
 * suspended for the month, then resumes with one catch-up invoice per family, spread over
 * instalments for families who ask.
 */
export async function nimes(world: World, options: DrillOptions) {
  const t = new Timeline(SLUG, options.chaos, options.scale);
  const tenant = await tenantId(world.owner, SLUG);
  const agent = await tokenFor(SLUG, [Role.AGENT], undefined, 'agent-cantine');
  const admin = await tokenFor(SLUG, [Role.TENANT_ADMIN], undefined, 'admin');
  const receiver = await startReceiver();
  try {
    await t.step(
      'the public directory shows the walk-in banner',
      async () => {
        const data = await read(world.url, null, '{ tenants { slug operatingMode publicNotice } }');
        const town = data.tenants.find((x: any) => x.slug === SLUG);
        if (town?.operatingMode !== 'WALK_IN' || !town.publicNotice) throw new Error(JSON.stringify(town));
        return town.publicNotice as string;
      },
      (notice) => `WALK_IN, "${notice.slice(0, 60)}…"`,
    );
    await t.step('the caterer registers its webhook for mealCounts.final', () =>
      mutate(
        world.url,
        admin,
        'createWebhookEndpoint',
        `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } userErrors { code message } } }`,
        { i: { url: receiver.url, eventTypes: ['MEAL_COUNTS_FINAL'], idempotencyKey: key() } },
      ),
    );
    const firstDay = addDays(today(world, ZONE), 1);
    await t.step('billing is suspended for the outage', () =>
      mutate(
        world.url,
        admin,
        'suspendBilling',
        `mutation($i: SuspendBillingInput!) { suspendBilling(input: $i) { userErrors { code message } } }`,
        { i: { since: firstDay } },
      ),
    );

    // The schools of the story and their pupils, as the agents' screens list them.
    const plan = await t.step(
      'the schools, their pupils and their lunches for the coming month',
      async () => {
        const children = (await allNodes(world, agent, 'families', 'children { id school { id } }')).flatMap(
          (f) => f.children,
        );
        const bySchool = new Map<string, string[]>();
        for (const c of children)
          if (c.school) bySchool.set(c.school.id, [...(bySchool.get(c.school.id) ?? []), c.id]);
        const schools = [...bySchool]
          .sort((a, b) => b[1].length - a[1].length)
          .slice(0, 2 * options.scale + 1);
        const lastDay = addDays(firstDay, 30);
        const lunches: { school: string; pupils: string[]; date: string; session: string }[] = [];
        for (const [school, pupils] of schools) {
          const sessions = await allNodes(
            world,
            agent,
            'sessions',
            'id date period service { kind }',
            `filter: { facilityId: "${school}", from: "${firstDay}", to: "${lastDay}" }`,
          );
          for (const s of sessions.filter((x) => x.service.kind === 'CANTEEN')) {
            lunches.push({ school, pupils, date: s.date, session: s.id });
          }
        }
        if (!lunches.length) throw new Error('no canteen session in the coming month');
        return { schools, lunches, days: [...new Set(lunches.map((l) => l.date))].sort() };
      },
      (p) => `${p.schools.length} schools, ${p.lunches.length} lunches over ${p.days.length} school days`,
    );
    if (!plan) return t.result();
    if (options.chaos) {
      receiver.failNext(15);
      t.fault('the caterer’s integration answers 500 to the next 15 deliveries');
    }

    let eaten = 0;
    const chaosDay = plan.days[Math.floor(plan.days.length / 2)];
    for (const [n, date] of plan.days.entries()) {
      await t.step(
        `${date}: counts to the caterer at 07:00, the roll at 12:15 (one school on paper, one on tablets, the rest at the counter)`,
        async () => {
          world.setClock(localInstant(date, '07:00', ZONE));
          await runJob(world, 'meal_counts_final');
          const schools = plan.schools.map(([id]) => id);
          let asked = Date.now();
          await waitUntil(`${date} announced`, async () => {
            // As the crontab would, every few seconds: a queue reconnecting after a restart may be slow to poll.
            if (Date.now() - asked > 5000) {
              asked = Date.now();
              await runJob(world, 'meal_counts_final');
            }
            const { rows } = await world.owner.query(
              `select count(*)::int as n from meal_count_announcements a join facilities f on f.id = a.facility_id
               where a.tenant_id = $1 and a.date = $2`,
              [tenant, date],
            );
            return rows[0].n >= schools.length;
          });
          world.setClock(localInstant(date, '12:15', ZONE));
          const rolls = () =>
            Promise.all(
              plan.lunches
                .filter((l) => l.date === date)
                .map((l) => {
                  // A few children are off each day (a different few every day).
                  const present = l.pupils.filter((_, i) => (i + n) % 9 !== 0);
                  // The first school works on paper: its sheet is typed back in the evening, twice.
                  // The second school's roll is taken on tablets, offline, and merged from a USB stick.
                  const offline =
                    l.school === plan.schools[0][0]
                      ? paperRoll(world, agent, l, present)
                      : l.school === plan.schools[1][0]
                        ? tabletJournal(world, agent, l, present, n === 0)
                        : null;
                  if (offline)
                    return offline.then((k) => ({
                      reservations: Array.from({ length: k }, () => ({ status: 'ATTENDED' })),
                      userErrors: [],
                    }));
                  return mutate(
                    world.url,
                    agent,
                    'recordAttendance',
                    `mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) {
                       reservations { status } userErrors { code } } }`,
                    {
                      i: {
                        sessionId: l.session,
                        present,
                        absent: [],
                        idempotencyKey: `nimes-roll-${l.session}`,
                      },
                    },
                  );
                }),
            );
          let results;
          if (options.chaos && date === chaosDay) {
            t.fault(`${date}: PostgreSQL restarted during the roll calls`);
            results = await withPostgresRestart(world, 1500, rolls);
          } else results = await rolls();
          const attended = results.flatMap((r) => r.reservations).filter((r: any) => r.status === 'ATTENDED');
          eaten += attended.length;
          return { attended: attended.length, refused: results.flatMap((r) => r.userErrors).length };
        },
        (r) => `${r.attended} lunches recorded${r.refused ? `, ${r.refused} refused` : ''}`,
      );
    }

    // Billing resumes once the month is over: the clock moves to the 2nd of the next month.
    const lastLunch = plan.days[plan.days.length - 1];
    const monthEnd = addDays(`${lastLunch.slice(0, 7)}-01`, 40).slice(0, 7) + '-01';
    const through = addDays(monthEnd, -1);
    world.setClock(localInstant(addDays(monthEnd, 1), '09:00', ZONE));
    const resume = () =>
      mutate(
        world.url,
        admin,
        'resumeBilling',
        `mutation($i: ResumeBillingInput!) { resumeBilling(input: $i) {
           billingRun { kind throughDate invoicesCreated chargesInvoiced } userErrors { code message } } }`,
        { i: { idempotencyKey: 'nimes-resume-after-outage' } },
      );
    const run = await t.step(
      `billing resumes: catch-up invoices through ${through}`,
      async () => {
        const { rows } = await world.owner.query(
          `select count(distinct family_id)::int as n from charges where tenant_id = $1 and invoice_id is null and date <= $2`,
          [tenant, through],
        );
        let payload;
        if (options.chaos) {
          t.fault('the API killed with SIGKILL during the catch-up run, then started again');
          payload = await withApiKilled(world, 80, resume);
        } else payload = await resume();
        if (payload.userErrors.length) throw new Error(JSON.stringify(payload.userErrors));
        if (payload.billingRun.invoicesCreated !== rows[0].n) {
          throw new Error(`${payload.billingRun.invoicesCreated} invoices for ${rows[0].n} families to bill`);
        }
        return payload.billingRun;
      },
      (r) => `${r.invoicesCreated} invoices (one per family), ${r.chargesInvoiced} charges`,
    );

    await t.step(
      'families ask for instalments; the first one is paid at the counter',
      async () => {
        const invoices = await allNodes(
          world,
          agent,
          'invoices',
          'id total { minorUnits } maxInstalments family { id }',
          'filter: { kind: CATCH_UP }',
        );
        const spread = invoices
          .filter((i) => (i.maxInstalments ?? 0) >= 2)
          .sort((a, b) => b.total.minorUnits - a.total.minorUnits)
          .slice(0, 3 * options.scale);
        for (const invoice of spread) {
          const parent = await tokenFor(SLUG, [Role.PARENT], invoice.family.id);
          const made = await mutate(
            world.url,
            parent,
            'createPaymentPlan',
            `mutation($i: CreatePaymentPlanInput!) { createPaymentPlan(input: $i) {
               paymentPlan { total { minorUnits } instalments { position amount { minorUnits } } } userErrors { code message } } }`,
            {
              i: {
                invoiceId: invoice.id,
                instalments: Math.min(3, invoice.maxInstalments),
                idempotencyKey: key(),
              },
            },
          );
          if (made.userErrors.length) throw new Error(JSON.stringify(made.userErrors));
          const first = made.paymentPlan.instalments[0].amount.minorUnits;
          const paid = await mutate(
            world.url,
            agent,
            'recordPayment',
            `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } } }`,
            {
              i: {
                familyId: invoice.family.id,
                amount: first,
                method: 'CHEQUE',
                reference: `chèque ${invoice.id.slice(-6)}`,
                idempotencyKey: key(),
              },
            },
          );
          if (paid.userErrors.length) throw new Error(JSON.stringify(paid.userErrors));
        }
        return spread.length;
      },
      (n) => `${n} payment plans, first instalments paid`,
    );

    await t.step(
      'every final count reaches the caterer (retries included)',
      () =>
        waitUntil(
          'webhook deliveries',
          async () => {
            const { rows } = await world.owner.query(
              `select count(*)::int as n from webhook_deliveries where tenant_id = $1 and status <> 'DELIVERED'`,
              [tenant],
            );
            return rows[0].n === 0;
          },
          150000,
        ).then(() => receiver.delivered.size),
      (n) => `${n} events received, ${receiver.failed} answered 500 first`,
    );

    await t.invariant('every lunch eaten billed exactly once', billedExactlyOnce(world.owner, tenant));
    await t.invariant(
      'nothing left unbilled after the catch-up',
      run ? await invoicedThrough(world.owner, tenant, through) : ['no run'],
    );
    await t.invariant('no lunch on a closed day', noneOnClosedDay(world.owner, tenant));
    await t.invariant('every instalment plan adds up', instalmentsAddUp(world.owner, tenant));
    await t.invariant('invoice numbers gapless', invoiceNumbersGapless(world.owner, tenant));
    await t.invariant(
      'meal counts announced once per school and day',
      mealCountsAnnouncedOnce(
        world.owner,
        tenant,
        new Set(receiver.delivered.keys()),
        plan.lunches.map((l) => ({ facilityId: l.school, date: l.date })),
      ),
    );
    t.note(`${eaten} lunches eaten in the month`);
    return t.result();
  } finally {
    await receiver.close();
  }
}
