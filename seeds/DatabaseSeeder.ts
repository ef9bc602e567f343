import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { Child, Diet } from '../src/families/child.entity';
import { Family } from '../src/families/family.entity';
import { Facility, FacilityKind } from '../src/facilities/facility.entity';
import { demoNationalCode } from '../src/facilities/national-code';
import { PriceBracket } from '../src/facilities/price-bracket.entity';
import {
  BookingPolicy,
  defaultAudience,
  defaultClosures,
  Service,
  ServiceKind,
} from '../src/facilities/service.entity';
import { closureOn, openDays } from '../src/calendars/closures';
import { Session } from '../src/sessions/session.entity';
import { AbsenceReason } from '../src/reservations/absence-reason.entity';
import { inTenantTransaction as asTenant } from '../src/db/tenant-scope';
import { Tenant, TenantConfig } from '../src/tenants/tenant.entity';
import { demoTenants, type DemoTenant, type ServiceTemplate } from './demo-tenants';
import { ADULT_FIRST_NAMES, FIRST_NAMES, LAST_NAMES, NOTABLES, Random, STREETS } from './random';

/** Weeks of sessions created ahead of today for recurring services. */
const WEEKS_AHEAD = 6;
/** Price grids valid from this date (since the previous school year, so that suspended periods are priced). */
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

/** The four reference tenants of DESIGN.md with believable families, facilities and sessions. */
export class DatabaseSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    for (const definition of demoTenants(NOTABLES)) await seedTenant(em, definition);
  }
}

export async function seedTenant(
  em: EntityManager,
  def: DemoTenant,
  today = new Date(),
  weeksAhead = WEEKS_AHEAD,
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

  await asTenant(em, tenant.id, async (tx) => {
    const random = new Random(def.seed);
    const tenantId = tenant.id;
    const firstDay = DateTime.fromJSDate(today, { zone: def.timeZone }).startOf('day').plus({ days: 1 });
    const facilitiesByKind = new Map<FacilityKind, Facility[]>();

    const calendars = { holidayRegion: def.holidayRegion, schoolCalendar: def.config.schoolCalendar ?? null };
    const addService = (template: ServiceTemplate, facility: Facility | null) => {
      const closures = defaultClosures(template.kind);
      const service = tx.create(Service, {
        tenantId,
        facility,
        kind: template.kind,
        name: template.name,
        unit: template.unit,
        defaultCapacity: template.capacity,
        ...closures,
        ...defaultAudience(template.kind),
        bookingPolicy: Object.assign(new BookingPolicy(), {
          ...template.policy,
          opensAt: template.policy?.opensAt ? new Date(template.policy.opensAt) : null,
        }),
      });
      for (const [minQuotient, maxQuotient, unitPrice] of template.prices) {
        tx.create(PriceBracket, {
          tenantId,
          service,
          minQuotient,
          maxQuotient,
          unitPrice,
          validFrom: GRID_VALID_FROM,
        });
      }
      const capacity = facility ? Math.min(template.capacity, facility.capacity) : template.capacity;
      // Sessions only on the days the service's calendars leave open (no canteen on a holiday).
      const last = firstDay.plus({ days: weeksAhead * 7 - 1 }).toISODate()!;
      const dates = (
        template.dates ?? openDays(firstDay.toISODate()!, last, template.weekdays, calendars, closures)
      ).filter((date) => !closureOn(date, calendars, closures));
      for (const date of dates) {
        for (const period of template.periods) {
          tx.create(Session, {
            tenantId,
            service,
            facility,
            date,
            period,
            capacity,
            placesTaken: 0,
            walkIns: 0,
          });
        }
      }
    };

    let schools = 0;
    for (const group of def.facilities) {
      const list: Facility[] = [];
      for (const name of group.names) {
        const facility = tx.create(Facility, {
          tenantId,
          name,
          kind: group.kind,
          capacity: random.int(group.capacity[0], group.capacity[1]),
          address: `${random.int(1, 120)} ${random.pick(STREETS)}`,
          // French schools carry a plausible national code (UAI) of the town's département.
          nationalCode:
            group.kind === FacilityKind.SCHOOL && def.department
              ? demoNationalCode(def.department, schools++)
              : null,
        });
        list.push(facility);
        for (const template of group.services) addService(template, facility);
      }
      facilitiesByKind.set(group.kind, list);
    }
    for (const template of def.networkServices ?? []) addService(template, null);
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
        const birth = firstDay.minus({ years: age, days: random.int(0, 364) });
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
    if (def.canteenHistorySince) {
      const to = firstDay.minus({ days: 1 }).toISODate()!;
      const schoolDays = openDays(
        def.canteenHistorySince,
        to,
        [1, 2, 4, 5],
        calendars,
        defaultClosures(ServiceKind.CANTEEN),
      );
      await seedCanteenHistory(tx, tenantId, schoolDays);
    }
  });
  return tenant;
}

