import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../auth/context';
import { decodeId } from '../../graphql/inputs';
import type { Document } from '../../http/documents-route';
import { NotFoundError } from '../../shared/errors';
import { INVOICE_NUMBER, type LinkedDocument } from '../documents/document-paths';
import { childcareCertificatePdf, paymentCertificatePdf } from './certificate-pdf';

/** The documents' route builder (src/http/documents-route.ts): authentication, one read-only unit. */
type Serve = <P>(
  produce: (ctx: TenantContext, params: P, query: Record<string, unknown>) => Promise<Document>,
  linkedDocument: (params: P, query: Record<string, unknown>) => LinkedDocument | null,
) => (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => Promise<FastifyReply>;

/** A child's childcare certificate for a year, as its household paid it: `ChildcareCertificate.pdfUrl`. */
export const childcareCertificateDocument = (
  familyId: string,
  childId: string,
  year: number,
): LinkedDocument => ({
  path: `/documents/certificates/childcare/${encodeURIComponent(familyId)}/${encodeURIComponent(childId)}/${year}.pdf`,
  params: {},
});

/** An invoice's payment certificate: `PaymentCertificate.pdfUrl`. */
export const paymentCertificateDocument = (number: string): LinkedDocument => ({
  path: `/documents/invoices/${encodeURIComponent(number)}/payment-certificate.pdf`,
  params: {},
});

const YEAR = /^[0-9]{4}$/;

/**
 * GET /documents/certificates/childcare/<Family_…>/<Child_…>/<year>.pdf and
 * GET /documents/invoices/<number>/payment-certificate.pdf: billing readers and the family's
 * parents, with the bearer token or a signed link (`pdfUrl`).
 */
export function registerCertificateRoutes(app: FastifyInstance, serve: Serve): void {
  type ChildcareParams = { familyId: string; childId: string; year: string };
  app.get(
    '/documents/certificates/childcare/:familyId/:childId/:year.pdf',
    serve<ChildcareParams>(
      async (ctx, { familyId, childId, year }) => {
        if (!YEAR.test(year)) throw new NotFoundError('Child');
        const { filename, pdf } = await childcareCertificatePdf(
          ctx,
          decodeId(familyId, 'Family', ['familyId']),
          decodeId(childId, 'Child', ['childId']),
          Number(year),
        );
        return { type: 'application/pdf', filename, body: pdf };
      },
      ({ familyId, childId, year }) =>
        YEAR.test(year) ? childcareCertificateDocument(familyId, childId, Number(year)) : null,
    ),
  );
  app.get(
    '/documents/invoices/:number/payment-certificate.pdf',
    serve<{ number: string }>(
      async (ctx, { number }) => {
        if (!INVOICE_NUMBER.test(number)) throw new NotFoundError('Invoice');
        const { filename, pdf } = await paymentCertificatePdf(ctx, number);
        return { type: 'application/pdf', filename, body: pdf };
      },
      ({ number }) => (INVOICE_NUMBER.test(number) ? paymentCertificateDocument(number) : null),
    ),
  );
}
