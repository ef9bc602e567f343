import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { Client } from 'pg';
import { FacilityKind } from '../src/facilities/facility.entity';
import { BillingUnit, ServiceKind } from '../src/facilities/service.entity';
import { SessionPeriod } from '../src/sessions/session.entity';
import schoolData from '../src/calendars/school-holidays.fr.json';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import type { DemoTenant } from '../seeds/demo-tenants';
import { demoCatalogue, seedTestTenant } from './support/tenants';

/**
 * Calendars close services on the dates that matter: each tenant over a whole school year
 * (1 September 2026 to the summer of 2027) has a session on every day its service is open and
 * none on a day it is closed — canteens and périscolaire follow the school days of the tenant's
 * académie zone, leisure centres and crèches close on public holidays only, Québec's on Québec's
 * holidays — and a session on a closed day can be neither created nor booked.
 *
 * The expected days are computed here from the sources themselves (the ministry's zones in the
 * data file, `date-holidays` for public holidays) and spot-checked against dates known by heart.
 */
// Seeded on the first day of the school year: a tenant's sessions start on the day it is seeded.
const SCHOOL_YEAR_SEEDED_ON = new Date('2026-09-01T06:00:00Z');
const FIRST_DAY = '2026-09-01';
const WEEKS = 45;
const LAST_DAY = DateTime.fromISO(FIRST_DAY).plus({ weeks: WEEKS }).minus({ days: 1 }).toISODate()!;

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = DateTime.fromISO(from); d.toISODate()! <= to; d = d.plus({ days: 1 }))
    days.push(d.toISODate()!);
  return days;
}

function publicHolidaySet(country: string, state?: string): Set<string> {
  const calendar = state ? new Holidays(country, state) : new Holidays(country);
  const days = new Set<string>();
  for (const year of [2026, 2027]) {
    for (const h of calendar.getHolidays(year)) if (h.type === 'public') days.add(h.date.slice(0, 10));
  }
  return days;
}

function schoolHolidaySet(zone: string): Set<string> {
  const days = new Set<string>();
  for (const h of schoolData.holidays.filter((x) => x.zones.includes(zone))) {
    for (const day of daysBetween(h.from, h.to)) days.add(day);
  }
  return days;
}

const FR = publicHolidaySet('FR');
const QC = publicHolidaySet('CA', 'QC');

interface Case {
  base: string;
  slug: string;
  kind: ServiceKind;
  weekdays: number[];
  publicHolidays: Set<string>;
  schoolHolidays: Set<string>;
  /** Dates known by heart: open (true) or closed (false). */
  spot: [string, boolean][];
}

