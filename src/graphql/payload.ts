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

/** The shape every mutation payload has: what was written, and the refusals. */
export type Payload<T> = T & { userErrors: UserErrorData[] };

/**
 * Builds a mutation's payload type: its fields and `userErrors`, described once. Every mutation
 * answers this shape (Relay's and Shopify's convention).
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
  ObjectType(name, { description })(MutationPayload);
  return MutationPayload;
}

/**
 * After a mutation's service wrote: forget the entities the unit of work loaded, so the payload
 * reads what PostgreSQL now holds (places taken by a conditional UPDATE, statuses set in SQL).
 */
export function freshReads(ctx: GraphQLContext): void {
  ctx.em.clear();
}
