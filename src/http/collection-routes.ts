import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantContext } from '../auth/context';
import type { LinkedDocument } from '../billing/documents/document-paths';
import { INVOICE_NUMBER } from '../billing/documents/document-paths';
import { reminderBatchLettersPdf, reminderLetterPdf, treasuryBatchCsv } from '../billing/reminders/documents';
import {
  reminderBatchLettersDocument,
  reminderLetterDocument,
  treasuryBatchCsvDocument,
  UUID,
} from '../billing/reminders/document-paths';
import { NotFoundError } from '../shared/errors';
import type { Document } from './documents-route';

type Serve = <P>(
  produce: (ctx: TenantContext, params: P, query: Record<string, unknown>) => Promise<Document>,
  linkedDocument: (params: P, query: Record<string, unknown>) => LinkedDocument | null,
) => (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => Promise<unknown>;

/**
 * Reminders' letters (one, or a batch's to print) and a collection batch's CSV for the public
 * treasury, served like every document (a bearer token or a signed link).
 */
export function registerCollectionRoutes(app: FastifyInstance, serve: Serve): void {
  app.get(
    '/documents/reminders/:id.pdf',
    serve<{ id: string }>(
      async (ctx, { id }) => {
        if (!UUID.test(id)) throw new NotFoundError('Node');
        const { filename, pdf } = await reminderLetterPdf(ctx, id);
        return { type: 'application/pdf', filename, body: pdf };
      },
      ({ id }) => (UUID.test(id) ? reminderLetterDocument(id) : null),
    ),
  );
  app.get(
    '/documents/reminder-batches/:id.pdf',
    serve<{ id: string }>(
      async (ctx, { id }) => {
        if (!UUID.test(id)) throw new NotFoundError('Node');
        const { filename, pdf } = await reminderBatchLettersPdf(ctx, id);
        return { type: 'application/pdf', filename, body: pdf };
      },
      ({ id }) => (UUID.test(id) ? reminderBatchLettersDocument(id) : null),
    ),
  );
  app.get(
    '/documents/treasury-batches/:number.csv',
    serve<{ number: string }>(
      async (ctx, { number }) => {
        if (!INVOICE_NUMBER.test(number)) throw new NotFoundError('Node');
        return {
          type: 'text/csv; charset=utf-8; header=present',
          filename: `titres-${number}.csv`,
          body: await treasuryBatchCsv(ctx, number, 'rfc4180'),
        };
      },
      ({ number }) => (INVOICE_NUMBER.test(number) ? treasuryBatchCsvDocument(number) : null),
    ),
  );
}
