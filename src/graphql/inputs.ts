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

/**
 * Input edges of the schema, declared once where the input is defined:
 * - ID fields and arguments name the node type they take; the ID is decoded to the row's UUID
 *   before any resolver runs (an ID of another type, or a forged one, is BAD_USER_INPUT naming
 *   the field), so resolvers and services only ever see UUIDs;
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

/** An ID input field (or `@ArgsType` field) of a node type (`list: true` for a list of IDs). */
export function IdField(
  nodeType: string,
  options: FieldOptions & { list?: boolean; maxItems?: number },
): PropertyDecorator {
  const { list, maxItems, ...fieldOptions } = options;
  return combine(
    Field(() => (list ? [ID] : ID), fieldOptions) as PropertyDecorator,
    Extensions({ idOf: nodeType, ...(maxItems ? { maxItems } : {}) }) as PropertyDecorator,
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

/** Decodes a global ID of `nodeType` to its UUID, or throws BAD_USER_INPUT naming `path`. */
export function decodeId(value: string, nodeType: string, path: readonly string[]): string {
  const decoded = fromGlobalId(value);
  if (!decoded || decoded.type !== nodeType) {
    throw new BadInputError(msg('input.notAnId', { field: path.join('.'), type: nodeType }), [...path]);
  }
  return decoded.id;
}

/** An ID argument of a node type, handed to the resolver as the row's UUID (or null). */
export function IdArg(name: string, nodeType: string, options: ArgOptions = {}) {
  return createParameterDecorator(
    ({ args }) => {
      const value = (args as Record<string, unknown>)[name];
      return value === null || value === undefined ? value : decodeId(String(value), nodeType, [name]);
    },
    { arg: { name, typeFunc: () => ID, options } },
  );
}

type Decoder = (value: unknown, path: string[]) => unknown;

/** How to decode the IDs inside values of an input type; null when it holds none. */
function decoderFor(type: GraphQLInputType, seen = new Map<string, Decoder | null>()): Decoder | null {
  if (type instanceof GraphQLNonNull) return decoderFor(type.ofType, seen);
  if (type instanceof GraphQLList) {
    const item = decoderFor(type.ofType, seen);
    return item
      ? (value, path) => (Array.isArray(value) ? value.map((v, i) => item(v, [...path, String(i)])) : value)
      : null;
  }
  if (!isInputObjectType(type)) return null;
  if (seen.has(type.name)) return seen.get(type.name)!;
  seen.set(type.name, null);
  const fields = inputFieldDecoders(type, seen);
  const decoder: Decoder | null = fields.length
    ? (value, path) => {
        if (value === null || value === undefined || typeof value !== 'object') return value;
        const copy = { ...(value as Record<string, unknown>) };
        for (const [name, decode] of fields) {
          if (copy[name] !== undefined && copy[name] !== null)
            copy[name] = decode(copy[name], [...path, name]);
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
  const one: Decoder = (value, path) => decodeId(String(value), nodeType, path);
  const isList =
    (input.type instanceof GraphQLNonNull ? input.type.ofType : input.type) instanceof GraphQLList;
  return isList
    ? (value, path) => (Array.isArray(value) ? value.map((v, i) => one(v, [...path, String(i)])) : value)
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
 * UUIDs: done once when the schema is built, free for every other field.
 */
export function installIdDecoding(schema: GraphQLSchema): void {
  const seen = new Map<string, Decoder | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const args = field.args
        .map((arg) => [arg.name, valueDecoder(arg, seen)] as const)
        .filter((entry): entry is readonly [string, Decoder] => entry[1] !== null);
      if (!args.length || !field.resolve) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve;
      field.resolve = (source, rawArgs, context, info) => {
        const decoded: Record<string, unknown> = { ...rawArgs };
        for (const [name, decode] of args) {
          if (decoded[name] !== undefined && decoded[name] !== null)
            decoded[name] = decode(decoded[name], [name]);
        }
        return resolve(source, decoded, context, info);
      };
    }
  }
}

/** The idempotency key every retryable write takes (Stripe's rules; kept at least 48 hours). */
export const idempotencyKeyField = () =>
  TextField({
    maxLength: 255,
    description:
      'Unique per attempt (1 to 255 characters); retry with the same key to replay the first result. Keys are scoped to the caller and kept at least 48 hours.',
  });
