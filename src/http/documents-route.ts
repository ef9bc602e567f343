import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantContext } from '../auth/context';
import { invoicePdf } from '../billing/documents/invoice-pdf.service';
import { treasuryCsv } from '../billing/documents/treasury.service';
import type { AppConfig } from '../config';
import { scopeToTenant } from '../db/tenant-scope';
import { csvFlavourOf } from '../shared/csv';
import { isUnavailableError } from '../shared/db-errors';
import { isYearMonth } from '../shared/dates';
import {
  BadInputError,
  DomainError,
  RETRY_AFTER_SECONDS,
  UnauthenticatedError,
  NotFoundError,
} from '../shared/errors';
import { Tenant } from '../tenants/tenant.entity';
import { authenticateRequest } from './graphql-route';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
};

interface Document {
  type: string;
  filename: string;
  body: Buffer | string;
}

/**
 * Documents behind the same authentication as /graphql (bearer token or API key, X-Tenant):
 * an invoice's PDF for billing readers and its family, the treasury's CSV for billing readers.
 * Each request reads inside one tenant-scoped, read-only transaction, like a GraphQL query; the
 * database's "not now" answers 503 with Retry-After.
 */
export function registerDocumentRoutes(
  app: FastifyInstance,
  orm: MikroORM,
  config: AppConfig,
  now: () => Date,
): void {
  const serve =
    <P>(produce: (ctx: TenantContext, params: P, query: Record<string, unknown>) => Promise<Document>) =>
    async (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => {
      const auth = await authenticateRequest(orm, request, config, reply);
      if (!auth) return reply;
      try {
        if (!auth.tenantRow) throw new UnauthenticatedError('Send a bearer token or an API key.');
        const em = orm.em.fork({ loggerContext: { requestId: request.id } }) as EntityManager;
        const document = await em.transactional(
          async (tx) => {
            const tenant = tx.map(Tenant, auth.tenantRow!) as Tenant;
            await scopeToTenant(tx, tenant.id, {
              lockTimeoutMs: config.lockTimeoutMs,
              statementTimeoutMs: config.statementTimeoutMs,
            });
            return produce(
              { em: tx, viewer: auth.viewer, tenant, now },
              request.params as P,
              request.query as Record<string, unknown>,
            );
          },
          { readOnly: true },
        );
        return reply
          .header('content-type', document.type)
          .header('content-disposition', `attachment; filename="${document.filename}"`)
          .header('cache-control', 'private, no-store')
          .send(document.body);
      } catch (error) {
        if (error instanceof DomainError) {
          return reply
            .code(STATUS[error.code] ?? 400)
            .send({ errors: [{ message: error.message, extensions: { code: error.code } }] });
        }
        if (isUnavailableError(error)) {
          return reply
            .code(503)
            .header('retry-after', String(RETRY_AFTER_SECONDS))
            .send({
              errors: [{ message: 'Retry in a moment.', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
            });
        }
        throw error;
      }
    };

  app.get(
    '/documents/invoices/:number.pdf',
    serve<{ number: string }>(async (ctx, { number }) => {
      // Invoice and credit-note numbers are short series-year-sequence codes, e.g. F2026-000042.
      if (!/^[A-Za-z0-9-]{1,40}$/.test(number)) throw new NotFoundError('Invoice');
      const { filename, pdf } = await invoicePdf(ctx, number);
      return { type: 'application/pdf', filename, body: pdf };
    }),
  );
  app.get(
    '/documents/treasury/:period.csv',
    serve<{ period: string }>(async (ctx, { period }, query) => {
      if (!isYearMonth(period)) throw new BadInputError('A period is YYYY-MM (years 1900–2199).', ['period']);
      const flavour = csvFlavourOf(query.format);
      return {
        type: `text/csv; charset=utf-8${flavour === 'rfc4180' ? '; header=present' : ''}`,
        filename: `tresorerie-${period}.csv`,
        body: await treasuryCsv(ctx, period, flavour),
      };
    }),
  );
}
