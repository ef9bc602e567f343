import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { TokenVerification } from '../auth/authenticate';
import { rowLanguage } from '../auth/tenant-language';
import { can, Role, Scope } from '../auth/viewer';
import { formatError } from '../graphql/errors';
import { ImportKind, ImportMode } from '../imports/import.entity';
import { IMPORTABLE_KINDS, runImport } from '../imports/import.service';
import { ENCODINGS, type Encoding } from '../imports/csv-source';
import { todayIn } from '../shared/dates';
import { isUnavailableError } from '../shared/db-errors';
import {
  BadInputError,
  DomainError,
  ForbiddenError,
  RETRY_AFTER_SECONDS,
  ServiceUnavailableError,
  UnauthenticatedError,
} from '../shared/errors';
import { msg, oneOf } from '../shared/i18n';
import { importReport } from '../imports/import-report';
import { authenticateRequest, readerOf } from './graphql-route';

/** Legacy files are larger than GraphQL requests: 100,000 families are about 25 MiB. */
export const MAX_IMPORT_MIB = 200;

const KIND_OF_PATH: Record<string, ImportKind> = {
  families: ImportKind.FAMILIES,
  reservations: ImportKind.RESERVATIONS,
  balances: ImportKind.BALANCES,
  attendance: ImportKind.ATTENDANCE,
  'attendance-journal': ImportKind.ATTENDANCE_JOURNAL,
};

function option<T extends string>(
  query: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = query[name];
  if (value === undefined || value === '') return fallback;
  const text = String(value);
  const found = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
  if (!found)
    throw new BadInputError(msg('import.badOption', { option: name, value: text, allowed: oneOf(allowed) }), [
      name,
    ]);
  return found;
}

/** An empty body. */
async function* nothing(): AsyncGenerator<Buffer> {}

/** Counts the body's bytes as it streams and stops it past `max`. */
async function* limited(body: Readable, max: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) throw new BadInputError(msg('import.tooLarge', { max: MAX_IMPORT_MIB }));
    yield chunk;
  }
}

/**
 * POST /imports/<kind>?dryRun=&mode=&encoding=&name= with the CSV file as the raw body (any
 * content type: text/csv, application/octet-stream…), authenticated as /graphql is, for tenant
 * admins. The body is streamed into the import (never buffered whole; at most 200 MiB). Answers
 * 200 with the import's report (status, counts, every error with its message in the reader's
 * language) — a REJECTED import is an answer too; 400 for an unknown kind or option, 401/403 for
 * credentials and roles, 503 when the database cannot serve (nothing written).
 */
export function registerImportRoutes(
  app: FastifyInstance,
  orm: MikroORM,
  verification: TokenVerification,
  now: () => Date,
) {
  app.register(async (scope) => {
    // The body is the file: handed over as a stream, whatever its content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    scope.post(
      '/imports/:kind',
      async (request: FastifyRequest<{ Params: { kind: string } }>, reply: FastifyReply) => {
        const auth = await authenticateRequest(orm, request, verification, reply);
        if (!auth) return reply;
        const language = readerOf(request, auth.tenantRow);
        const body = (request.body as Readable | undefined) ?? null;
        try {
          if (auth.viewer.kind === 'ANONYMOUS') throw new UnauthenticatedError();
          const kind = KIND_OF_PATH[request.params.kind];
          if (!kind || !(IMPORTABLE_KINDS as readonly ImportKind[]).includes(kind)) {
            throw new BadInputError(
              msg('import.unknownKind', {
                kind: request.params.kind,
                kinds: oneOf(Object.keys(KIND_OF_PATH)),
              }),
            );
          }
          // A filled roll is the roll call's business (agents, tablets' keys); the rest is the admins'.
          if (
            kind === ImportKind.ATTENDANCE || kind === ImportKind.ATTENDANCE_JOURNAL
              ? !can(auth.viewer, Scope.ATTENDANCE_WRITE)
              : !auth.viewer.roles.includes(Role.TENANT_ADMIN)
          ) {
            throw new ForbiddenError(
              msg(
                kind === ImportKind.ATTENDANCE || kind === ImportKind.ATTENDANCE_JOURNAL
                  ? 'roll.forbidden'
                  : 'import.adminOnly',
              ),
            );
          }
          if (!auth.tenantRow) throw new UnauthenticatedError();
          const query = request.query as Record<string, unknown>;
          const dryRun = option(query, 'dryRun', ['true', 'false'], 'false') === 'true';
          const mode = option(
            query,
            'mode',
            [ImportMode.ALL_OR_NOTHING, ImportMode.VALID_ONLY],
            ImportMode.ALL_OR_NOTHING,
          );
          const encodingOption = option(
            query,
            'encoding',
            [...ENCODINGS, 'iso-8859-1', 'latin1', 'auto'],
            'auto',
          );
          const encoding: Encoding | null =
            encodingOption === 'auto' ? null : encodingOption === 'utf-8' ? 'utf-8' : 'windows-1252';
          const length = Number(request.headers['content-length']);
          const tenant = rowLanguage(auth.tenantRow);
          const row = await runImport(
            orm,
            {
              tenantId: auth.tenantRow.id,
              startedBy: auth.viewer.subject ?? 'unknown',
              viewer: auth.viewer,
              kind,
              mode,
              dryRun,
              encoding,
              fileName: typeof query.name === 'string' ? query.name.slice(0, 255) : null,
              bytesTotal: Number.isFinite(length) && length > 0 ? length : null,
              today: todayIn(tenant.timeZone, now()),
              now,
            },
            body ? limited(body, MAX_IMPORT_MIB * 2 ** 20) : nothing(),
          );
          return reply.header('cache-control', 'no-store').send(importReport(row, language));
        } catch (error) {
          body?.resume();
          if (error instanceof DomainError) {
            const status = error.code === 'FORBIDDEN' ? 403 : error.code === 'UNAUTHENTICATED' ? 401 : 400;
            return reply
              .code(status)
              .send({ errors: [formatError({ message: error.message }, error, language)] });
          }
          if (isUnavailableError(error)) {
            const unavailable = new ServiceUnavailableError();
            return reply
              .code(503)
              .header('retry-after', String(RETRY_AFTER_SECONDS))
              .send({ errors: [formatError({ message: unavailable.message }, unavailable, language)] });
          }
          throw error;
        }
      },
    );
  });
}
