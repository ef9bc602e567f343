import {
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLOutputType,
} from 'graphql';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';
import type { GraphQLContext } from './context';
import type { InputFlaw } from './guard';
import type { IdInputError } from './inputs';

/**
 * A mutation's refusal of the IDs in its input that are not IDs of the type the field takes — a
 * malformed or forged ID, or an ID of another type: the payload it answers instead of running,
 * with one NOT_FOUND `userError` per such ID naming its field (as services name theirs: the path
 * inside `input`, e.g. ["familyId"], ["facilityIds", "0"]), `reason` MALFORMED_ID or
 * ID_OF_ANOTHER_TYPE. NOT_FOUND, as for the ID of a row the caller cannot see (another tenant's):
 * a forged ID that happens to decrypt to a UUID is that case, and no answer tells them apart by
 * anything but `reason`. Nothing ran, so nothing was written and no idempotency key was stored.
 *
 * Null when the field's payload has no `userErrors` (it then throws BAD_USER_INPUT).
 */
export function idRefusalPayload(
  field: GraphQLField<unknown, unknown>,
): ((refused: IdInputError[]) => Record<string, unknown>) | null {
  const payload = refusalPayload(field);
  return (
    payload &&
    ((refused) =>
      payload(
        refused.map((error) =>
          userError(UserErrorCode.NOT_FOUND, error.text, inputPath(error.field ?? []), {
            reason: error.flaw,
          }),
        ),
      ))
  );
}

/**
 * A mutation's refusal of input values over their limits (src/graphql/guard.ts: a text too long,
 * a list too long, a number out of range, a NUL character): one INVALID `userError` per value,
 * naming its field, `reason` TOO_LONG, TOO_MANY_ITEMS, OUT_OF_RANGE, NUL or SURROGATE. Nothing ran.
 */
export function inputRefusalPayload(
  field: GraphQLField<unknown, unknown>,
): ((flaws: InputFlaw[]) => Record<string, unknown>) | null {
  const payload = refusalPayload(field);
  return (
    payload &&
    ((flaws) =>
      payload(
        flaws.map((flaw) =>
          userError(UserErrorCode.INVALID, flaw.text, inputPath(flaw.field), { reason: flaw.reason }),
        ),
      ))
  );
}

/** The payload of a refused mutation (the refusals given), or null when it has no `userErrors`. */
function refusalPayload(
  field: GraphQLField<unknown, unknown>,
): ((userErrors: UserErrorData[]) => Record<string, unknown>) | null {
  const payload = getNamedType(field.type);
  if (!isObjectType(payload) || !payload.getFields().userErrors) return null;
  const defaults: [string, () => unknown][] = [];
  for (const [name, payloadField] of Object.entries(payload.getFields())) {
    if (name === 'userErrors' || !isNonNullType(payloadField.type)) continue;
    defaults.push([name, emptyValueOf(payloadField.type.ofType, `${payload.name}.${name}`)]);
  }
  return (userErrors) => ({
    ...Object.fromEntries(defaults.map(([name, value]) => [name, value()])),
    userErrors,
  });
}

/** The path inside the `input` argument every mutation takes (another argument keeps its name). */
const inputPath = (path: string[]) => (path[0] === 'input' ? path.slice(1) : path);

/**
 * What a non-null payload field holds when nothing ran: an empty list, zero, the tenant. Any other
 * non-null field fails the schema's build: a payload field must be nullable, since a refused
 * mutation has nothing to put there.
 */
function emptyValueOf(type: GraphQLOutputType, coordinate: string): () => unknown {
  if (isListType(type)) return () => [];
  const named = getNamedType(type);
  if (named.name === 'Int' || named.name === 'SafeInt') return () => 0;
  // Read as payloads read theirs, after the commit (`afterCommit`): the default resolver calls it.
  if (named.name === 'Tenant') return () => (_args: unknown, ctx: GraphQLContext) => ctx.tenant;
  throw new Error(`${coordinate} is non-null: a mutation refusing its input IDs cannot fill it`);
}