const CASES: Case[] = [
  {
    base: 'nimes',
    slug: 'test-cal-nimes',
    kind: ServiceKind.CANTEEN,
    weekdays: [1, 2, 4, 5],
    publicHolidays: FR,
    schoolHolidays: schoolHolidaySet('C'),
    spot: [
      ['2026-09-01', true], // rentrée
      ['2026-10-16', true],
      ['2026-10-19', false], // Toussaint
      ['2026-11-02', true],
      ['2026-12-18', true],
      ['2026-12-25', false], // Noël
      ['2027-01-04', true],
      ['2027-02-08', false], // hiver, zone C
      ['2027-02-22', true],
      ['2027-03-29', false], // lundi de Pâques
      ['2027-04-19', true],
      ['2027-05-06', false], // Ascension
      ['2027-05-17', false], // lundi de Pentecôte
      ['2027-07-02', true],
      ['2027-07-05', false], // été
    ],
  },
  {
    base: 'beziers',
    slug: 'test-cal-beziers',
    kind: ServiceKind.CANTEEN,
    weekdays: [1, 2, 4, 5],
    publicHolidays: FR,
    schoolHolidays: schoolHolidaySet('C'),
    spot: [
      ['2026-12-25', false],
      ['2027-02-11', false],
      ['2027-02-25', true],
    ],
  },
  {
    base: 'beziers',
    slug: 'test-cal-beziers',
    kind: ServiceKind.LEISURE_CENTRE,
    weekdays: [3],
    publicHolidays: FR,
    schoolHolidays: new Set(), // open in the school holidays
    spot: [
      ['2026-10-21', true], // Toussaint holidays: open
      ['2026-11-11', false], // Armistice
      ['2026-12-23', true],
      ['2027-02-10', true],
    ],
  },
  {
    base: 'saint-nazaire',
    slug: 'test-cal-saint-nazaire',
    kind: ServiceKind.CANTEEN,
    weekdays: [1, 2, 4, 5],
    publicHolidays: FR,
    schoolHolidays: schoolHolidaySet('B'),
    spot: [
      ['2027-02-08', true], // zone B still at school
      ['2027-02-22', false], // hiver, zone B
      ['2027-03-08', true],
      ['2027-04-19', false], // printemps, zone B
      ['2027-05-03', true],
    ],
  },
  {
    base: 'saint-nazaire',
    slug: 'test-cal-saint-nazaire',
    kind: ServiceKind.PERISCHOOL,
    weekdays: [1, 2, 4, 5],
    publicHolidays: FR,
    schoolHolidays: schoolHolidaySet('B'),
    spot: [
      ['2026-12-21', false],
      ['2027-01-04', true],
    ],
  },
  {
    base: 'saint-nazaire',
    slug: 'test-cal-saint-nazaire',
    kind: ServiceKind.NURSERY,
    weekdays: [1, 2, 3, 4, 5],
    publicHolidays: FR,
    schoolHolidays: new Set(),
    spot: [
      ['2026-12-24', true],
      ['2026-12-25', false],
      ['2027-02-22', true],
    ],
  },
  {
    base: 'quebec',
    slug: 'test-cal-quebec',
    kind: ServiceKind.NURSERY,
    weekdays: [1, 2, 3, 4, 5],
    publicHolidays: QC,
    schoolHolidays: new Set(),
    spot: [
      ['2026-09-07', false], // fête du Travail
      ['2026-10-12', false], // Action de grâce
      ['2026-12-25', false],
      ['2026-12-28', true],
      ['2027-03-26', false], // Vendredi saint
      ['2027-05-24', false], // Journée nationale des patriotes
      ['2027-06-24', false], // fête nationale du Québec
      ['2027-07-01', false], // fête du Canada
      ['2027-07-02', true],
    ],
  },
];

