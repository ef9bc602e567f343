import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { bootstrapTenant, type BootstrapFile } from '../src/administration/bootstrap/bootstrap';
import { readBootstrapFile } from '../src/administration/bootstrap/read-file';
import { Child, Diet } from '../src/families/child.entity';
import { Family } from '../src/families/family.entity';
import { Facility, FacilityKind } from '../src/facilities/facility.entity';
import { PriceBracket } from '../src/facilities/price-bracket.entity';
import {
  BookingPolicy,
  defaultAudience,
  defaultClosures,
  Service,
  ServiceKind,
} from '../src/facilities/service.entity';
import { closureOn, openDays } from '../src/calendars/closures';
import { AbsenceReason } from '../src/reservations/absence-reason.entity';
import { inTenantTransaction as asTenant } from '../src/db/tenant-scope';
import { OperatingMode, Tenant, TenantConfig } from '../src/tenants/tenant.entity';
import { addDays } from '../src/shared/dates';
import {
  bookUpcoming,
  insertSessions,
  recordPastAttendance,
  sessionDays,
  type RecentActivity,
  type SessionPlan,
} from './activity';
import { demoTenants, type DemoTenant } from './demo-tenants';
import { seedFullSessionsWithWaitlists } from './waitlists';
import { seedPlacements } from './placements';
import { ADULT_FIRST_NAMES, FIRST_NAMES, LAST_NAMES, Random, STREETS } from './random';

/** Weeks of sessions created from today for recurring services. */
const WEEKS_AHEAD = 6;
/**
 * The demo's recent past and near future, relative to the day it is seeded: three weeks (at least
 * eight open days) of sessions with the roll taken and charges, at least eight open days ahead,
 * and the coming week booked.
 */
export const DEMO_ACTIVITY: RecentActivity = {
  pastWeeks: 3,
  pastOpenDays: 8,
  upcomingOpenDays: 8,
  bookedDays: 7,
};
/** The water's price grid is valid from this date (as the catalogue files' grids). */
const GRID_VALID_FROM = '2025-09-01';

/** Absence reasons (motifs d'absence) every demo tenant accepts; admins change them with setAbsenceReason. */
const ABSENCE_REASONS = [
  {
    code: 'SICKNESS',
    label: 'Maladie (certificat médical)',
    billable: false,
    requiresDocument: true,
    // A medical certificate excuses a cancellation given after the notice deadline.
    excusesLateCancellation: true,
  },
  {
    code: 'SCHOOL_TRIP',
    label: 'Sortie scolaire',
    billable: false,
    requiresDocument: false,
    excusesLateCancellation: false,
  },
  {
    code: 'STRIKE',
    label: 'Grève',
    billable: false,
    requiresDocument: false,
    excusesLateCancellation: false,
  },
  {
    code: 'FAMILY_EVENT',
    label: 'Événement familial',
    billable: false,
    requiresDocument: true,
    excusesLateCancellation: false,
  },
  {
    code: 'PLANNED',
    label: 'Absence prévue, signalée hors délai',
    billable: true,
    requiresDocument: false,
    excusesLateCancellation: false,
  },
];

/** Tenants seeded at once: the owner's pool holds two connections (and machines two cores). */
const LANES = 2;

/**
 * The four reference tenants of docs/design.md with believable families, facilities and sessions
 * around today. Two at a time, the largest first: Saint-Nazaire's months of lunches take as long
 * as the three others together.
 */
export class DatabaseSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    const now = new Date();
    const queue = demoTenants().sort((a, b) => weight(b) - weight(a));
    const lane = async () => {
      for (let def = queue.shift(); def; def = queue.shift()) {
        await seedTenant(em.fork(), def, now, WEEKS_AHEAD, DEMO_ACTIVITY);
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
  }
}

/** Roughly how long a tenant takes to seed: months of history weigh most. */
function weight(def: DemoTenant): number {
  return (def.canteenHistorySince ? 10_000 : 0) + def.families;
}

/**
 * One tenant as if seeded at the instant `now`: its sessions from today (the tenant's local date)
 * for `weeksAhead` weeks; with `activity`, the recent past (attended, charged) and the coming days
 * (booked) as well. Saint-Nazaire's unbilled canteen lunches since `canteenHistorySince` come with
 * its definition.
 */
