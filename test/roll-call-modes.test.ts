import type { Client } from 'pg';
import { Scope } from '../src/auth/viewer';
import { toGlobalId } from '../src/shared/ids';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { apiKey, partOfCatalogue, seedTestTenant } from './support/tenants';

/**
 * A school's tablet takes the roll in every mode children come in — NORMAL, WALK_IN (the outage
 * Nîmes lives in), COUNTER_ONLY — with an `attendance:write` key as with an agent; only READ_ONLY
 * refuses, in words for staff. Bulk cancellation, a child's own reservations, and a service's
 * outage notice beside its tenant's. A Nîmes copy on Thursday 10 December 2026 at noon.
 */
describe('roll calls in every mode, and the smaller stories', () => {
  const SLUG = 'test-roll-modes';
  const NOW = '2026-12-10T11:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let tenantId: string;
  let admin: string;
  let agent: string;
  let tablet: string;
  let school: {
    id: string;
    serviceId: string;
    sessionId: string;
    pupils: { id: string; familyId: string }[];
  };
  const g = toGlobalId;

  const ROLL = `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) {
    reservations { id status channel child { id } } userErrors { code message field reason relatedId } } }`;
  const SET_MODE = `mutation($input: SetOperatingModeInput!) { setOperatingMode(input: $input) {
    tenant { publicNotice } service { operatingMode publicNotice } userErrors { code } } }`;

  beforeAll(async () => {
    // Three schools only, so that each has enough pupils.
    tenantId = await seedTestTenant(
      'nimes',
      {
        slug: SLUG,
        families: 60,
        seed: 99,
        catalogue: partOfCatalogue('nimes', [{ kind: 'SCHOOL' }, { kind: 'SCHOOL' }, { kind: 'SCHOOL' }]),
      },
      new Date('2026-12-01T10:00:00Z'),
      3,
    );
    owner = await rawClient('owner');
    const { rows } = await owner.query(
      `select f.id, sv.id as "serviceId", s.id as "sessionId"
       from facilities f join services sv on sv.tenant_id = f.tenant_id and sv.facility_id = f.id and sv.kind = 'CANTEEN'
       join sessions s on s.tenant_id = f.tenant_id and s.service_id = sv.id and s.date = '2026-12-10'
       where f.tenant_id = $1 and (select count(*) from children c where c.school_id = f.id) >= 6
       order by f.id limit 1`,
      [tenantId],
    );
    const { rows: pupils } = await owner.query(
      `select id, family_id as "familyId" from children where school_id = $1 order by id`,
      [rows[0].id],
    );
    school = { ...rows[0], pupils };
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    agent = await token(SLUG, Role.AGENT);
    tablet = await apiKey([tenantId], [Scope.ATTENDANCE_WRITE], 'Tablette école');
  });
  afterAll(async () => {
    await owner.end();
    await app.close();
  });

  const setServiceMode = (mode: string | null, notice?: string | null) =>
    app.gql(
      SET_MODE,
      {
        input: {
          mode,
          serviceId: g('Service', school.serviceId),
          reason: 'test',
          ...(notice !== undefined ? { notice } : {}),
        },
      },
      { token: admin },
    );
  const roll = (present: string[], key: string, who = tablet) =>
    app.gql(
      ROLL,
      {
        input: {
          sessionId: g('Session', school.sessionId),
          present: present.map((id) => g('Child', id)),
          absent: [],
          idempotencyKey: key,
        },
      },
      { token: who, headers: who === tablet ? { 'x-tenant': SLUG } : {} },
    );

  it('takes walk-ins from a tablet key in WALK_IN, as from an agent', async () => {
    const tenantMode = await owner.query(`select config_operating_mode as m from tenants where id = $1`, [
      tenantId,
    ]);
    expect(tenantMode.rows[0].m).toBe('WALK_IN');
    const res = await roll([school.pupils[0].id], 'tablet-walkin');
    expect(res.errors).toBeUndefined();
    expect(res.data.recordAttendance.userErrors).toEqual([]);
    expect(res.data.recordAttendance.reservations).toEqual([
      expect.objectContaining({ status: 'ATTENDED', channel: 'WALK_IN' }),
    ]);
    const byAgent = await roll([school.pupils[1].id], 'agent-walkin', agent);
    expect(byAgent.data.recordAttendance.userErrors).toEqual([]);
  });

  it('takes the roll in COUNTER_ONLY and NORMAL, and refuses only READ_ONLY, in words for staff', async () => {
    try {
      await setServiceMode('COUNTER_ONLY');
      // Children on the roll (here the walk-in of the first test) are marked in any mode but READ_ONLY.
      const counter = await roll([school.pupils[0].id], 'tablet-counter');
      expect(counter.data.recordAttendance.userErrors).toEqual([]);
      await setServiceMode('NORMAL');
      // In NORMAL a booked child is marked present (walk-ins need the service to take them).
      const normal = await roll([school.pupils[0].id], 'tablet-normal');
      expect(normal.data.recordAttendance.userErrors).toEqual([]);
      await setServiceMode('READ_ONLY');
      const before = await owner.query(`select count(*)::int as n from reservations where session_id = $1`, [
        school.sessionId,
      ]);
      const readOnly = await roll([school.pupils[3].id], 'tablet-ro');
      expect(readOnly.data.recordAttendance.userErrors).toEqual([
        expect.objectContaining({
          code: 'NOT_ALLOWED_IN_MODE',
          reason: 'OPERATING_MODE',
          message:
            'Ce service est en lecture seule pour l’instant : l’appel ne peut pas être enregistré avant sa réouverture.',
        }),
      ]);
      expect(readOnly.data.recordAttendance.userErrors[0].message).not.toMatch(/réservation en ligne/i);
      const after = await owner.query(`select count(*)::int as n from reservations where session_id = $1`, [
        school.sessionId,
      ]);
      expect(after.rows[0].n).toBe(before.rows[0].n);
    } finally {
      await setServiceMode(null);
    }
  });

  it('refuses a walk-in for a child booked elsewhere at the same hours, naming that session', async () => {
    const pupil = school.pupils[4];
    const { rows } = await owner.query(
      `select s.id from sessions s join services sv on sv.id = s.service_id
       where s.tenant_id = $1 and sv.kind = 'CANTEEN' and s.date = '2026-12-10' and s.facility_id <> $2 limit 1`,
      [tenantId, school.id],
    );
    // A reservation kept from before the outage at another school's canteen, the same lunch.
    await owner.query(
      `insert into reservations (id, tenant_id, session_id, child_id, family_id, status, channel, created_by)
       values (gen_random_uuid(), $1, $2, $3, $4, 'BOOKED', 'COUNTER', 'test')`,
      [tenantId, rows[0].id, pupil.id, pupil.familyId],
    );
    const res = await roll([pupil.id], 'tablet-elsewhere');
    expect(res.data.recordAttendance.userErrors).toEqual([
      expect.objectContaining({ code: 'OVERLAP', reason: 'OVERLAP', relatedId: g('Session', rows[0].id) }),
    ]);
    const { rows: mine } = await owner.query(
      `select count(*)::int as n from reservations where session_id = $1 and child_id = $2`,
      [school.sessionId, pupil.id],
    );
    expect(mine[0].n).toBe(0);
  });

  it("shows a service's outage notice beside the tenant's, not instead of it", async () => {
    const before = await app.gql('{ tenant { publicNotice } }', {}, { token: agent });
    const res = await setServiceMode('WALK_IN', 'Cantine de cette école : repas servis sans réservation.');
    expect(res.data.setOperatingMode).toMatchObject({
      userErrors: [],
      tenant: { publicNotice: before.data.tenant.publicNotice },
      service: {
        operatingMode: 'WALK_IN',
        publicNotice: 'Cantine de cette école : repas servis sans réservation.',
      },
    });
    expect(before.data.tenant.publicNotice).toMatch(/cyberattaque/);
    await setServiceMode(null, null);
  });

  it("cancels in bulk, each on its own, and lists a child's own reservations", async () => {
    await setServiceMode('NORMAL');
    try {
      const pupil = school.pupils[5];
      const parent = await token(SLUG, Role.PARENT, g('Family', pupil.familyId));
      const { rows: days } = await owner.query(
        `select id, to_char(date, 'YYYY-MM-DD') as date from sessions where service_id = $1 and date between '2026-12-14' and '2026-12-18' order by date`,
        [school.serviceId],
      );
      const booked = await app.gql(
        `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { id } userErrors { code message } } }`,
        {
          input: {
            childId: g('Child', pupil.id),
            sessionIds: days.map((d) => g('Session', d.id)),
            idempotencyKey: 'week',
          },
        },
        { token: parent },
      );
      expect(booked.data.reserve.userErrors).toEqual([]);
      const ids: string[] = booked.data.reserve.reservations.map((r: any) => r.id);
      expect(ids.length).toBeGreaterThanOrEqual(3);
      const cancel = await app.gql(
        `mutation($input: CancelReservationsInput!) { cancelReservations(input: $input) {
          reservations { id status } userErrors { code field } } }`,
        {
          input: {
            reservationIds: [
              ids[0],
              ids[1],
              ids[1],
              g('Reservation', '00000000-0000-4000-8000-000000000000'),
            ],
            idempotencyKey: 'cancel-week',
          },
        },
        { token: parent },
      );
      expect(cancel.data.cancelReservations.reservations.map((r: any) => r.id)).toEqual([ids[0], ids[1]]);
      expect(cancel.data.cancelReservations.userErrors).toEqual([
        { code: 'INVALID', field: ['reservationIds', '2'] },
        { code: 'NOT_FOUND', field: ['reservationIds', '3'] },
      ]);
      const child = await app.gql(
        `query($id: ID!) { node(id: $id) { ... on Child { reservations(first: 20) { nodes { id status } } } } }`,
        { id: g('Child', pupil.id) },
        { token: parent },
      );
      const statuses = new Map(child.data.node.reservations.nodes.map((n: any) => [n.id, n.status]));
      expect(statuses.get(ids[0])).toBe('CANCELLED');
      expect(statuses.get(ids[2])).toBe('BOOKED');
      const family = await app.gql(
        `query($id: ID!, $c: ID) { node(id: $id) { ... on Family { reservations(first: 50, childId: $c) { nodes { child { id } } } } } }`,
        { id: g('Family', pupil.familyId), c: g('Child', pupil.id) },
        { token: parent },
      );
      expect(new Set(family.data.node.reservations.nodes.map((n: any) => n.child.id))).toEqual(
        new Set([g('Child', pupil.id)]),
      );
    } finally {
      await setServiceMode(null);
    }
  });
});
