import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticated, TenantRow, TokenVerification } from '../auth/authenticate';
import type { TenantContext } from '../auth/context';
import { DocumentLinkError, DocumentLinks } from '../auth/document-links';
import { invoicePdf } from '../billing/documents/invoice-pdf.service';
import {
  INVOICE_NUMBER,
  invoicePdfDocument,
  receiptPdfDocument,
  treasuryCsvDocument,
  type LinkedDocument,
} from '../billing/documents/document-paths';
import { treasuryCsv } from '../billing/documents/treasury.service';
import { receiptPdf } from '../billing/cash-desk/receipt-pdf';
import { registerCertificateRoutes } from '../billing/certificates/certificate-routes';
import type { AppConfig } from '../config';
import { scopeToTenantReading } from '../db/tenant-scope';
import { csvFlavourOf } from '../shared/csv';
import { isUnavailableError } from '../shared/db-errors';
import { isYearMonth, MAX_YEAR, MIN_YEAR } from '../shared/dates';
import {
  BadInputError,
  DomainError,
  RETRY_AFTER_SECONDS,
  ServiceUnavailableError,
  UnauthenticatedError,
  NotFoundError,
} from '../shared/errors';
import { formatError } from '../graphql/errors';
import { msg, type Language } from '../shared/i18n';
import { Tenant } from '../tenants/tenant.entity';
import { authenticateRequest, readerOf } from './graphql-route';
import { registerRollRoutes } from './rolls-route';
import { registerCollectionRoutes } from './collection-routes';

/** A refusal as the documents' routes answer it: GraphQL-shaped, in the reader's language. */
const answer = (error: DomainError, language: Language) => ({
  errors: [formatError({ message: error.message }, error, language)],
});

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
};

export interface Document {
  type: string;
  filename: string;
  body: Buffer | string;
}

/**
 * Documents behind the same authentication as /graphql (bearer token or API key, X-Tenant), or a
 * signed link the API gave (`Invoice.pdfUrl`, `treasuryCsvUrl`; src/auth/document-links.ts) when
 * no Authorization header is sent: an invoice's PDF for billing readers and its family, the
 * treasury's CSV for billing readers. A link that is not valid, or has expired, is refused with
 * 403 before anything is read, so it never tells whether the document exists.
 * Each request reads inside one tenant-scoped, read-only transaction, like a GraphQL query; the
 * database's "not now" answers 503 with Retry-After.
 */
