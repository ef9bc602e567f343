import { Field, ObjectType, type ClassType } from 'type-graphql';
import type { UserErrorData } from '../shared/user-errors';
import type { GraphQLContext } from './context';
import { ListLength } from './cost';
import { UserErrorType } from './user-error';

export interface PayloadField {
  /** The GraphQL type, as type-graphql's `@Field` takes it (e.g. `() => [ReservationType]`). */
  type: () => unknown;
  description: string;
  nullable?: boolean;
  /** For a list: its expected length, for the query cost (see ListLength). */
  listLength?: number;
}

/**
 * Builds a mutation's payload type: its fields and `userErrors`, described once. Every mutation
 * answers this shape (Relay's and Shopify's convention). A payload field's value may be given as
 * `afterCommit(read)`: it is read once the write has committed, in the payload's own read-only
 * transaction (src/http/executor.ts).
 */
export function payloadType(
  name: string,
  description: string,
  fields: Record<string, PayloadField>,
): ClassType<object> {
  class MutationPayload {
    userErrors!: UserErrorData[];
  }
  for (const [key, spec] of Object.entries(fields)) {
    Field(spec.type as () => ClassType, {
      nullable: spec.nullable ?? false,
      description: spec.description,
    })(MutationPayload.prototype, key);
    if (spec.listLength) ListLength(spec.listLength)(MutationPayload.prototype, key);
  }
  Field(() => [UserErrorType], {
    description:
      'Expected refusals (full, closed, not allowed…), each naming its input field; empty when everything was done.',
  })(MutationPayload.prototype, 'userErrors');
  ListLength(2)(MutationPayload.prototype, 'userErrors');
  // GraphQL's default resolver: a field given as a function is called, with the payload phase's context.
  ObjectType(name, { description, simpleResolvers: true })(MutationPayload);
  return MutationPayload;
}

/**
 * A payload field read after the mutation's write committed, with the context of the payload's
 * read-only transaction: the hot rows the write locked are released before the payload is read.
 */
export function afterCommit<T>(read: (ctx: GraphQLContext) => Promise<T> | T) {
  return (_args: unknown, ctx: GraphQLContext): Promise<T> | T => read(ctx);
}
