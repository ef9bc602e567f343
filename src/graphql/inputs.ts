import {
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  isInputObjectType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import {
  createParameterDecorator,
  Extensions,
  Field,
  ID,
  type ArgOptions,
  type FieldOptions,
} from 'type-graphql';
import { BadInputError } from '../shared/errors';
import { fromGlobalId } from '../shared/ids';
import { msg } from '../shared/i18n';
import type { GraphQLContext } from './context';
import { idRefusalPayload, inputRefusalPayload } from './id-refusals';
import { nodeType as nodeType_ } from './node';

/**
 * Input edges of the schema, declared once where the input is defined:
 * - ID fields and arguments name the node type they take; the ID is decoded to the row's UUID
 *   before any resolver runs, so resolvers and services only ever see UUIDs. An ID of another
 *   type, or a forged one, is refused naming the field: in a mutation's input, as the payload's
 *   `userErrors` (NOT_FOUND, src/graphql/id-refusals.ts) with nothing run; in a query's argument,
 *   as BAD_USER_INPUT;
 * - text and list inputs carry their limits (`maxLength`, `maxItems`), enforced for the whole
 *   operation by the guard (src/graphql/guard.ts) with the same defaults everywhere.
 */

/** Limits applied where an input does not declare its own. */
export const DEFAULT_MAX_LENGTH = 255;
export const DEFAULT_MAX_ID_LENGTH = 100;
export const DEFAULT_MAX_ITEMS = 100;

export interface InputLimits {
  maxLength?: number;
  maxItems?: number;
  /** Inclusive bounds of an Int input, e.g. a page size. */
  range?: [number, number];
}

const combine =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((decorate) => decorate(target, key));

/**
 * An ID input field (or `@ArgsType` field) of a node type (`list: true` for a list of IDs). The ID
 * of a merged record (a family, a child) becomes its kept record's, unless `exact` is set: for
 * inputs that must name the record itself (a merge's two sides, the audit trail's history), or
 * `keptByService`: the service follows the merge in a statement it runs anyway (a booking's child
 * read), which spares the request the look-up.
 */
export function IdField(
  nodeType: string,
  options: FieldOptions & { list?: boolean; maxItems?: number; exact?: boolean; keptByService?: boolean },
): PropertyDecorator {
  const { list, maxItems, exact, keptByService, ...fieldOptions } = options;
  return combine(
    Field(() => (list ? [ID] : ID), fieldOptions) as PropertyDecorator,
    Extensions({
      idOf: nodeType,
      ...(maxItems ? { maxItems } : {}),
      ...(exact || keptByService ? { exactId: true } : {}),
    }) as PropertyDecorator,
  );
}

/** A free-text input field with its maximum length (default 255). NUL is always refused. */
export function TextField(options: FieldOptions & { maxLength?: number }): PropertyDecorator {
  const { maxLength, ...fieldOptions } = options;
  return combine(
    Field(() => String, fieldOptions) as PropertyDecorator,
    Extensions({ maxLength: maxLength ?? DEFAULT_MAX_LENGTH }) as PropertyDecorator,
  );
}

/** Why an input ID was refused: not an ID the API gives at all, or an ID of another type. */
export type IdFlaw = 'MALFORMED_ID' | 'ID_OF_ANOTHER_TYPE';

/** An input ID that is not one of `nodeType` (BAD_USER_INPUT, unless a payload reports it). */
export class IdInputError extends BadInputError {
  constructor(
    readonly nodeType: string,
    readonly flaw: IdFlaw,
    path: readonly string[],
  ) {
    super(msg('input.notAnId', { field: path.join('.'), type: nodeType }), [...path]);
  }
}

/** Decodes a global ID of `nodeType` to its UUID, or throws an IdInputError naming `path`. */
export function decodeId(value: string, nodeType: string, path: readonly string[]): string {
  const decoded = fromGlobalId(value);
  if (!decoded) throw new IdInputError(nodeType, 'MALFORMED_ID', path);
  if (decoded.type !== nodeType) throw new IdInputError(nodeType, 'ID_OF_ANOTHER_TYPE', path);
  return decoded.id;
}

/**
 * An ID argument of a node type, handed to the resolver as the row's UUID (or null) — the kept
 * record's for a merged one.
 */
export function IdArg(name: string, nodeType: string, options: ArgOptions = {}) {
  return createParameterDecorator<GraphQLContext>(
    ({ args, context }) => {
      const value = (args as Record<string, unknown>)[name];
      if (value === null || value === undefined) return value;
      const id = decodeId(String(value), nodeType, [name]);
      const kept = nodeType_(nodeType)?.keptIds;
      return kept ? kept(context, [id]).then((found) => found.get(id) ?? id) : id;
    },
    { arg: { name, typeFunc: () => ID, options } },
  );
}

/**
 * The IDs an operation's field names may be of merged records. The decoding pass records the
 * UUIDs of types that can be merged (`found`); when any is, they are looked up once, and the
 * pass runs again with the answer (`kept`), which replaces each merged record by the kept one.
 */
interface DecodeState {
  found: Map<string, Set<string>>;
  kept?: Map<string, string>;
  /** Set for a mutation answering a payload: refused IDs are collected here instead of thrown. */
  refused?: IdInputError[];
}

type Decoder = (value: unknown, path: string[], state: DecodeState) => unknown;

/** How to decode the IDs inside values of an input type; null when it holds none. */
function decoderFor(type: GraphQLInputType, seen = new Map<string, Decoder | null>()): Decoder | null {
  if (type instanceof GraphQLNonNull) return decoderFor(type.ofType, seen);
  if (type instanceof GraphQLList) {
    const item = decoderFor(type.ofType, seen);
    return item
      ? (value, path, state) =>
          Array.isArray(value) ? value.map((v, i) => item(v, [...path, String(i)], state)) : value
      : null;
  }
  if (!isInputObjectType(type)) return null;
  if (seen.has(type.name)) return seen.get(type.name)!;
  seen.set(type.name, null);
  const fields = inputFieldDecoders(type, seen);
  const decoder: Decoder | null = fields.length
    ? (value, path, state) => {
        if (value === null || value === undefined || typeof value !== 'object') return value;
        const copy = { ...(value as Record<string, unknown>) };
        for (const [name, decode] of fields) {
          if (copy[name] !== undefined && copy[name] !== null)
            copy[name] = decode(copy[name], [...path, name], state);
        }
        return copy;
      }
    : null;
  seen.set(type.name, decoder);
  return decoder;
}

/** The decoder of one input field or argument: its own `idOf`, or what its type holds. */
function valueDecoder(
  input: { type: GraphQLInputType; extensions?: Readonly<Record<string, unknown>> | null },
  seen: Map<string, Decoder | null>,
): Decoder | null {
  const nodeType = input.extensions?.idOf as string | undefined;
  if (!nodeType) return decoderFor(input.type, seen);
  const exact = input.extensions?.exactId === true;
  const one: Decoder = (value, path, state) => {
    let id: string;
    try {
      id = decodeId(String(value), nodeType, path);
    } catch (error) {
      if (!state.refused || !(error instanceof IdInputError)) throw error;
      state.refused.push(error);
      return value;
    }
    if (exact || !nodeType_(nodeType)?.keptIds) return id;
    if (state.kept) return state.kept.get(`${nodeType}:${id}`) ?? id;
    const ids = state.found.get(nodeType) ?? new Set<string>();
    state.found.set(nodeType, ids.add(id));
    return id;
  };
  const isList =
    (input.type instanceof GraphQLNonNull ? input.type.ofType : input.type) instanceof GraphQLList;
  return isList
    ? (value, path, state) =>
        Array.isArray(value) ? value.map((v, i) => one(v, [...path, String(i)], state)) : value
    : one;
}

function inputFieldDecoders(
  type: GraphQLInputObjectType,
  seen: Map<string, Decoder | null>,
): [string, Decoder][] {
  const decoders: [string, Decoder][] = [];
  for (const field of Object.values(type.getFields())) {
    const decoder = valueDecoder(field, seen);
    if (decoder) decoders.push([field.name, decoder]);
  }
  return decoders;
}

/**
 * Wraps every resolver whose arguments hold input objects with ID fields, so that they receive
 * UUIDs: done once when the schema is built, free for every other field. A mutation whose payload
 * has `userErrors` answers refused IDs there (every one of them, nothing run); any other field
 * throws BAD_USER_INPUT for the first.
 */
export function installIdDecoding(schema: GraphQLSchema): void {
  const seen = new Map<string, Decoder | null>();
  const mutationType = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const args = field.args
        .map((arg) => [arg.name, valueDecoder(arg, seen)] as const)
        .filter((entry): entry is readonly [string, Decoder] => entry[1] !== null);
      const refusal = type === mutationType ? idRefusalPayload(field) : null;
      const limitRefusal = type === mutationType ? inputRefusalPayload(field) : null;
      if ((!args.length && !limitRefusal) || !field.resolve) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve;
      const decodeAll = (rawArgs: Record<string, unknown>, state: DecodeState) => {
        const decoded: Record<string, unknown> = { ...rawArgs };
        for (const [name, decode] of args) {
          if (decoded[name] !== undefined && decoded[name] !== null)
            decoded[name] = decode(decoded[name], [name], state);
        }
        return decoded;
      };
      field.resolve = (source, rawArgs, context, info) => {
        // Input values over their limits, found by the operation guard: answered, nothing run.
        const flaws = (context as GraphQLContext).mutation?.inputRefusals;
        if (limitRefusal && flaws?.length) return limitRefusal(flaws);
        const state: DecodeState = { found: new Map(), ...(refusal ? { refused: [] } : {}) };
        const decoded = decodeAll(rawArgs, state);
        if (refusal && state.refused!.length) return refusal(state.refused!);
        if (!state.found.size) return resolve(source, decoded, context, info);
        // IDs of records that may have been merged: one look-up, then the kept records' IDs.
        return keptIds(context as GraphQLContext, state.found).then((kept) =>
          kept.size
            ? resolve(source, decodeAll(rawArgs, { found: state.found, kept }), context, info)
            : resolve(source, decoded, context, info),
        );
      };
    }
  }
}

/** The kept record of every merged one among `found`, keyed `<type>:<uuid>`. */
async function keptIds(ctx: GraphQLContext, found: Map<string, Set<string>>): Promise<Map<string, string>> {
  const kept = new Map<string, string>();
  for (const [typeName, ids] of found) {
    const answer = await nodeType_(typeName)!.keptIds!(ctx, [...ids]);
    for (const [id, keptId] of answer) kept.set(`${typeName}:${id}`, keptId);
  }
  return kept;
}

/** The idempotency key every retryable write takes (Stripe's rules; kept at least 48 hours). */
export const idempotencyKeyField = () =>
  TextField({
    maxLength: 255,
    description:
      'Unique per attempt (1 to 255 characters); retry with the same key to replay the first result. Keys are scoped to the caller and kept at least 48 hours.',
  });