export function registerDocumentRoutes(
  app: FastifyInstance,
  orm: MikroORM,
  config: AppConfig,
  verification: TokenVerification,
  now: () => Date,
  links: DocumentLinks,
): void {
  /** The request's viewer and tenant, from its Authorization header or its signed link. */
  const authenticateDocumentRequest = async (
    request: FastifyRequest,
    reply: FastifyReply,
    linked: LinkedDocument | null,
  ): Promise<Authenticated | null> => {
    const query = request.query as Record<string, unknown>;
    const signed = ['sig', 'expires', 'tenant', 'reader'].some((name) => query[name] !== undefined);
    if (request.headers.authorization !== undefined || !signed) {
      return authenticateRequest(orm, request, verification, reply);
    }
    try {
      if (!linked) throw new DocumentLinkError('INVALID');
      const link = links.verify(linked.path, linked.params, query, now());
      const em = orm.em.fork({ loggerContext: { requestId: request.id } }) as EntityManager;
      const [tenantRow] = await em.execute<TenantRow[]>(
        'select * from tenants where slug = ?',
        [link.tenant],
        'all',
        em.getLoggerContext(),
      );
      if (!tenantRow) throw new DocumentLinkError('INVALID');
      request.log.info({ reader: link.reader, document: linked.path }, 'signed document link used');
      return { viewer: DocumentLinks.viewerFor(link, tenantRow.id), tenantRow };
    } catch (error) {
      if (error instanceof DocumentLinkError) {
        reply.code(403).send(answer(error, readerOf(request, null)));
        return null;
      }
      if (isUnavailableError(error)) {
        reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send(answer(new ServiceUnavailableError(), readerOf(request, null)));
        return null;
      }
      throw error;
    }
  };

  const serve =
    <P>(
      produce: (ctx: TenantContext, params: P, query: Record<string, unknown>) => Promise<Document>,
      /** The document as its signed link names it; null when the request cannot name one. */
      linkedDocument: (params: P, query: Record<string, unknown>) => LinkedDocument | null,
    ) =>
    async (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => {
      const params = request.params as P;
      const query = request.query as Record<string, unknown>;
      const auth = await authenticateDocumentRequest(request, reply, linkedDocument(params, query));
      if (!auth) return reply;
      try {
        if (!auth.tenantRow) {
          throw new UnauthenticatedError(msg('link.credentialsRequired'));
        }
        const em = orm.em.fork({ loggerContext: { requestId: request.id } }) as EntityManager;
        const document = await em.transactional(
          async (tx) => {
            const row = await scopeToTenantReading<TenantRow>(tx, auth.tenantRow!.id, {
              lockTimeoutMs: config.lockTimeoutMs,
              statementTimeoutMs: config.statementTimeoutMs,
            });
            if (!row) throw new UnauthenticatedError(msg('auth.tenantGone'));
            const tenant = tx.map(Tenant, row) as Tenant;
            return produce({ em: tx, viewer: auth.viewer, tenant, now }, params, query);
          },
          { readOnly: true },
        );
        return reply
          .header('content-type', document.type)
          .header('content-disposition', `attachment; filename="${document.filename}"`)
          .header('cache-control', 'private, no-store')
          .header('referrer-policy', 'no-referrer')
          .send(document.body);
      } catch (error) {
        const language = readerOf(request, auth.tenantRow);
        if (error instanceof DomainError) {
          return reply.code(STATUS[error.code] ?? 400).send(answer(error, language));
        }
        if (isUnavailableError(error)) {
          return reply
            .code(503)
            .header('retry-after', String(RETRY_AFTER_SECONDS))
            .send(answer(new ServiceUnavailableError(), language));
        }
        throw error;
      }
    };

  registerRollRoutes(app, serve);
  registerCertificateRoutes(app, serve);
  registerCollectionRoutes(app, serve);
  app.get(
    '/documents/invoices/:number.pdf',
    serve<{ number: string }>(
      async (ctx, { number }) => {
        if (!INVOICE_NUMBER.test(number)) throw new NotFoundError('Invoice');
        const { filename, pdf } = await invoicePdf(ctx, number);
        return { type: 'application/pdf', filename, body: pdf };
      },
      ({ number }) => (INVOICE_NUMBER.test(number) ? invoicePdfDocument(number) : null),
    ),
  );
  app.get(
    '/documents/receipts/:number.pdf',
    serve<{ number: string }>(
      async (ctx, { number }) => {
        if (!INVOICE_NUMBER.test(number)) throw new NotFoundError('Receipt');
        const { filename, pdf } = await receiptPdf(ctx, number);
        return { type: 'application/pdf', filename, body: pdf };
      },
      ({ number }) => (INVOICE_NUMBER.test(number) ? receiptPdfDocument(number) : null),
    ),
  );
  app.get(
    '/documents/treasury/:period.csv',
    serve<{ period: string }>(
      async (ctx, { period }, query) => {
        if (!isYearMonth(period)) {
          throw new BadInputError(msg('input.yearMonth', { field: 'period', min: MIN_YEAR, max: MAX_YEAR }), [
            'period',
          ]);
        }
        const flavour = csvFlavourOf(query.format);
        return {
          type: `text/csv; charset=utf-8${flavour === 'rfc4180' ? '; header=present' : ''}`,
          filename: `tresorerie-${period}.csv`,
          body: await treasuryCsv(ctx, period, flavour),
        };
      },
      // A link names its flavour: one made for scripts does not open the spreadsheet's.
      ({ period }, { format }) =>
        isYearMonth(period) && (format === 'rfc4180' || format === 'spreadsheet')
          ? treasuryCsvDocument(period, format)
          : null,
    ),
  );
}