/**
 * Past canteen lunches, attended and charged but never invoiced (Saint-Nazaire's suspended
 * billing): sessions on the school days given (the calendars already applied: no lunch on a
 * holiday), each school child eating about three lunches in four, priced from the grid for the
 * family's quotient (top bracket without one). Set-based SQL: tens of thousands of rows in a second.
 */
async function seedCanteenHistory(tx: EntityManager, tenantId: string, schoolDays: string[]): Promise<void> {
  if (schoolDays.length === 0) return;
  const run = (sql: string, params: unknown[]) => tx.execute(sql, params, 'run', tx.getLoggerContext());
  const [from, to] = [schoolDays[0], schoolDays[schoolDays.length - 1]];
  await run(
    `insert into sessions (id, tenant_id, service_id, facility_id, date, period, capacity, places_taken, walk_ins)
     select gen_random_uuid(), sv.tenant_id, sv.id, sv.facility_id, d.value::date, 'LUNCH', least(sv.default_capacity, f.capacity), 0, 0
     from services sv join facilities f on f.tenant_id = sv.tenant_id and f.id = sv.facility_id
     cross join json_array_elements_text(?::json) d
     where sv.tenant_id = ? and sv.kind = 'CANTEEN'
       and not exists (select 1 from sessions x where x.tenant_id = sv.tenant_id and x.service_id = sv.id
                       and x.date = d.value::date and x.period = 'LUNCH')`,
    [JSON.stringify(schoolDays), tenantId],
  );
  await run(
    `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by,
       created_at, updated_at, attendance_recorded_at)
     select gen_random_uuid(), s.tenant_id, s.id, c.id, c.family_id, 'ATTENDED', 'ONLINE', 'seed',
            s.date - 7, s.date + time '13:30', s.date + time '13:30'
     from sessions s join children c on c.tenant_id = s.tenant_id and c.school_id = s.facility_id
     where s.tenant_id = ? and s.date between ?::date and ?::date and s.period = 'LUNCH'
       and abs(hashtext(c.id::text || s.date::text)) % 4 <> 0`,
    [tenantId, from, to],
  );
  await run(
    `update sessions s set places_taken = least(s.capacity, (select count(*) from reservations r
       where r.tenant_id = s.tenant_id and r.session_id = s.id))
     where s.tenant_id = ? and s.date between ?::date and ?::date`,
    [tenantId, from, to],
  );
  await run(
    `insert into charges (id, tenant_id, family_id, child_id, reservation_id, service_id, date, reason, quantity,
       unit_price, amount, currency, created_at)
     select gen_random_uuid(), r.tenant_id, r.family_id, r.child_id, r.id, s.service_id, s.date, 'ATTENDED', 1,
            p.unit_price, p.unit_price, t.currency, s.date + time '13:30'
     from reservations r
     join sessions s on s.tenant_id = r.tenant_id and s.id = r.session_id
     join families fam on fam.tenant_id = r.tenant_id and fam.id = r.family_id
     join tenants t on t.id = r.tenant_id
     join lateral (
       select b.unit_price from price_brackets b
       where b.tenant_id = s.tenant_id and b.service_id = s.service_id and b.valid_from <= s.date
         and (b.valid_to is null or b.valid_to >= s.date)
         and (fam.family_quotient is null
              or (b.min_quotient <= fam.family_quotient and (b.max_quotient is null or fam.family_quotient < b.max_quotient)))
       order by b.min_quotient desc limit 1
     ) p on true
     where r.tenant_id = ? and s.date between ?::date and ?::date and r.created_by = 'seed'`,
    [tenantId, from, to],
  );
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
