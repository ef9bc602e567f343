import type { Runner } from 'graphile-worker';
import type { Client } from 'pg';
import { Role as ViewerRole, type Viewer } from '../src/auth/viewer';
import { Scope } from '../src/auth/viewer';
import { scopeToTenant } from '../src/db/tenant-scope';
import { startWorker } from '../src/jobs/worker';
import { setOperatingMode } from '../src/operating-modes/operating-modes.service';
import { toGlobalId } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';
import { OperatingMode, Tenant } from '../src/tenants/tenant.entity';
import { verifySignature } from '../src/webhooks/signature';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { startReceiver } from './support/receiver';
import { apiKey, seedTestTenant } from './support/tenants';

/**
 * A vendor subscribes to a town's events and receives them on a real HTTP server on loopback,
 * delivered by the real job worker: signed, retried after a 500, in order, never for a change
 * that rolled back, and exactly the events a roll call makes. A Nîmes copy on 10 December 2026.
 */
describe('webhooks', () => {
  const SLUG = 'test-webhooks';
  const NOW = '2026-12-10T11:00:00.000Z';
  let app: TestApp;
  let owner: Client;
  let worker: Runner;
  let tenantId: string;
  let admin: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let school: { serviceId: string; pupils: { id: string; familyId: string }[] };
  const g = toGlobalId;

  const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
    webhookEndpoint { id url eventTypes } secret userErrors { code message field } } }`;
  const LOG = `query { webhookEndpoints { id url disabledAt disabledReason consecutiveFailures
    deliveries(first: 20) { nodes { id status attempts lastResponseCode event { eventId type body } } } } }`;
  const RESERVE = `mutation($input: ReserveInput!) { reserve(input: $input) { reservations { id } userErrors { code message } } }`;

  const register = async (eventTypes: string[], key: string, as = admin, url = receiver.url) => {
    const res = await app.gql(CREATE, { input: { url, eventTypes, idempotencyKey: key } }, { token: as });
    expect(res.errors).toBeUndefined();
    return res.data.createWebhookEndpoint;
  };
  const sessionOn = async (date: string) =>
    (
      await owner.query(`select id from sessions where tenant_id = $1 and service_id = $2 and date = $3`, [
        tenantId,
        school.serviceId,
        date,
      ])
    ).rows[0].id as string;
  const book = async (pupil: { id: string; familyId: string }, sessionId: string, key: string) => {
    const parent = await token(SLUG, Role.PARENT, g('Family', pupil.familyId));
    const res = await app.gql(
      RESERVE,
      {
        input: { childId: g('Child', pupil.id), sessionIds: [g('Session', sessionId)], idempotencyKey: key },
      },
      { token: parent },
    );
    expect(res.data.reserve.userErrors).toEqual([]);
    return res.data.reserve.reservations[0].id as string;
  };
  const eventsInDb = async () =>
    (
      await owner.query(`select type, aggregate_id from webhook_events where tenant_id = $1 order by seq`, [
        tenantId,
      ])
    ).rows as { type: string; aggregate_id: string }[];

  const setServiceMode = async (mode: string) => {
    const res = await app.gql(
      `mutation($input: SetOperatingModeInput!) { setOperatingMode(input: $input) { userErrors { code } } }`,
      { input: { mode, serviceId: g('Service', school.serviceId), reason: 'test' } },
      { token: admin },
    );
    expect(res.data.setOperatingMode.userErrors).toEqual([]);
  };

  beforeAll(async () => {
    tenantId = await seedTestTenant(
      'nimes',
      { slug: SLUG, families: 40, seed: 16 },
      new Date('2026-12-01T10:00:00Z'),
      3,
    );
    owner = await rawClient('owner');
    const { rows } = await owner.query(
      `select sv.id as "serviceId", f.id as "facilityId" from facilities f
       join services sv on sv.tenant_id = f.tenant_id and sv.facility_id = f.id and sv.kind = 'CANTEEN'
       where f.tenant_id = $1 and (select count(*) from children c where c.school_id = f.id) >= 4
       order by f.id limit 1`,
      [tenantId],
    );
    const { rows: pupils } = await owner.query(
      `select id, family_id as "familyId" from children where school_id = $1 order by id`,
      [rows[0].facilityId],
    );
    school = { serviceId: rows[0].serviceId, pupils };
    app = await startTestApp();
    app.setNow(NOW);
    admin = await token(SLUG, Role.TENANT_ADMIN);
    await setServiceMode('NORMAL');
    receiver = await startReceiver();
    worker = await startWorker({
      queueUrl: process.env.GUICHET_TEST_OWNER_URL!,
      orm: app.orm,
      logger: createLogger('silent'),
      crontab: false,
      pollIntervalMs: 100,
      webhooks: { baseDelayMs: 200, maxDelayMs: 400, disableAfterFailures: 3 },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await receiver?.close();
    await owner?.end();
    await app?.close();
  });

  it('delivers a booking, signed, and logs it; a retry after a 500 reaches the vendor', async () => {
    const endpoint = await register(['RESERVATION_BOOKED', 'RESERVATION_CANCELLED'], 'hook-1');
    expect(endpoint.userErrors).toEqual([]);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint.webhookEndpoint.eventTypes).toEqual(['RESERVATION_BOOKED', 'RESERVATION_CANCELLED']);
    // The secret is shown once: a replay of the key returns the endpoint without it.
    const replay = await register(['RESERVATION_BOOKED', 'RESERVATION_CANCELLED'], 'hook-1');
    expect(replay.secret).toBeNull();
    expect(replay.webhookEndpoint.id).toBe(endpoint.webhookEndpoint.id);

    const reservationId = await book(school.pupils[0], await sessionOn('2026-12-15'), 'book-1');
    const [first] = await receiver.waitFor(1);
    expect(first.json).toMatchObject({ type: 'reservation.booked', tenant: SLUG });
    expect(first.json.data).toMatchObject({
      reservationId,
      childId: g('Child', school.pupils[0].id),
      familyId: g('Family', school.pupils[0].familyId),
    });
    expect(first.json.id).toMatch(/^WebhookEvent_/);
    expect(first.headers['guichet-event-type']).toBe('reservation.booked');
    const signature = String(first.headers['guichet-signature']);
    expect(verifySignature(endpoint.secret, first.body, signature)).toBe(true);
    expect(verifySignature(endpoint.secret, first.body.replace('booked', 'BOOKED'), signature)).toBe(false);
    expect(verifySignature('whsec_other', first.body, signature)).toBe(false);

    // The vendor fails once: the same event comes again, and the log says so.
    receiver.answers.push(500);
    const cancel = await app.gql(
      `mutation($input: CancelReservationInput!) { cancelReservation(input: $input) { userErrors { code } } }`,
      { input: { reservationId, idempotencyKey: 'cancel-1' } },
      { token: admin },
    );
    expect(cancel.data.cancelReservation.userErrors).toEqual([]);
    const all = await receiver.waitFor(3);
    expect(all.slice(1).map((r) => [r.json.type, r.status])).toEqual([
      ['reservation.cancelled', 500],
      ['reservation.cancelled', 200],
    ]);
    expect(all[1].json.id).toBe(all[2].json.id);
    expect(verifySignature(endpoint.secret, all[2].body, String(all[2].headers['guichet-signature']))).toBe(
      true,
    );

    const log = await app.gql(LOG, {}, { token: admin });
    const [listed] = log.data.webhookEndpoints;
    expect(
      listed.deliveries.nodes.map((d: any) => [d.event.type, d.status, d.attempts, d.lastResponseCode]),
    ).toEqual([
      ['RESERVATION_CANCELLED', 'DELIVERED', 2, 200],
      ['RESERVATION_BOOKED', 'DELIVERED', 1, 200],
    ]);
    expect(listed.deliveries.nodes[1].event.body).toBe(first.body);

    // Redelivery: the same event again, as a new entry of the log.
    const again = await app.gql(
      `mutation($input: RedeliverWebhookEventInput!) { redeliverWebhookEvent(input: $input) {
        delivery { id status } userErrors { code } } }`,
      { input: { deliveryId: listed.deliveries.nodes[1].id } },
      { token: admin },
    );
    expect(again.data.redeliverWebhookEvent.userErrors).toEqual([]);
    const four = await receiver.waitFor(4);
    expect(four[3].json.id).toBe(first.json.id);
  });

  it('writes no event for a change that rolled back, and one for the same change committed', async () => {
    const before = await eventsInDb();
    const viewer: Viewer = {
      kind: 'PERSON',
      subject: 'test:admin',
      displayName: null,
      roles: [ViewerRole.TENANT_ADMIN],
      scopes: [],
      tenantId,
      familyId: null,
    };
    const change = (fail: boolean) =>
      app.orm.em.fork().transactional(async (em) => {
        await scopeToTenant(em, tenantId);
        const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
        const outcome = await setOperatingMode(
          { em, viewer, tenant, now: () => new Date(NOW) },
          { mode: OperatingMode.WALK_IN, serviceId: school.serviceId, reason: 'test' },
        );
        expect(outcome.userErrors).toEqual([]);
        if (fail) throw new Error('rolled back on purpose');
      });
    await expect(change(true)).rejects.toThrow('rolled back on purpose');
    expect(await eventsInDb()).toEqual(before);
    await change(false);
    const after = await eventsInDb();
    expect(after.slice(before.length)).toEqual([
      { type: 'operatingMode.changed', aggregate_id: g('Service', school.serviceId) },
    ]);
  });

  it('sends exactly the events of a roll call: attended and walk-ins, nothing for absences', async () => {
    // Its own path: the bookings below are delivered to earlier tests' endpoints meanwhile.
    const endpoint = await register(
      ['RESERVATION_ATTENDED', 'WALK_IN_RECORDED'],
      'hook-roll',
      admin,
      `${receiver.url}/roll`,
    );
    const sessionId = await sessionOn('2026-12-17');
    const [a, b, c] = school.pupils.slice(1, 4);
    await setServiceMode('NORMAL');
    const reservedA = await book(a, sessionId, 'roll-a');
    await book(b, sessionId, 'roll-b');
    await setServiceMode('WALK_IN');
    const before = (await eventsInDb()).length;
    app.setNow('2026-12-17T11:00:00.000Z');
    try {
      // The service is in WALK_IN: children come without booking too.
      const roll = await app.gql(
        `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code message } } }`,
        {
          input: {
            sessionId: g('Session', sessionId),
            present: [g('Child', a.id), g('Child', c.id)],
            absent: [g('Child', b.id)],
            idempotencyKey: 'roll-1',
          },
        },
        { token: admin },
      );
      expect(roll.data.recordAttendance.userErrors).toEqual([]);
      const events = (await eventsInDb()).slice(before);
      expect(events.map((e) => e.type).sort()).toEqual(['reservation.attended', 'walkIn.recorded']);
      for (
        let tries = 0;
        receiver.received.filter((r) => r.path === '/hooks/roll').length < 2 && tries < 200;
        tries++
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      const got = receiver.received.filter((r) => r.path === '/hooks/roll');
      expect(got.map((r) => r.json.type).sort()).toEqual(['reservation.attended', 'walkIn.recorded']);
      const attended = got.find((r) => r.json.type === 'reservation.attended')!;
      expect(attended.json.data.reservationId).toBe(reservedA);
      const walkIn = got.find((r) => r.json.type === 'walkIn.recorded')!;
      expect(walkIn.json.data.childId).toBe(g('Child', c.id));
      for (const r of got)
        expect(verifySignature(endpoint.secret, r.body, String(r.headers['guichet-signature']))).toBe(true);

      // The same roll again changes nothing, and says nothing.
      await app.gql(
        `mutation($input: RecordAttendanceInput!) { recordAttendance(input: $input) { userErrors { code } } }`,
        {
          input: {
            sessionId: g('Session', sessionId),
            present: [g('Child', a.id), g('Child', c.id)],
            absent: [g('Child', b.id)],
            idempotencyKey: 'roll-2',
          },
        },
        { token: admin },
      );
      expect((await eventsInDb()).slice(before)).toHaveLength(2);
    } finally {
      app.setNow(NOW);
    }
  });

  it('disables an endpoint after repeated failures, with a notice; keys manage their own only', async () => {
    const vendor = await apiKey([tenantId], [Scope.WEBHOOKS_MANAGE], 'Vendor');
    const agent = await token(SLUG, Role.AGENT);
    const refused = await app.gql(LOG, {}, { token: agent });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const other = await startReceiver();
    try {
      other.answers.push(500, 500, 500, 500, 500);
      const own = await register(['OPERATING_MODE_CHANGED'], 'vendor-1', vendor, other.url);
      expect(own.userErrors).toEqual([]);
      const mine = await app.gql(LOG, {}, { token: vendor });
      expect(mine.data.webhookEndpoints.map((e: any) => e.url)).toEqual([other.url]);
      const mode = await app.gql(
        `mutation($input: SetOperatingModeInput!) { setOperatingMode(input: $input) { userErrors { code } } }`,
        { input: { mode: 'NORMAL', serviceId: g('Service', school.serviceId), reason: 'back' } },
        { token: admin },
      );
      expect(mode.data.setOperatingMode.userErrors).toEqual([]);
      await other.waitFor(3);
      const deadline = Date.now() + 10000;
      let listed: any;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const res = await app.gql(LOG, {}, { token: vendor });
        expect(res.errors).toBeUndefined();
        listed = res.data.webhookEndpoints[0];
      } while (!listed.disabledAt && Date.now() < deadline);
      expect(listed.disabledAt).not.toBeNull();
      expect(listed.disabledReason).toBe('3 tentatives échouées d’affilée ; la dernière : HTTP 500.');
      const { rows } = await owner.query(
        `select action from audit_events where tenant_id = $1 and action = 'WEBHOOK_ENDPOINT_DISABLED'`,
        [tenantId],
      );
      expect(rows).toHaveLength(1);
      // Nothing more is tried while it is disabled.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(other.received).toHaveLength(3);
      // The vendor may delete its own; the admin sees both, then one.
      const del = await app.gql(
        `mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) {
          deletedWebhookEndpointId userErrors { code } } }`,
        { input: { webhookEndpointId: listed.id } },
        { token: vendor },
      );
      expect(del.data.deleteWebhookEndpoint.deletedWebhookEndpointId).toBe(listed.id);
      const { rows: left } = await owner.query(`select url from webhook_endpoints where tenant_id = $1`, [
        tenantId,
      ]);
      expect(left.map((r) => r.url)).not.toContain(other.url);
    } finally {
      await other.close();
    }
  });
});
