import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rollPdf } from '../attendance/roll-sheet-pdf';
import { rollCsv, rollSessions } from '../attendance/roll-sheet.service';
import type { TenantContext } from '../auth/context';
import type { LinkedDocument } from '../billing/documents/document-paths';
import { familyStatementPdf } from '../billing/documents/statement-pdf.service';
import { isCalendarDate, MAX_YEAR, MIN_YEAR } from '../shared/dates';
import { BadInputError } from '../shared/errors';
import { msg, tenantLanguage } from '../shared/i18n';
import { decodeId } from '../graphql/inputs';
import type { Document } from './documents-route';

/** The documents' route builder (src/http/documents-route.ts): authentication, one read-only unit. */
type Serve = <P>(
  produce: (ctx: TenantContext, params: P, query: Record<string, unknown>) => Promise<Document>,
  linkedDocument: (params: P, query: Record<string, unknown>) => LinkedDocument | null,
) => (request: FastifyRequest<{ Params: P }>, reply: FastifyReply) => Promise<FastifyReply>;

function selection(date: string, query: Record<string, unknown>): string | null {
  if (!isCalendarDate(date)) {
    throw new BadInputError(msg('input.calendarDate', { field: 'date', min: MIN_YEAR, max: MAX_YEAR }), [
      'date',
    ]);
  }
  const facility = query.facilityId;
  return facility === undefined || facility === ''
    ? null
    : decodeId(String(facility), 'Facility', ['facilityId']);
}

/**
 * The paper continuity pack's roll sheets (docs/continuity.md), for agents, tenant admins and
 * `attendance:write` keys: GET /documents/rolls/<YYYY-MM-DD>.pdf[?facilityId=Facility_…] — one
 * printable A4 PDF for one school, or for every facility of the tenant that day — and the same as
 * a spreadsheet to fill in (.csv), which POST /imports/attendance takes back. And a family's
 * statement for the counter: GET /documents/families/<Family_…>/statement.pdf (billing readers
 * and the family's parents).
 */
export function registerRollRoutes(app: FastifyInstance, serve: Serve): void {
  app.get(
    '/documents/rolls/:date.pdf',
    serve<{ date: string }>(
      async (ctx, { date }, query) => {
        const sessions = await rollSessions(ctx, date, selection(date, query));
        return {
          type: 'application/pdf',
          filename: `appel-${date}.pdf`,
          body: await rollPdf(sessions, date, ctx.tenant.name, tenantLanguage(ctx.tenant)),
        };
      },
      () => null,
    ),
  );
  app.get(
    '/documents/rolls/:date.csv',
    serve<{ date: string }>(
      async (ctx, { date }, query) => {
        const sessions = await rollSessions(ctx, date, selection(date, query));
        return {
          type: 'text/csv; charset=utf-8',
          filename: `appel-${date}.csv`,
          body: rollCsv(sessions, date, ctx.tenant.locale),
        };
      },
      () => null,
    ),
  );
  app.get(
    '/documents/families/:familyId/statement.pdf',
    serve<{ familyId: string }>(
      async (ctx, { familyId }) => {
        const { filename, pdf } = await familyStatementPdf(ctx, decodeId(familyId, 'Family', ['familyId']));
        return { type: 'application/pdf', filename, body: pdf };
      },
      () => null,
    ),
  );
}
