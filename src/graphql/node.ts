import { Field, ID, InterfaceType } from 'type-graphql';
import type { GraphQLContext } from './context';

/** A type reachable by `node(id:)`: how to recognise its values and how to load one for a viewer. */
export interface NodeType {
  typeName: string;
  entity: abstract new (...args: never[]) => object;
  /** Loads the row if the viewer may see it; null otherwise (never revealing that it exists). */
  load(ctx: GraphQLContext, id: string): Promise<object | null>;
  /**
   * For types whose records can be merged into another (families, children): the record each of
   * these UUIDs was merged into, for those merged. Input IDs of the type are replaced by it before
   * any resolver runs (src/graphql/inputs.ts), so an ID handed out before a merge still works.
   */
  keptIds?(ctx: GraphQLContext, ids: string[]): Promise<Map<string, string>>;
}

const NODE_TYPES = new Map<string, NodeType>();

export function registerNode(type: NodeType): void {
  NODE_TYPES.set(type.typeName, type);
}

export function nodeType(typeName: string): NodeType | undefined {
  return NODE_TYPES.get(typeName);
}

export function nodeTypeNameOf(value: object): string | undefined {
  for (const type of NODE_TYPES.values()) if (value instanceof type.entity) return type.typeName;
  return undefined;
}

@InterfaceType('Node', {
  description: 'An object with a global ID. IDs are opaque: pass them back exactly as the API returned them.',
  resolveType: (value: object) => nodeTypeNameOf(value),
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global ID, valid with `node(id:)`.' })
  id!: string;
}
