import { Role } from '../../src/auth/viewer';
import {
  billedExactlyOnce,
  capacityNeverExceeded,
  depositsCreditedOnce,
  invoiceNumbersGapless,
  invoicedThrough,
  lateCancellationsBilled,
  placesGivenInRankOrder,
  tenantId,
  waterSettled,
} from '../invariants';
import type { DrillOptions } from '../main';
import { key, mutate, read, tokenFor } from '../support/client';
import { addDays, allNodes, localInstant, today, withPostgresRestart } from '../support/kit';
import { Timeline } from '../support/timeline';
import { reviewedCatchUp } from './saint-nazaire-catch-up';
import type { World } from '../support/world';

const SLUG = 'saint-nazaire';
const ZONE = 'Europe/Paris';
const RESERVE = `mutation($i: ReserveInput!) { reserve(input: $i) {
  reservations { id status session { date } } waitlistEntries { id rank } userErrors { code reason } } }`;
const CANCEL = `mutation($i: CancelReservationInput!) { cancelReservation(input: $i) { reservation { status } userErrors { code message } } }`;

const ok = (payload: any, what: string) => {
  if (payload.userErrors?.length) throw new Error(`${what}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
};

/**
 * Saint-Nazaire: billing stopped in March. Families pay deposits at the counter; lunches are
 * cancelled before and after the 15-day notice, some late ones justified by a certificate; billing
 * resumes with one catch-up invoice per family (drafted, reviewed, then promoted; the deposits applied); the water debits skipped
 * while billing was suspended are settled by the annual regularisation; and on 4 June at 12:30 the
 * summer centre opens to a rush.
 */
export async function saintNazaire(world: World, options: DrillOptions) {
  const t = new Timeline(SLUG, options.chaos, options.scale);
  const tenant = await tenantId(world.owner, SLUG);
  const admin = await tokenFor(SLUG, [Role.TENANT_ADMIN], undefined, 'admin');
  const agent = await tokenFor(SLUG, [Role.AGENT], undefined, 'agent-regie');
  const families = await allNodes(world, agent, 'families', 'id name children { id birthDate }');
  const start = today(world, ZONE);
  const year = Number(start.slice(0, 4));
  const depositors = families.slice(0, 5 * options.scale);
  const cancellers = families.slice(5 * options.scale, 11 * options.scale);
  const households = families.slice(11 * options.scale, 15 * options.scale);

  await t.step(
    'deposits at the counter (each sent twice: a lost answer retried)',
    async () => {
      for (const [n, f] of depositors.entries()) {
        const i = {
          familyId: f.id,
          amount: 5000 + 1000 * n,
          method: 'CHEQUE',
          reference: `acompte ${f.id.slice(-8)}`,
          idempotencyKey: key(),
        };
        const q = `mutation($i: RecordDepositInput!) { recordDeposit(input: $i) { payment { id } userErrors { code message } } }`;
        const first = ok(await mutate(world.url, agent, 'recordDeposit', q, { i }), 'deposit');
        const again = ok(await mutate(world.url, agent, 'recordDeposit', q, { i }), 'deposit');
        if (first.payment.id !== again.payment.id) throw new Error('a retried deposit was recorded twice');
      }
      return depositors.length;
    },
    (n) => `${n} deposits by cheque`,
  );

  const cancelled = await t.step(
    'lunches cancelled before and after the 15-day notice; some late ones justified',
    async () => {
      const soon = addDays(start, 3);
      const later = addDays(start, 17);
      const out = { free: 0, late: 0, justified: 0 };
      for (const [n, f] of cancellers.entries()) {
        const parent = await tokenFor(SLUG, [Role.PARENT], f.id);
        const child = f.children[0].id;
        const sessions = (
          await read(
            world.url,
            parent,
            `query($c: ID, $from: LocalDate, $to: LocalDate) { sessions(first: 100, filter: { childId: $c, from: $from, to: $to }) {
            nodes { id date bookingStatus service { kind } } } }`,
            { c: child, from: soon, to: addDays(later, 7) },
          )
        ).sessions.nodes.filter((s: any) => s.service.kind === 'CANTEEN' && s.bookingStatus === 'OPEN');
        const near = sessions.find((s: any) => s.date < addDays(start, 15));
        const far = sessions.find((s: any) => s.date >= later);
        for (const s of [near, far].filter(Boolean)) {
          const booked = ok(
            await mutate(world.url, parent, 'reserve', RESERVE, {
              i: { childId: child, sessionIds: [s.id], idempotencyKey: key() },
            }),
            'reserve',
          );
          const reservation = booked.reservations[0].id;
          const c = ok(
            await mutate(world.url, parent, 'cancelReservation', CANCEL, {
              i: { reservationId: reservation, idempotencyKey: key() },
            }),
            'cancel',
          );
          const expected = s === near ? 'LATE_CANCELLED' : 'CANCELLED';
          if (c.reservation.status !== expected)
            throw new Error(`${s.date}: ${c.reservation.status}, expected ${expected}`);
          if (s === far) out.free++;
          else if (n % 2 === 0) {
            // A medical certificate excuses a late cancellation (the agent records it).
            ok(
              await mutate(
                world.url,
                agent,
                'justifyAbsence',
                `mutation($i: JustifyAbsenceInput!) { justifyAbsence(input: $i) { reservation { status } userErrors { code message } } }`,
                {
                  i: {
                    reservationId: reservation,
                    reason: 'SICKNESS',
                    documentRef: `certificat-${n}`,
                    idempotencyKey: key(),
                  },
                },
              ),
              'justify',
            );
            out.justified++;
          } else out.late++;
        }
      }
      return out;
    },
    (o) => `${o.free} free, ${o.late} late (billed), ${o.justified} late but justified`,
  );

  await t.step(
    'water: monthly debits set; May and June skipped while billing is suspended',
    async () => {
      for (const h of households) {
        ok(
          await mutate(
            world.url,
            agent,
            'setWaterDebit',
            `mutation($i: SetWaterDebitInput!) { setWaterDebit(input: $i) { monthlyAmount userErrors { code message } } }`,
            { i: { familyId: h.id, monthlyAmount: 3000 } },
          ),
          'setWaterDebit',
        );
      }
      for (const month of ['05', '06']) {
        const r = ok(
          await mutate(
            world.url,
            admin,
            'collectWaterDebits',
            `mutation($i: CollectWaterDebitsInput!) { collectWaterDebits(input: $i) { debits skipped userErrors { code message } } }`,
            { i: { period: `${year}-${month}` } },
          ),
          'collect',
        );
        if (!r.skipped) throw new Error(`${year}-${month} was debited while billing was suspended`);
      }
      return households.length;
    },
    (n) => `${n} households, 2 months skipped`,
  );

  // January: billing resumes for everything up to the end of December.
  const through = `${year}-12-31`;
  world.setClock(localInstant(`${year + 1}-01-04`, '09:00', ZONE));
  const run = await reviewedCatchUp(world, options, t, { tenant, admin, agent, through });
  await t.step(
    'every depositor’s catch-up invoice has the deposit applied',
    async () => {
      if (!run) throw new Error('no catch-up was issued');
      for (const f of depositors) {
        const data = await read(
          world.url,
          agent,
          `query($f: ID!) { family(id: $f) { invoices(first: 10) { nodes { kind amountPaid { minorUnits } } } } }`,
          { f: f.id },
        );
        const catchUp = data.family.invoices.nodes.find((i: any) => i.kind === 'CATCH_UP');
        if (catchUp && catchUp.amountPaid.minorUnits === 0)
          throw new Error(`${f.name}: the deposit was not applied`);
      }
      return depositors.length;
    },
    (n) => `${n} depositors`,
  );

  await t.step(
    'water: debits from July (one retried), readings, the annual regularisation',
    async () => {
      const collect = `mutation($i: CollectWaterDebitsInput!) { collectWaterDebits(input: $i) { debits skipped userErrors { code message } } }`;
      for (const month of ['07', '08', '09', '09', '10', '11', '12']) {
        ok(
          await mutate(world.url, admin, 'collectWaterDebits', collect, {
            i: { period: `${year}-${month}` },
          }),
          'collect',
        );
      }
      for (const [n, h] of households.entries()) {
        for (const [date, m3] of [
          [`${year}-06-30`, 30 + n],
          [`${year}-12-15`, 25 + 2 * n],
        ] as const) {
          ok(
            await mutate(
              world.url,
              agent,
              'recordWaterConsumption',
              `mutation($i: RecordWaterConsumptionInput!) { recordWaterConsumption(input: $i) { charge { id } userErrors { code message } } }`,
              { i: { familyId: h.id, readingDate: date, cubicMetres: m3, idempotencyKey: key() } },
            ),
            'reading',
          );
        }
      }
      const r = ok(
        await mutate(
          world.url,
          admin,
          'regulariseWater',
          `mutation($i: RegulariseWaterInput!) { regulariseWater(input: $i) { billingRun { invoicesCreated } userErrors { code message } } }`,
          { i: { year, idempotencyKey: key() } },
        ),
        'regularise',
      );
      return r.billingRun.invoicesCreated;
    },
    (n) => `${n} regularisation invoices`,
  );

  const places = 10 * options.scale;
  await t.step(
    `4 June, 12:30: the summer centre opens; parents race for ${places} places`,
    async () => {
      const service = (
        await read(
          world.url,
          agent,
          '{ services(first: 5, kind: LEISURE_CENTRE) { nodes { id minAgeMonths maxAgeMonths } } }',
        )
      ).services.nodes[0];
      const sessions = await allNodes(
        world,
        agent,
        'sessions',
        'id date bookingOpensAt',
        `filter: { serviceId: "${service.id}" }`,
      );
      const session = sessions[0];
      ok(
        await mutate(
          world.url,
          admin,
          'setSessionCapacity',
          `mutation($i: SetSessionCapacityInput!) { setSessionCapacity(input: $i) { session { capacity } userErrors { code message } } }`,
          { i: { sessionId: session.id, capacity: places, idempotencyKey: key() } },
        ),
        'capacity',
      );
      world.setClock(new Date(Date.parse(session.bookingOpensAt) + 200));
      const months = (birth: string) => (Date.parse(session.date) - Date.parse(birth)) / (30.44 * 86400000);
      const racers = families
        .map((f) => ({
          f,
          child: f.children.find(
            (c: any) =>
              months(c.birthDate) >= (service.minAgeMonths ?? 0) + 1 &&
              months(c.birthDate) < (service.maxAgeMonths ?? 999) - 1,
          ),
        }))
        .filter((r) => r.child)
        .slice(0, 3 * places);
      const tokens = await Promise.all(racers.map((r) => tokenFor(SLUG, [Role.PARENT], r.f.id)));
      const race = () =>
        Promise.all(
          racers.map((r, i) =>
            mutate(world.url, tokens[i], 'reserve', RESERVE, {
              i: {
                childId: r.child.id,
                sessionIds: [session.id],
                waitlistIfFull: true,
                idempotencyKey: `june-${r.f.id}`,
              },
            }),
          ),
        );
      let answers;
      if (options.chaos) {
        t.fault('PostgreSQL restarted in the middle of the 12:30 rush');
        answers = await withPostgresRestart(world, 1500, race);
      } else answers = await race();
      const booked = answers.filter((a) => a.reservations.length).length;
      const waiting = answers.filter((a) => a.waitlistEntries.length).length;
      if (booked !== places)
        throw new Error(
          `${booked} booked for ${places} places: ${JSON.stringify(answers.find((a) => a.userErrors.length)?.userErrors)}`,
        );
      return { racers: racers.length, booked, waiting };
    },
    (r) => `${r.racers} parents: ${r.booked} booked, ${r.waiting} waiting`,
  );

  await t.invariant('every deposit credited once', depositsCreditedOnce(world.owner, tenant));
  await t.invariant(
    'every late cancellation billed unless justified',
    lateCancellationsBilled(world.owner, tenant),
  );
  await t.invariant('every charge billed exactly once', billedExactlyOnce(world.owner, tenant));
  await t.invariant(
    'nothing left unbilled after the catch-up',
    invoicedThrough(world.owner, tenant, through),
  );
  await t.invariant(
    'water debits plus regularisation equal consumption',
    waterSettled(world.owner, tenant, year),
  );
  await t.invariant('invoice numbers gapless', invoiceNumbersGapless(world.owner, tenant));
  await t.invariant('capacity never exceeded', capacityNeverExceeded(world.owner, tenant));
  await t.invariant(
    'every freed place given once, in rank order',
    placesGivenInRankOrder(world.owner, tenant),
  );
  if (cancelled && cancelled.late + cancelled.justified === 0)
    t.failures.push('no late cancellation was exercised');
  return t.result();
}