export async function seedTenant(
  em: EntityManager,
  def: DemoTenant,
  now = new Date(),
  weeksAhead = WEEKS_AHEAD,
  activity?: RecentActivity,
): Promise<Tenant> {
  const tenant = em.create(Tenant, {
    slug: def.slug,
    name: def.name,
    locale: def.locale,
    timeZone: def.timeZone,
    currency: def.currency,
    holidayRegion: def.holidayRegion,
    config: Object.assign(new TenantConfig(), def.config),
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await em.flush();
  // The catalogue (seeds/bootstrap/) is set up by the code of `npm run tenant:bootstrap`.
  const catalogue = await demoCatalogue(def);
  await bootstrapTenant(em.fork(), catalogue, now);

  await asTenant(em, tenant.id, async (tx) => {
    const random = new Random(def.seed);
    const tenantId = tenant.id;
    // The tenant's own date: at 00:30 in Paris it is already tomorrow there, still today in UTC.
    const today = DateTime.fromJSDate(now, { zone: def.timeZone }).startOf('day');
    const todayDate = today.toISODate()!;
    const plans: SessionPlan[] = [];
    const facilitiesByKind = new Map<FacilityKind, Facility[]>();
    const calendars = { holidayRegion: def.holidayRegion, schoolCalendar: def.config.schoolCalendar ?? null };

    /** The sessions of a service of the catalogue: on the days its calendars leave open. */
    const planSessions = (service: Service, facility: Facility) => {
      const schedule = def.schedules[service.name];
      if (!schedule) return;
      const closures = {
        closedOnPublicHolidays: service.closedOnPublicHolidays,
        closedOnSchoolHolidays: service.closedOnSchoolHolidays,
      };
      let dates = schedule.dates
        ? schedule.dates.filter((date) => !closureOn(date, calendars, closures))
        : sessionDays(schedule.weekdays, calendars, closures, todayDate, weeksAhead, activity);
      if (service.kind === ServiceKind.CANTEEN && def.canteenHistorySince) {
        const history = openDays(
          def.canteenHistorySince,
          addDays(todayDate, -1),
          schedule.weekdays,
          calendars,
          closures,
        );
        dates = [...new Set([...history, ...dates])].sort();
      }
      plans.push({
        serviceId: service.id,
        facilityId: facility.id,
        capacity: Math.min(service.defaultCapacity, facility.capacity),
        dates,
        periods: schedule.periods,
      });
    };

    for (const declared of catalogue.facilities ?? []) {
      // In the file's order: children are placed by drawing from these lists.
      const facility = await tx.findOneOrFail(Facility, { name: declared.name, archivedAt: null });
      facilitiesByKind.set(facility.kind, [...(facilitiesByKind.get(facility.kind) ?? []), facility]);
      // The draws that once made the file's capacity and address: the families stay the same.
      random.next();
      random.next();
      random.next();
      for (const { name } of declared.services ?? []) {
        planSessions(await tx.findOneOrFail(Service, { facility, name, archivedAt: null }), facility);
      }
    }
    for (const network of def.networkServices ?? []) {
      // A service of no facility, which the catalogue files cannot declare: its price, no sessions.
      const service = tx.create(Service, {
        tenantId,
        facility: null,
        kind: network.kind,
        name: network.name,
        unit: network.unit,
        defaultCapacity: 0,
        ...defaultClosures(network.kind),
        ...defaultAudience(network.kind),
        bookingPolicy: new BookingPolicy(),
      });
      for (const [minQuotient, maxQuotient, unitPrice] of network.prices) {
        tx.create(PriceBracket, {
          tenantId,
          service,
          minQuotient,
          maxQuotient,
          unitPrice,
          validFrom: GRID_VALID_FROM,
        });
      }
    }
    for (const reason of ABSENCE_REASONS) tx.create(AbsenceReason, { tenantId, ...reason, active: true });

    const postalCode = { nimes: '30000', beziers: '34500', 'saint-nazaire': '44600', quebec: 'G1R 2J6' }[
      def.slug
    ];
    const city = def.name
      .replace(/^Ville de /, '')
      .replace(/ —.*$/, '')
      .replace(/^Coopérative.*/, 'Québec');
    for (let i = 0; i < def.families; i++) {
      const lastName = random.pick(LAST_NAMES);
      const guardians = Array.from({ length: random.chance(0.7) ? 2 : 1 }, () => {
        const firstName = random.pick(ADULT_FIRST_NAMES);
        return {
          firstName,
          lastName,
          email: `${slugify(firstName)}.${slugify(lastName)}${i}@exemple.fr`,
          phone:
            def.slug === 'quebec'
              ? `418-555-${String(1000 + i).slice(-4)}`
              : `06 ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)}`,
        };
      });
      const family = tx.create(Family, {
        tenantId,
        name: `Famille ${lastName}`,
        guardians,
        address: `${random.int(1, 200)} ${random.pick(STREETS)}`,
        postalCode,
        city,
        familyQuotient: random.chance(0.1) ? null : random.int(150, 2200),
        externalRef: def.familyRefPrefix ? `${def.familyRefPrefix}${String(100000 + i)}` : null,
        createdAt: new Date(),
      });
      const children = random.int(1, 3);
      for (let c = 0; c < children; c++) {
        const age = random.int(def.childAges[0], def.childAges[1]);
        const birth = today.minus({ years: age, days: random.int(0, 364) });
        tx.create(Child, {
          tenantId,
          family,
          firstName: random.pick(FIRST_NAMES),
          lastName,
          birthDate: birth.toISODate()!,
          ...placeFor(age, facilitiesByKind, random),
          diet: random.chance(0.8)
            ? Diet.STANDARD
            : random.pick([Diet.NO_PORK, Diet.VEGETARIAN, Diet.ALLERGY_PLAN]),
        });
      }
    }
    await tx.flush();
    await insertSessions(tx, tenantId, plans);
    // Past sessions (the recent weeks, Saint-Nazaire's months since March) as they happened.
    await recordPastAttendance(tx, tenantId, todayDate, def.config.operatingMode === OperatingMode.WALK_IN);
    if (activity && def.config.operatingMode === OperatingMode.NORMAL) {
      await bookUpcoming(tx, tenantId, todayDate, addDays(todayDate, activity.bookedDays));
      if (def.fullWithWaitlist) {
        await seedFullSessionsWithWaitlists(tx, tenantId, todayDate, now, def.fullWithWaitlist);
      }
    }
    // The demo's childcare applications and places (not in suites' own copies, which set up their own).
    if (activity && def.placements) await seedPlacements(tx, tenantId, todayDate, now, def.placements);
  });
  return tenant;
}

/**
 * A demo tenant's catalogue (a file of seeds/bootstrap/, or given whole), for the tenant being
 * seeded (a suite's copy has its own slug and name). The build copies the files beside the
 * compiled seed.
 */
async function demoCatalogue(def: DemoTenant): Promise<BootstrapFile> {
  const file =
    typeof def.catalogue === 'string'
      ? await readBootstrapFile(path.join(__dirname, 'bootstrap', def.catalogue))
      : def.catalogue;
  return { ...file, tenant: { ...file.tenant, slug: def.slug, name: def.name } };
}

function placeFor(age: number, byKind: Map<FacilityKind, Facility[]>, random: Random) {
  const pickOf = (kind: FacilityKind) => {
    const list = byKind.get(kind);
    return list && list.length > 0 ? random.pick(list) : null;
  };
  if (byKind.has(FacilityKind.CHILDCARE_CENTRE)) {
    // Québec: about half the children have a place; the others wait (waitlists come later).
    return { school: random.chance(0.5) ? pickOf(FacilityKind.CHILDCARE_CENTRE) : null, schoolClass: null };
  }
  if (age < 3) return { school: random.chance(0.4) ? pickOf(FacilityKind.NURSERY) : null, schoolClass: null };
  const classes = ['PS', 'MS', 'GS', 'CP', 'CE1', 'CE2', 'CM1', 'CM2', 'CM2'];
  return { school: pickOf(FacilityKind.SCHOOL), schoolClass: classes[Math.min(age - 3, classes.length - 1)] };
}

function slugify(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
}

/** Adds `count` generated families (1–3 children each) to a tenant, in batches, for benchmarks. */
export async function seedScale(
  em: EntityManager,
  tenantSlug: string,
  count: number,
  seed = 7,
): Promise<number> {
  const tenant = await em.findOneOrFail(Tenant, { slug: tenantSlug });
  const random = new Random(seed);
  const schools = await asTenant(em, tenant.id, (tx) => tx.find(Facility, { kind: FacilityKind.SCHOOL }));
  const batch = 2000;
  let created = 0;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    await asTenant(em, tenant.id, async (tx) => {
      const families = [];
      const children = [];
      for (let i = 0; i < size; i++) {
        const lastName = random.pick(LAST_NAMES);
        const id = randomUUID();
        families.push({
          id,
          tenantId: tenant.id,
          name: `Famille ${lastName}`,
          guardians: [{ firstName: random.pick(ADULT_FIRST_NAMES), lastName, email: null, phone: null }],
          familyQuotient: random.int(150, 2200),
          externalRef: `SCALE-${seed}-${start + i}`,
          createdAt: new Date(),
        });
        for (let c = random.int(1, 3); c > 0; c--) {
          children.push({
            id: randomUUID(),
            tenantId: tenant.id,
            family: id,
            firstName: random.pick(FIRST_NAMES),
            lastName,
            birthDate: `${random.int(2015, 2023)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
            school: schools.length ? random.pick(schools).id : null,
            diet: Diet.STANDARD,
          });
        }
      }
      await tx.insertMany(Family, families);
      await tx.insertMany(Child, children);
    });
    created += size;
  }
  return created;
}
