import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../auth/authenticate';
import { invoicePdf, treasuryCsv } from '../billing/documents.service';
import type { AppConfig } from '../config';
import { scopeToTenant } from '../db/tenant-scope';
import { DomainError } from '../shared/errors';
import type { ServiceContext } from '../shared/service-context';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
};

/**
 * Documents behind the same authentication as /graphql (bearer token or API key, X-Tenant):
 * an invoice's PDF for agents and its family, the treasury's CSV for agents. Each request reads
 * inside one tenant-scoped transaction, like a GraphQL request.
 */
export function registerDocumentRoutes(
  app: FastifyInstance,
  orm: MikroORM,
  config: AppConfig,
  now: () => Date,
): void {
  const serve =
    <P>(
      produce: (
        ctx: ServiceContext,
        params: P,
      ) => Promise<{ type: string; filename: string; body: Buffer | string }>,
    ) =>
    async (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => {
      const em = orm.em.fork({ loggerContext: { requestId: request.id } }) as EntityManager;
      try {
        const auth = await authenticate(
          em,
          {
            authorization: request.headers.authorization,
            tenantSlug: request.headers['x-tenant'] as string | undefined,
          },
          config.jwtSecret,
        );
        if (!auth.tenant) throw new DomainError('UNAUTHENTICATED', 'Send a bearer token.');
        const document = await em.transactional(async (tx) => {
          await scopeToTenant(tx, auth.tenant!.id);
          return produce({ em: tx, viewer: auth.viewer, tenant: auth.tenant, now }, request.params as P);
        });
        return reply
          .header('content-type', document.type)
          .header('content-disposition', `attachment; filename="${document.filename}"`)
          .header('cache-control', 'private, no-store')
          .send(document.body);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return reply
          .code(STATUS[error.code] ?? 400)
          .send({ errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
    };

  app.get(
    '/documents/invoices/:number.pdf',
    serve<{ number: string }>(async (ctx, { number }) => {
      const { filename, pdf } = await invoicePdf(ctx, number);
      return { type: 'application/pdf', filename, body: pdf };
    }),
  );
  app.get(
    '/documents/treasury/:period.csv',
    serve<{ period: string }>(async (ctx, { period }) => ({
      type: 'text/csv; charset=utf-8',
      filename: `tresorerie-${period}.csv`,
      body: await treasuryCsv(ctx, period),
    })),
  );
}
