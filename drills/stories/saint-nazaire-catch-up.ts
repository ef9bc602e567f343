import type { DrillOptions } from '../main';
import { mutate, read } from '../support/client';
import { withApiKilled } from '../support/kit';
import type { Timeline } from '../support/timeline';
import type { World } from '../support/world';

const RUN = `billingRun { id status invoicesCreated chargesInvoiced warningCounts { warning count } } userErrors { code message }`;

const ok = (payload: any, what: string) => {
  if (payload.userErrors?.length) throw new Error(`${what}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
};

/**
 * Saint-Nazaire's catch-up reviewed before it goes out (issue #17): drafted through `through`
 * (every invoice with its lines and the warnings per family, no number taken, no charge touched),
 * reviewed, a family left out then brought back, rebuilt, then promoted — numbered and issued in
 * one transaction. With --chaos the API is killed during the promotion: the admin retries with the
 * same key and the run is issued once, without a gap. Returns the promoted run.
 */
export async function reviewedCatchUp(
  world: World,
  options: DrillOptions,
  t: Timeline,
  who: { tenant: string; admin: string; agent: string; through: string },
): Promise<any> {
  const { tenant, admin, agent, through } = who;
  const issued = async () =>
    (
      await world.owner.query(
        `select count(*)::int as invoices, (select count(*)::int from charges where tenant_id = $1 and invoice_id is null) as open
         from invoices where tenant_id = $1`,
        [tenant],
      )
    ).rows[0] as { invoices: number; open: number };
  const draft = await t.step(
    `the catch-up through ${through} drafted: every invoice and its warnings, nothing issued`,
    async () => {
      const before = await issued();
      const run = ok(
        await mutate(
          world.url,
          agent,
          'draftBillingRun',
          `mutation($i: DraftBillingRunInput!) { draftBillingRun(input: $i) { ${RUN} } }`,
          {
            i: { kind: 'CATCH_UP', through, idempotencyKey: 'saint-nazaire-draft' },
          },
        ),
        'draft',
      ).billingRun;
      const after = await issued();
      if (run.status !== 'DRAFT' || !run.invoicesCreated) throw new Error(`draft: ${JSON.stringify(run)}`);
      if (after.invoices !== before.invoices || after.open !== before.open)
        throw new Error(`the draft issued invoices or billed charges: ${JSON.stringify({ before, after })}`);
      return run;
    },
    (r) =>
      `${r.invoicesCreated} draft invoices; warnings ${r.warningCounts.map((w: any) => `${w.warning} ${w.count}`).join(', ') || 'none'}`,
  );
  if (!draft) return undefined;

  await t.step(
    'an agent leaves a family out, brings it back, and rebuilds the draft',
    async () => {
      const first = (
        await read(
          world.url,
          agent,
          `query($id: ID!) { node(id: $id) { ... on BillingRun { draftInvoices(first: 1) { nodes { family { id } } } } } }`,
          { id: draft.id },
        )
      ).node.draftInvoices.nodes[0].family.id;
      const exclude = `mutation($i: ExcludeFromBillingRunInput!) { excludeFromBillingRun(input: $i) { userErrors { code message } } }`;
      for (const excluded of [true, false]) {
        ok(
          await mutate(world.url, agent, 'excludeFromBillingRun', exclude, {
            i: {
              runId: draft.id,
              familyId: first,
              excluded,
              reason: 'Drill : quotient à vérifier',
              idempotencyKey: `sn-exclude-${excluded}`,
            },
          }),
          'exclude',
        );
      }
      const rebuilt = ok(
        await mutate(
          world.url,
          agent,
          'rebuildBillingRun',
          `mutation($i: BillingRunInput!) { rebuildBillingRun(input: $i) { ${RUN} } }`,
          {
            i: { runId: draft.id, idempotencyKey: 'sn-rebuild' },
          },
        ),
        'rebuild',
      ).billingRun;
      if (rebuilt.invoicesCreated !== draft.invoicesCreated)
        throw new Error(`rebuilt: ${JSON.stringify(rebuilt)}`);
      return rebuilt.invoicesCreated;
    },
    (n) => `${n} draft invoices again`,
  );

  const promote = () =>
    mutate(
      world.url,
      admin,
      'promoteBillingRun',
      `mutation($i: BillingRunInput!) { promoteBillingRun(input: $i) { ${RUN} } }`,
      {
        i: { runId: draft.id, idempotencyKey: 'saint-nazaire-promote' },
      },
    );
  return t.step(
    'an admin promotes the draft: numbered and issued in one transaction; billing resumes',
    async () => {
      let run;
      if (options.chaos) {
        t.fault('the API killed with SIGKILL during the promotion, then started again');
        run = ok(await withApiKilled(world, 150, promote), 'promote');
      } else run = ok(await promote(), 'promote');
      if (run.billingRun.status !== 'COMPLETED')
        throw new Error(`promoted: ${JSON.stringify(run.billingRun)}`);
      const again = await mutate(
        world.url,
        admin,
        'promoteBillingRun',
        `mutation($i: BillingRunInput!) { promoteBillingRun(input: $i) { ${RUN} } }`,
        {
          i: { runId: draft.id, idempotencyKey: 'saint-nazaire-promote-again' },
        },
      );
      if (again.userErrors[0]?.code !== 'INVALID')
        throw new Error(`a second promotion: ${JSON.stringify(again)}`);
      return run.billingRun;
    },
    (r) => `${r.invoicesCreated} invoices, ${r.chargesInvoiced} charges; a second promotion refused`,
  );
}