describe('calendars close services on the dates that matter', () => {
  let app: TestApp;
  let owner: Client;
  const agents = new Map<string, string>();

  beforeAll(async () => {
    // Québec's copy: its eight CPE (places have no sessions) and a halte-garderie open on weekdays.
    const quebec = demoCatalogue('quebec');
    const quebecCopy: Partial<DemoTenant> = {
      catalogue: {
        ...quebec,
        facilities: [
          ...quebec.facilities!,
          {
            key: 'halte-vieux-quebec',
            name: 'Halte-garderie du Vieux-Québec',
            kind: FacilityKind.CHILDCARE_CENTRE,
            capacity: 30,
            services: [
              {
                key: 'halte-garderie',
                kind: ServiceKind.NURSERY,
                name: 'Halte-garderie',
                unit: BillingUnit.DAY,
                defaultCapacity: 30,
                priceGrids: [
                  {
                    validFrom: '2025-09-01',
                    brackets: [{ minQuotient: 0, maxQuotient: null, unitPrice: 935 }],
                  },
                ],
              },
            ],
          },
        ],
      },
      schedules: { 'Halte-garderie': { periods: [SessionPeriod.FULL_DAY], weekdays: [1, 2, 3, 4, 5] } },
    };
    for (const slug of new Set(CASES.map((c) => c.slug))) {
      const base = CASES.find((c) => c.slug === slug)!.base;
      await seedTestTenant(
        base,
        {
          slug,
          families: base === 'beziers' ? 20 : 4,
          ...(base === 'quebec' ? quebecCopy : {}),
        },
        SCHOOL_YEAR_SEEDED_ON,
        WEEKS,
      );
      agents.set(slug, await token(slug, Role.AGENT));
    }
    owner = await rawClient('owner');
    app = await startTestApp();
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  async function sessionDates(slug: string, kind: ServiceKind): Promise<Set<string>> {
    const auth = { token: agents.get(slug)! };
    const services = await app.gql(
      'query($k: ServiceKind) { services(first: 100, kind: $k) { nodes { id closedOnPublicHolidays closedOnSchoolHolidays } } }',
      { k: kind },
      auth,
    );
    expect(services.errors).toBeUndefined();
    const dates = new Set<string>();
    for (const service of services.data.services.nodes as { id: string }[]) {
      let after: string | null = null;
      do {
        const page: any = await app.gql(
          'query($f: SessionFilter, $a: String) { sessions(first: 100, after: $a, filter: $f) { pageInfo { hasNextPage endCursor } nodes { date } } }',
          { f: { serviceId: service.id, from: FIRST_DAY, to: LAST_DAY }, a: after },
          auth,
        );
        expect(page.errors).toBeUndefined();
        for (const node of page.data.sessions.nodes) dates.add(node.date);
        after = page.data.sessions.pageInfo.hasNextPage ? page.data.sessions.pageInfo.endCursor : null;
      } while (after);
    }
    return dates;
  }

  it.each(CASES.map((c) => [c.slug, c.kind, c] as const))(
    '%s %s: a session on every open day of the school year, none on a closed day',
    async (slug, kind, c) => {
      const expected = daysBetween(FIRST_DAY, LAST_DAY).filter(
        (day) =>
          c.weekdays.includes(DateTime.fromISO(day).weekday) &&
          !c.publicHolidays.has(day) &&
          !c.schoolHolidays.has(day),
      );
      const actual = await sessionDates(slug, kind);
      expect([...actual].sort()).toEqual(expected);
      for (const [date, open] of c.spot) {
        expect([date, actual.has(date)]).toEqual([date, open]);
      }
    },
  );

  it("exposes each tenant's calendars and each service's closures", async () => {
    const res = await app.gql(
      '{ tenant { holidayRegion configuration { schoolCalendar } } services(first: 100) { nodes { kind closedOnPublicHolidays closedOnSchoolHolidays } } }',
      {},
      { token: agents.get('test-cal-saint-nazaire')! },
    );
    expect(res.data.tenant).toEqual({ holidayRegion: 'FR', configuration: { schoolCalendar: 'FR-B' } });
    const byKind = new Map(
      res.data.services.nodes.map((s: { kind: string }) => [s.kind, s] as [string, Record<string, unknown>]),
    );
    expect(byKind.get('CANTEEN')).toMatchObject({
      closedOnPublicHolidays: true,
      closedOnSchoolHolidays: true,
    });
    expect(byKind.get('LEISURE_CENTRE')).toMatchObject({
      closedOnPublicHolidays: true,
      closedOnSchoolHolidays: false,
    });
    expect(byKind.get('WATER')).toMatchObject({
      closedOnPublicHolidays: false,
      closedOnSchoolHolidays: false,
    });
    const quebec = await app.gql(
      '{ tenant { holidayRegion configuration { schoolCalendar } } }',
      {},
      {
        token: agents.get('test-cal-quebec')!,
      },
    );
    expect(quebec.data.tenant).toEqual({ holidayRegion: 'CA-QC', configuration: { schoolCalendar: null } });
  });

  it("Saint-Nazaire's canteen history is billed on school days only", async () => {
    const { rows } = await owner.query<{ date: string }>(
      `select distinct to_char(c.date, 'YYYY-MM-DD') as date
       from charges c join tenants t on t.id = c.tenant_id
       where t.slug = 'test-cal-saint-nazaire' order by 1`,
    );
    const dates = rows.map((r) => r.date);
    expect(dates.length).toBeGreaterThan(50);
    const zoneB = schoolHolidaySet('B');
    expect(dates.filter((d) => FR.has(d) || zoneB.has(d))).toEqual([]);
    // 8 May, Ascension, lundi de Pentecôte, the spring holidays and the summer: no lunch billed.
    for (const closed of [
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-04-14',
      '2026-07-16',
      '2026-08-20',
    ]) {
      expect(dates).not.toContain(closed);
    }
    expect(dates).toContain('2026-03-02');
  });

  it('the demo tenants have no session on a day their service is closed', async () => {
    const { rows } = await owner.query(
      `select t.slug, sv.kind, s.date, cd.name
       from sessions s join services sv on sv.tenant_id = s.tenant_id and sv.id = s.service_id
       join tenants t on t.id = s.tenant_id
       join calendar_days cd on cd.date = s.date and (
            (sv.closed_on_public_holidays and cd.kind = 'PUBLIC_HOLIDAY' and cd.calendar = t.holiday_region)
         or (sv.closed_on_school_holidays and cd.kind = 'SCHOOL_HOLIDAY' and cd.calendar = t.config_school_calendar))
       limit 5`,
    );
    expect(rows).toEqual([]);
    const { rows: christmas } = await owner.query(
      `select count(*)::int as n from sessions s join tenants t on t.id = s.tenant_id
       where t.slug = 'beziers' and s.date = '2026-12-25'`,
    );
    expect(christmas[0].n).toBe(0);
  });

  describe('a session on a closed day', () => {
    const SLUG = 'test-cal-beziers';
    let canteen: {
      serviceId: string;
      facilityId: string;
      tenantId: string;
      childId: string;
      familyId: string;
    };

    beforeAll(async () => {
      const { rows } = await owner.query(
        `select sv.id as "serviceId", sv.facility_id as "facilityId", sv.tenant_id as "tenantId",
                c.id as "childId", c.family_id as "familyId"
         from services sv join tenants t on t.id = sv.tenant_id
         join children c on c.tenant_id = sv.tenant_id and c.school_id = sv.facility_id
         where t.slug = $1 and sv.kind = 'CANTEEN' order by c.id limit 1`,
        [SLUG],
      );
      canteen = rows[0];
    });

    it('cannot be created, whoever inserts it, nor moved onto a holiday', async () => {
      const app_ = await rawClient('app');
      try {
        await app_.query('begin');
        await app_.query(`select set_config('app.tenant_id', $1, true)`, [canteen.tenantId]);
        await expect(
          app_.query(
            `insert into sessions (id, tenant_id, service_id, facility_id, date, period, capacity, places_taken, walk_ins)
             values (gen_random_uuid(), $1, $2, $3, '2026-12-25', 'LUNCH', 10, 0, 0)`,
            [canteen.tenantId, canteen.serviceId, canteen.facilityId],
          ),
        ).rejects.toMatchObject({
          code: '23514',
          constraint: 'sessions_open_day',
          message: expect.stringMatching(/Noël/),
        });
        await app_.query('rollback');
      } finally {
        await app_.end();
      }
      await expect(
        owner.query(
          `update sessions set date = '2027-02-10' where id = (
             select id from sessions where service_id = $1 and date = '2027-01-07' limit 1)`,
          [canteen.serviceId],
        ),
      ).rejects.toMatchObject({ code: '23514', message: expect.stringMatching(/Vacances d'hiver/) });
      const { rows } = await owner.query(
        `select count(*)::int as n from sessions where service_id = $1 and date in ('2026-12-25', '2027-02-10')`,
        [canteen.serviceId],
      );
      expect(rows[0].n).toBe(0);
    });

    it('cannot be booked when it exists from before the calendars: CLOSED naming the holiday, nothing written', async () => {
      // A row left by a migration from an older system, inserted past the trigger.
      await owner.query('begin');
      await owner.query('set local session_replication_role = replica');
      const { rows: inserted } = await owner.query(
        `insert into sessions (id, tenant_id, service_id, facility_id, date, period, capacity, places_taken, walk_ins)
         values (gen_random_uuid(), $1, $2, $3, '2026-12-25', 'LUNCH', 10, 0, 0) returning id`,
        [canteen.tenantId, canteen.serviceId, canteen.facilityId],
      );
      await owner.query('commit');
      const parent = await token(SLUG, Role.PARENT, toGlobalId('Family', canteen.familyId));
      const sessionId = (
        await app.gql(
          'query($f: SessionFilter) { sessions(first: 1, filter: $f) { nodes { id date } } }',
          {
            f: { serviceId: toGlobalId('Service', canteen.serviceId), from: '2026-12-25', to: '2026-12-25' },
          },
          { token: agents.get(SLUG)! },
        )
      ).data.sessions.nodes[0].id;
      expect(sessionId).toBe(toGlobalId('Session', inserted[0].id));
      app.setNow('2026-12-01T09:00:00Z');
      try {
        const res = await app.gql(
          `mutation($input: ReserveInput!) { reserve(input: $input) {
             reservations { id status } userErrors { field code message } } }`,
          {
            input: {
              childId: toGlobalId('Child', canteen.childId),
              sessionIds: [sessionId],
              idempotencyKey: 'noel',
            },
          },
          { token: parent },
        );
        expect(res.errors).toBeUndefined();
        expect(res.data.reserve.reservations).toEqual([]);
        expect(res.data.reserve.userErrors).toEqual([
          {
            field: ['sessionIds', '0'],
            code: 'CLOSED',
            message: 'Fermé le vendredi 25 décembre 2026 (Noël).',
          },
        ]);
      } finally {
        app.setNow(null);
      }
      const { rows } = await owner.query(
        `select (select count(*)::int from reservations where session_id = $1) as reservations,
                (select places_taken from sessions where id = $1) as taken,
                (select count(*)::int from charges where child_id = $2 and date = '2026-12-25') as charges`,
        [inserted[0].id, canteen.childId],
      );
      expect(rows[0]).toEqual({ reservations: 0, taken: 0, charges: 0 });
    });
  });
});
