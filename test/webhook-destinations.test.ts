import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverableAddress, postTo } from '../src/webhooks/destination';
import { rawClient, Role, startTestApp, token, type TestApp } from './support/app';
import { seedTestTenant } from './support/tenants';

/**
 * Webhooks go to public addresses only (server-side request forgery): an address written in an
 * endpoint's URL is checked at registration, and the address a name resolves to at every delivery.
 */
describe('webhook destinations', () => {
  it('tells public addresses from private, local and reserved ones (IPv4 and IPv6)', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '185.199.108.153']) {
      expect([address, deliverableAddress(address, false)]).toEqual([address, true]);
    }
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254', // a cloud's metadata service
      '100.64.0.1',
      '127.0.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not an address',
    ]) {
      expect([address, deliverableAddress(address, false)]).toEqual([address, false]);
    }
    // Loopback only where allowed (development and tests), never a private network.
    expect(deliverableAddress('127.0.0.1', true)).toBe(true);
    expect(deliverableAddress('::1', true)).toBe(true);
    expect(deliverableAddress('10.0.0.1', true)).toBe(false);
  });

  describe('delivery', () => {
    let server: http.Server;
    let port: number;
    let hits = 0;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        hits++;
        req.resume();
        res.writeHead(204).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    const env = process.env.NODE_ENV;
    afterEach(() => {
      process.env.NODE_ENV = env;
    });

    it('reaches a loopback receiver outside production, by address or by name', async () => {
      expect(await postTo(`http://127.0.0.1:${port}/hook`, {}, '{}', 2000)).toBe(204);
      expect(await postTo(`http://localhost:${port}/hook`, {}, '{}', 2000)).toBe(204);
      expect(hits).toBe(2);
    });

    it('in production, refuses a name or an address that is not public, before connecting', async () => {
      process.env.NODE_ENV = 'production';
      await expect(postTo(`http://127.0.0.1:${port}/hook`, {}, '{}', 2000)).rejects.toMatchObject({
        code: 'EADDRNOTPUBLIC',
      });
      await expect(postTo(`http://localhost:${port}/hook`, {}, '{}', 2000)).rejects.toMatchObject({
        code: 'EADDRNOTPUBLIC',
      });
      expect(hits).toBe(2);
    });
  });

  describe('registration', () => {
    const SLUG = 'test-webhook-destinations';
    let app: TestApp;
    let admin: string;
    let tenantId: string;
    const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
      webhookEndpoint { id } userErrors { code message field } } }`;
    beforeAll(async () => {
      tenantId = await seedTestTenant('nimes', { slug: SLUG, families: 5, seed: 3 }, new Date(), 1);
      app = await startTestApp();
      admin = await token(SLUG, Role.TENANT_ADMIN);
    });
    afterAll(() => app.close());

    it('refuses an address that is not public in the URL, and writes nothing', async () => {
      for (const [i, url] of [
        'https://169.254.169.254/latest/meta-data',
        'https://10.0.0.5/hook',
        'https://[fd12:3456::1]/hook',
        'https://[::ffff:192.168.0.1]/hook',
      ].entries()) {
        const res = await app.gql(
          CREATE,
          { input: { url, eventTypes: ['RESERVATION_BOOKED'], idempotencyKey: `private-${i}` } },
          { token: admin, headers: { 'accept-language': 'en' } },
        );
        expect(res.data.createWebhookEndpoint).toEqual({
          webhookEndpoint: null,
          userErrors: [
            { code: 'INVALID', field: ['url'], message: expect.stringMatching(/public addresses only/) },
          ],
        });
      }
      const owner = await rawClient('owner');
      try {
        const { rows } = await owner.query(
          'select count(*)::int as n from webhook_endpoints where tenant_id = $1',
          [tenantId],
        );
        expect(rows[0].n).toBe(0);
      } finally {
        await owner.end();
      }
      const ok = await app.gql(
        CREATE,
        {
          input: {
            url: 'https://93.184.216.34/hook',
            eventTypes: ['RESERVATION_BOOKED'],
            idempotencyKey: 'public',
          },
        },
        { token: admin },
      );
      expect(ok.data.createWebhookEndpoint.userErrors).toEqual([]);
    });
  });
});
