import type { Client } from 'pg';
import { DEMO_ACTIVITY } from '../seeds/DatabaseSeeder';
import { demoTenants } from '../seeds/demo-tenants';
import { openDays } from '../src/calendars/closures';
import { defaultClosures, ServiceKind } from '../src/facilities/service.entity';
import { addDays, todayIn } from '../src/shared/dates';
import { rawClient, startTestApp, token, Role, type TestApp } from './support/app';
import { demoCatalogue, seedTestTenant } from './support/tenants';

/**
 * The demo data makes every story replayable on the day it is seeded, whatever the day: past
 * sessions with the roll taken and charges (walk-ins in Nîmes' outage), today's sessions when the
 * service is open, the coming weeks (through the holidays), the coming week booked; all in the
 * tenant's own date. The demo tenants of the run were seeded at its start, on today's date.
 */
describe('demo data around today', () => {
  let app: TestApp;
  let owner: Client;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await rawClient('owner');
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  /** Per service kind of a tenant: session dates before, on and after `today`, and reservations. */
  async function shape(slug: string, today: string) {
    const { rows } = await owner.query<{
      kind: string;
      past: string[];
      today: number;
      upcoming: string[];
      statuses: Record<string, number>;
    }>(
      `select sv.kind,
              array(select distinct s2.date::text from sessions s2 join services v2 on v2.id = s2.service_id
                    where s2.tenant_id = t.id and v2.kind = sv.kind and s2.date < $2::date order by 1) as past,
              count(*) filter (where s.date = $2::date)::int as today,
              array(select distinct s2.date::text from sessions s2 join services v2 on v2.id = s2.service_id
                    where s2.tenant_id = t.id and v2.kind = sv.kind and s2.date > $2::date order by 1) as upcoming,
              (select jsonb_object_agg(k, n) from (
                 select (case when s3.date < $2::date then 'past ' else 'from today ' end) || r.status || ' ' || r.channel as k,
                        count(*)::int as n
                 from reservations r join sessions s3 on s3.id = r.session_id join services v3 on v3.id = s3.service_id
                 where r.tenant_id = t.id and v3.kind = sv.kind and r.created_by = 'seed' group by 1) x) as statuses
       from tenants t join services sv on sv.tenant_id = t.id join sessions s on s.service_id = sv.id
       where t.slug = $1 group by t.id, sv.kind order by sv.kind`,
      [slug, today],
    );
    return new Map(rows.map((r) => [r.kind, r]));
  }

  /** What the calendars say about a demo service kind around today. */
  function calendarOf(slug: string, kind: ServiceKind, today: string) {
    const def = demoTenants().find((t) => t.slug === slug)!;
    const service = demoCatalogue(slug)
      .facilities!.flatMap((f) => f.services ?? [])
      .find((s) => s.kind === kind)!;
    const template = def.schedules[service.name];
    const calendars = { holidayRegion: def.holidayRegion, schoolCalendar: def.config.schoolCalendar ?? null };
    const open = (from: string, to: string) =>
      openDays(from, to, template.weekdays, calendars, defaultClosures(kind));
    return { open, openToday: open(today, today).length === 1 };
  }

  it.each([
    ['nimes', ServiceKind.CANTEEN, 'WALK_IN'],
    ['beziers', ServiceKind.CANTEEN, 'ONLINE'],
    ['beziers', ServiceKind.NURSERY, 'ONLINE'],
    ['beziers', ServiceKind.LEISURE_CENTRE, 'ONLINE'],
    ['saint-nazaire', ServiceKind.PERISCHOOL, 'ONLINE'],
    ['saint-nazaire', ServiceKind.NURSERY, 'ONLINE'],
  ])(
    '%s %s: the recent past called and charged, today if open, the weeks ahead',
    async (slug, kind, channel) => {
      const today = todayIn('Europe/Paris', new Date());
      const { open, openToday } = calendarOf(slug, kind, today);
      const got = (await shape(slug, today)).get(kind)!;
      // At least three weeks back, and at least eight open days (after a summer holiday too).
      const expectedPast = open(addDays(today, -16 * 7), addDays(today, -1)).filter(
        (d, i, all) => d >= addDays(today, -DEMO_ACTIVITY.pastWeeks * 7) || i >= all.length - 8,
      );
      expect(got.past).toEqual(expectedPast);
      expect(got.today > 0).toBe(openToday);
      expect(got.upcoming.length).toBeGreaterThanOrEqual(DEMO_ACTIVITY.upcomingOpenDays);
      // Every past reservation went through the roll call; nothing is left BOOKED in the past.
      const past = Object.entries(got.statuses).filter(([k]) => k.startsWith('past '));
      expect(past.length).toBeGreaterThan(0);
      for (const [k] of past) expect(k).toMatch(new RegExp(`^past (ATTENDED|ABSENT_\\w+) ${channel}$`));
      const upcoming = Object.keys(got.statuses).filter((k) => k.startsWith('from today '));
      // Families booked the coming week in NORMAL mode (other suites take the roll of some of
      // them meanwhile); in WALK_IN mode nobody books.
      if (channel === 'WALK_IN') expect(upcoming).toEqual([]);
      else expect(upcoming).toContain('from today BOOKED ONLINE');
    },
  );

  it('Saint-Nazaire keeps its unbilled lunches since March, on school days, up to yesterday', async () => {
    const today = todayIn('Europe/Paris', new Date());
    const { open } = calendarOf('saint-nazaire', ServiceKind.CANTEEN, today);
    const { rows } = await owner.query(
      `select min(c.date)::text as first, max(c.date)::text as last,
              count(*) filter (where c.invoice_id is not null)::int as invoiced
       from charges c join tenants t on t.id = c.tenant_id join services sv on sv.id = c.service_id
       join reservations r on r.id = c.reservation_id
       where t.slug = 'saint-nazaire' and sv.kind = 'CANTEEN' and r.created_by = 'seed' group by t.id`,
    );
    const schoolDays = open('2026-03-02', addDays(today, -1));
    expect(rows[0]).toEqual({ first: schoolDays[0], last: schoolDays.at(-1), invoiced: 0 });
  });

  it("Nîmes' agent sees the last school day's canteens with the walk-ins the roll call recorded", async () => {
    const today = todayIn('Europe/Paris', new Date());
    const last = calendarOf('nimes', ServiceKind.CANTEEN, today)
      .open(addDays(today, -16 * 7), addDays(today, -1))
      .at(-1)!;
    const res = await app.gql(
      'query($d: LocalDate) { sessions(first: 100, filter: { from: $d, to: $d }) { totalCount nodes { date placesTaken walkIns } } }',
      { d: last },
      { token: await token('nimes', Role.AGENT) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.sessions.totalCount).toBe(83);
    const nodes: { placesTaken: number; walkIns: number }[] = res.data.sessions.nodes;
    expect(nodes.every((s) => s.placesTaken === 0)).toBe(true);
    expect(nodes.reduce((sum, s) => sum + s.walkIns, 0)).toBeGreaterThan(100);
  });

  describe("in the tenant's own date", () => {
    // Friday 4 December 2026 at 00:30 in Paris, still Thursday the 3rd in UTC.
    const NOW = new Date('2026-12-03T23:30:00Z');

    it('a night seed calls Thursday (past) and leaves Friday (today) to the roll call', async () => {
      await seedTestTenant('nimes', { slug: 'test-demo-night-nimes', families: 60 }, NOW, 2, DEMO_ACTIVITY);
      await seedTestTenant(
        'beziers',
        { slug: 'test-demo-night-beziers', families: 40 },
        NOW,
        2,
        DEMO_ACTIVITY,
      );
      const { rows } = await owner.query(
        `select t.slug, s.date::text as date, count(distinct s.id)::int as sessions,
                coalesce(jsonb_object_agg(r.status, 1) filter (where r.id is not null), '{}') as statuses
         from tenants t join sessions s on s.tenant_id = t.id join services sv on sv.id = s.service_id and sv.kind = 'CANTEEN'
         left join reservations r on r.session_id = s.id
         where t.slug like 'test-demo-night-%' and s.date in ('2026-12-03', '2026-12-04', '2026-12-11')
         group by 1, 2 order by 1, 2`,
      );
      // Outcomes are drawn per child and day (about one absence in ten): which absences a small
      // day holds varies with the generated ids, so a called day is ATTENDED plus absences, if any.
      const called = (statuses: string[]) =>
        statuses.includes('ATTENDED') && statuses.every((s) => /^(ATTENDED|ABSENT_(UN)?JUSTIFIED)$/.test(s))
          ? ['CALLED']
          : statuses;
      expect(
        rows.map((r) => [r.slug, r.date, r.sessions > 0, called(Object.keys(r.statuses).sort())]),
      ).toEqual([
        ['test-demo-night-beziers', '2026-12-03', true, ['CALLED']],
        ['test-demo-night-beziers', '2026-12-04', true, ['BOOKED']],
        // A week ahead: open for booking, nothing booked yet.
        ['test-demo-night-beziers', '2026-12-11', true, []],
        ['test-demo-night-nimes', '2026-12-03', true, ['CALLED']],
        ['test-demo-night-nimes', '2026-12-04', true, []],
        ['test-demo-night-nimes', '2026-12-11', true, []],
      ]);
      // The family `npm run token -- --role PARENT` picks (the first by name) booked nothing ahead,
      // so the booking story (README, acceptance) finds its children's sessions open.
      const { rows: first } = await owner.query(
        `select count(r.id)::int as booked from families f join tenants t on t.id = f.tenant_id
         left join reservations r on r.family_id = f.id and r.status = 'BOOKED'
         where f.id = (select f2.id from families f2 join tenants t2 on t2.id = f2.tenant_id
                       where t2.slug = 'test-demo-night-beziers' order by f2.name, f2.id limit 1)`,
      );
      expect(first[0].booked).toBe(0);
    });

    it('in the summer holidays: the last school days of July behind, September ahead', async () => {
      const id = await seedTestTenant(
        'beziers',
        { slug: 'test-demo-summer', families: 30 },
        new Date('2027-08-16T09:00:00Z'),
        6,
        DEMO_ACTIVITY,
      );
      const { rows } = await owner.query(
        `select min(s.date)::text as first, max(s.date)::text as last,
                count(distinct s.date) filter (where s.date < '2027-08-16')::int as past,
                count(distinct s.date) filter (where s.date >= '2027-08-16')::int as ahead
         from sessions s join services sv on sv.id = s.service_id and sv.kind = 'CANTEEN' where s.tenant_id = $1`,
        [id],
      );
      // Three weeks back hold no school day: the last eight, in July; ahead, September's.
      expect(rows[0].past).toBe(8);
      expect(rows[0].first >= '2027-06-01').toBe(true);
      expect(rows[0].ahead).toBeGreaterThanOrEqual(8);
      expect(rows[0].last >= '2027-09-01').toBe(true);
    });

    it('holds its own invariants: places and walk-ins counted, one charge per billable outcome, priced from the grid', async () => {
      // On this suite's own tenants: other suites book and call the demo tenants meanwhile.
      const { rows } = await owner.query(
        `with mine as (select id from tenants where slug like 'test-demo-%'),
         counted as (
           select s.places_taken, s.walk_ins,
                  count(r.id) filter (where r.status <> 'CANCELLED' and r.channel <> 'WALK_IN' and r.place_released_at is null)
                    + (select count(*) from waitlist_entries e where e.session_id = s.id and e.status = 'OFFERED') as taken,
                  count(r.id) filter (where r.status <> 'CANCELLED' and r.channel = 'WALK_IN') as came
           from sessions s left join reservations r on r.session_id = s.id
           where s.tenant_id in (select id from mine) group by s.id)
         select
           (select count(*)::int from reservations r where r.tenant_id in (select id from mine)) as reservations,
           (select count(*)::int from counted where places_taken <> taken or walk_ins <> came) as miscounted,
           (select count(*)::int from reservations r left join charges c on c.reservation_id = r.id
            where r.tenant_id in (select id from mine)
              and (c.id is not null) <> (r.status in ('ATTENDED', 'ABSENT_UNJUSTIFIED'))) as mischarged,
           (select count(*)::int from reservations r
            where r.tenant_id in (select id from mine) and r.status = 'ABSENT_JUSTIFIED'
              and (r.absence_reason_id is null or r.absence_document_ref is null)) as unjustified,
           (select count(*)::int from charges c join families f on f.id = c.family_id
            where c.tenant_id in (select id from mine) and c.unit_price <> (
              select b.unit_price from price_brackets b
              where b.service_id = c.service_id
                and (f.family_quotient is null or (b.min_quotient <= f.family_quotient
                     and (b.max_quotient is null or f.family_quotient < b.max_quotient)))
              order by b.min_quotient desc limit 1)) as mispriced`,
      );
      expect(rows[0].reservations).toBeGreaterThan(1000);
      expect(rows[0]).toMatchObject({ miscounted: 0, mischarged: 0, unjustified: 0, mispriced: 0 });
    });
  });
});
