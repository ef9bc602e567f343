import { Admission } from '../src/http/admission';
import { ServiceUnavailableError } from '../src/shared/errors';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The line in front of the pool (src/http/admission.ts), without a database. */
describe('admission', () => {
  it('keeps a moving line waiting well past the stall limit, in order', async () => {
    const gate = new Admission({ permits: 2, stallMs: 100, maxWaitMs: 10_000 });
    const served: number[] = [];
    // 20 units of 30 ms on 2 permits: the last waits ~300 ms, three times the stall limit.
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const release = await gate.acquire();
        served.push(i);
        await sleep(30);
        release();
      }),
    );
    expect(served).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(gate.waiting).toBe(0);
  });

  it('refuses, fast, those waiting on a line that stopped moving', async () => {
    const gate = new Admission({ permits: 1, stallMs: 100, maxWaitMs: 10_000 });
    const held = await gate.acquire();
    const started = Date.now();
    await expect(gate.acquire()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
    held();
    // The line works again once the permit is back.
    const again = await gate.acquire();
    again();
  });

  it('refuses after the longest wait even while the line moves', async () => {
    const gate = new Admission({ permits: 1, stallMs: 10_000, maxWaitMs: 150 });
    const first = await gate.acquire();
    const waiting = gate.acquire();
    await expect(waiting).rejects.toBeInstanceOf(ServiceUnavailableError);
    first();
  });

  it("serves a mutation's payload phase before those who have not started", async () => {
    const gate = new Admission({ permits: 1, stallMs: 1000, maxWaitMs: 1000 });
    const held = await gate.acquire();
    const order: string[] = [];
    const newcomer = gate.acquire().then((release) => (order.push('newcomer'), release()));
    const payload = gate.acquire(true).then((release) => (order.push('payload'), release()));
    held();
    await Promise.all([newcomer, payload]);
    expect(order).toEqual(['payload', 'newcomer']);
  });

  it('gives a permit back once only, whatever the caller does', async () => {
    const gate = new Admission({ permits: 1, stallMs: 100, maxWaitMs: 1000 });
    const release = await gate.acquire();
    release();
    release();
    const a = await gate.acquire();
    // Only one permit exists: a second acquire waits until `a` is released.
    let second = false;
    const b = gate.acquire().then((r) => ((second = true), r));
    await sleep(20);
    expect(second).toBe(false);
    a();
    (await b)();
  });
});
