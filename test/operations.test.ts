import { startTestApp, type TestApp } from './support/app';

describe('operations endpoints', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('gives every response a request id, keeping a well-formed incoming one', async () => {
    const generated = await fetch(`${app.url}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'lb-1234' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234');
    const replaced = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });

  it('refuses bodies over the size limit', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ tenants { slug } } # ${'x'.repeat(2 * 1024 * 1024)}` }),
    });
    expect(res.status).toBe(413);
  });

  it('finishes in-flight requests when closing, then refuses new connections', async () => {
    const other = await startTestApp();
    // Close as soon as the server has received the request, before it answers.
    let closing: Promise<void> | undefined;
    other.app.http.server.once('request', () => {
      closing = other.close();
    });
    const res = await other.gql('{ tenants { slug } }');
    expect(closing).toBeDefined();
    expect(res.data!.tenants.length).toBeGreaterThanOrEqual(4);
    await closing;
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
