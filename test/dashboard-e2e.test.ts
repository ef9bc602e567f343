import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Role, startTestApp, token, type TestApp } from './support/app';

/**
 * The dashboard page end to end, in headless Chromium (Debian's, through playwright-core): an
 * agent pastes a token, the page loads the tenant's figures, the charts render with them and
 * agree with the GraphQL answers, the outage banner shows. A screenshot is taken (docs/images/
 * dashboard.png with SAVE_SCREENSHOT=docs; a temporary file otherwise). Nîmes' demo data: walk-in
 * lunches over the last weeks, its canteens in WALK_IN mode with a notice.
 */
describe('dashboard page in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let agent: string;
  const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p) => p && fs.existsSync(p),
  );

  beforeAll(async () => {
    if (!executablePath) throw new Error('Chromium not found: run node scripts/ensure-chromium.mjs');
    app = await startTestApp();
    agent = await token('nimes', Role.AGENT);
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the occupancy chart and the billing figures the API gives, with the banner', async () => {
    const today = new Date();
    const to = today.toISOString().slice(0, 10);
    const from = new Date(today.getTime() - 28 * 86400_000).toISOString().slice(0, 10);
    const api = await app.gql(
      `query($from: LocalDate!, $to: LocalDate!, $period: YearMonth!) { tenant { operatingMode publicNotice }
        occupancy(from: $from, to: $to) { capacity booked attended }
        billingTotals(period: $period) { invoices paid { minorUnits } outstanding { minorUnits } } }`,
      { from, to, period: to.slice(0, 7) },
      { token: agent },
    );
    expect(api.errors).toBeUndefined();
    expect(api.data.occupancy.length).toBeGreaterThan(0);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(String(error)));
    await page.goto(`${app.url}/dashboard`);
    await page.fill('#token', agent);
    await page.fill('#from', from);
    await page.fill('#to', to);
    await page.click('button[type=submit]');
    await page.waitForSelector('body[data-placement-groups]', { timeout: 20_000 });
    expect(failures).toEqual([]);
    expect(await page.textContent('#error')).toBe('');
    expect(await page.locator('#table tbody tr').count()).toBe(api.data.occupancy.length);
    // The charts hold the API's figures (Chart.js keeps them on the canvas' chart).
    // (Browser code as text: the test compiles without the DOM's types.)
    const charts = (await page.evaluate(`(() => {
      const read = (id) => Chart.getChart(document.getElementById(id))?.data.datasets.map((d) => d.data);
      return { occupancy: read('chart'), billing: read('billing-chart') };
    })()`)) as { occupancy: number[][]; billing: number[][] };
    expect(charts.occupancy).toEqual([
      api.data.occupancy.map((o: { capacity: number }) => o.capacity),
      api.data.occupancy.map((o: { booked: number }) => o.booked),
      api.data.occupancy.map((o: { attended: number }) => o.attended),
    ]);
    const bills = api.data.billingTotals;
    expect(charts.billing).toEqual([[bills.paid.minorUnits / 100, bills.outstanding.minorUnits / 100]]);
    expect(await page.getAttribute('body', 'data-invoices')).toBe(String(bills.invoices));
    // Nîmes runs in WALK_IN mode: the banner says so.
    expect(api.data.tenant.operatingMode).toBe('WALK_IN');
    expect(await page.textContent('#banner')).toContain('WALK_IN');
    // The canvas was drawn on: some pixels are not blank.
    expect(await page.textContent('#billing')).toContain('En retard');
    const drawn = await page.evaluate(`(() => {
      const canvas = document.getElementById('chart');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((value, i) => i % 4 === 3 && value !== 0);
    })()`);
    expect(drawn).toBe(true);
    const target =
      process.env.SAVE_SCREENSHOT === 'docs'
        ? path.join(__dirname, '..', 'docs', 'images', 'dashboard.png')
        : path.join(os.tmpdir(), `guichet-dashboard-${process.pid}.png`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target });
    expect(fs.statSync(target).size).toBeGreaterThan(10_000);
    await page.close();
  }, 60_000);

  it('shows Québec’s childcare places and the waitlists the API gives', async () => {
    const quebec = await token('quebec', Role.AGENT);
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 28 * 86400_000).toISOString().slice(0, 10);
    const api = await app.gql(
      `{ placementStatistics { offered groups { ageGroup capacity placesTaken waiting facility { name } } } }`,
      {},
      { token: quebec },
    );
    expect(api.errors).toBeUndefined();
    const groups = api.data.placementStatistics.groups;
    expect(groups.length).toBeGreaterThan(0);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(`${app.url}/dashboard`);
    await page.fill('#token', quebec);
    await page.fill('#from', from);
    await page.fill('#to', to);
    await page.click('button[type=submit]');
    // The figures, or an error said on the page (then named by the assertion below).
    await page.waitForSelector('body[data-placement-groups], #error:not(:empty)', { timeout: 30_000 });
    expect(await page.textContent('#error')).toBe('');
    const rows = (await page.evaluate(
      `[...document.querySelectorAll('#placement-groups tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))`,
    )) as string[][];
    expect(rows).toEqual(
      groups.map((g: any) => [
        g.facility.name,
        g.ageGroup,
        String(g.capacity),
        String(g.placesTaken),
        expect.any(String),
        String(g.waiting),
      ]),
    );
    expect(await page.textContent('#placements')).toContain(String(api.data.placementStatistics.offered));
    await page.close();
  }, 60_000);
});
