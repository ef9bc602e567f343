import { textFlaw } from '../shared/text';
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLSchema,
} from 'graphql';
import type { Viewer } from '../auth/viewer';
import { requirementDetails, requirementParams } from '../auth/requirement';
import { DomainError, type ErrorCode } from '../shared/errors';
import { inEnglish, msg, type Message } from '../shared/i18n';
import { checkAccess, type AccessRule } from './access';
import { DEFAULT_MAX_ID_LENGTH, DEFAULT_MAX_ITEMS, DEFAULT_MAX_LENGTH, type InputLimits } from './inputs';

/** At most this many refusals are reported for one operation. */
const MAX_REPORTED = 50;

export interface GuardOutcome {
  /** The variables as execution will see them (coerced, defaults applied). */
  variables: Record<string, unknown>;
  errors: GraphQLError[];
}

/**
 * A refusal of the operation: its English text for logs, and the domain error the response
 * renders in the reader's language (src/graphql/errors.ts).
 */
export const operationError = (
  text: Message,
  code: ErrorCode,
  extra: Record<string, unknown> = {},
  at: { nodes?: FieldNode[]; path?: string[] } = {},
) =>
  new GraphQLError(inEnglish(text), {
    ...at,
    extensions: { code, ...extra },
    originalError: new DomainError(code, text, undefined, extra),
  });
const error = (text: Message, code: ErrorCode, extra: Record<string, unknown> = {}) =>
  operationError(text, code, extra);

/**
 * Checks a whole operation before anything runs: every selected field against its access rule
 * (declared once with `@Access` on the type or the field), and every input value against its
 * limits — no NUL character in any text, each text within its `maxLength` (default 255; IDs 100),
 * each list within its `maxItems` (default 100). A refused operation writes and reads nothing.
 */
export function guardOperation(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  rawVariables: Record<string, unknown> | undefined;
  viewer: Viewer;
  actsInTenant: boolean;
}): GuardOutcome {
  const { schema, document, operation, viewer, actsInTenant } = options;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], options.rawVariables ?? {}, {
    maxErrors: MAX_REPORTED,
  });
  if (coerced.errors) {
    return {
      variables: {},
      errors: coerced.errors.map(
        (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }),
      ),
    };
  }
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const denied = new Map<string, GraphQLError>();
  const badInput: GraphQLError[] = [];
  let unauthenticated = false;

  const included = (node: FieldNode | InlineFragmentNode | FragmentSpreadNode) =>
    !getDirectiveValues(GraphQLSkipDirective, node, variables)?.if &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const visitField = (parent: GraphQLCompositeType, node: FieldNode, path: string[]) => {
    const name = node.name.value;
    if (name.startsWith('__') || (isAbstractType(parent) && !('getFields' in parent))) return;
    const field = (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[
      name
    ];
    if (!field) return;
    const responsePath = [...path, node.alias?.value ?? name];
    const rule = (field.extensions?.access ?? parent.extensions?.access ?? {}) as AccessRule;
    const failure = checkAccess(rule, viewer, actsInTenant);
    if (failure === 'UNAUTHENTICATED') unauthenticated = true;
    else if (failure) {
      const coordinate = `${parent.name}.${name}`;
      if (!denied.has(coordinate)) {
        denied.set(
          coordinate,
          operationError(
            msg('access.field', { field: coordinate, ...requirementParams(rule) }),
            'FORBIDDEN',
            { field: coordinate, ...requirementDetails(rule) },
            { nodes: [node], path: responsePath },
          ),
        );
      }
    }
    if (field.args.length) {
      let args: Record<string, unknown> = {};
      try {
        args = getArgumentValues(field, node, variables);
      } catch (e) {
        // graphql-js's own words about an argument's value (English).
        badInput.push(new GraphQLError((e as Error).message, { extensions: { code: 'BAD_USER_INPUT' } }));
      }
      for (const arg of field.args) {
        checkInput(arg.type, args[arg.name], (arg.extensions ?? {}) as InputLimits, [arg.name], badInput);
      }
    }
    if (node.selectionSet) {
      const type = getNamedType(field.type);
      if (isCompositeType(type)) visitSelections(type, node.selectionSet, responsePath);
    }
  };

  const visitSelections = (parent: GraphQLCompositeType, set: SelectionSetNode, path: string[]) => {
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) visitField(parent, selection, path);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) visitSelections(type, selection.selectionSet, path);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type)) visitSelections(type, fragment.selectionSet, path);
      }
    }
  };

  const root = schema.getRootType(operation.operation);
  if (!root) {
    return {
      variables,
      errors: [
        error(msg('operation.notSupported', { operation: operation.operation }), 'OPERATION_NOT_SUPPORTED'),
      ],
    };
  }
  visitSelections(root, operation.selectionSet, []);

  if (badInput.length) return { variables, errors: badInput.slice(0, MAX_REPORTED) };
  if (unauthenticated) {
    return {
      variables,
      errors: [error(msg('auth.required'), 'UNAUTHENTICATED')],
    };
  }
  return { variables, errors: [...denied.values()].slice(0, MAX_REPORTED) };
}

/** Checks one input value against its type's limits; refusals are pushed to `errors`. */
function checkInput(
  type: GraphQLInputType,
  value: unknown,
  limits: InputLimits,
  path: string[],
  errors: GraphQLError[],
): void {
  if (value === null || value === undefined || errors.length >= MAX_REPORTED) return;
  if (isNonNullType(type)) return checkInput(type.ofType, value, limits, path, errors);
  const field = path.join('.');
  if (isListType(type)) {
    if (!Array.isArray(value)) return;
    const max = limits.maxItems ?? DEFAULT_MAX_ITEMS;
    if (value.length > max) {
      errors.push(
        error(msg('input.tooManyItems', { field, max, count: value.length }), 'BAD_USER_INPUT', {
          field: path,
        }),
      );
      return;
    }
    value.forEach((item, index) =>
      checkInput(type.ofType, item, { maxLength: limits.maxLength }, [...path, String(index)], errors),
    );
    return;
  }
  if (isInputObjectType(type)) {
    for (const inner of Object.values(type.getFields())) {
      const own = inner.extensions as InputLimits | undefined;
      checkInput(
        inner.type,
        (value as Record<string, unknown>)[inner.name],
        own ?? {},
        [...path, inner.name],
        errors,
      );
    }
    return;
  }
  if (isScalarType(type) && typeof value === 'number' && limits.range) {
    const [min, max] = limits.range;
    if (value < min || value > max) {
      errors.push(
        error(msg('input.outOfRange', { field, min, max, value }), 'BAD_USER_INPUT', {
          field: path,
        }),
      );
    }
    return;
  }
  if (isScalarType(type) && typeof value === 'string') {
    const flaw = textFlaw(value);
    if (flaw) {
      errors.push(
        error(msg(flaw === 'NUL' ? 'input.nul' : 'input.surrogate', { field }), 'BAD_USER_INPUT', {
          field: path,
        }),
      );
      return;
    }
    const max = limits.maxLength ?? (type.name === 'ID' ? DEFAULT_MAX_ID_LENGTH : DEFAULT_MAX_LENGTH);
    if (value.length > max) {
      errors.push(
        error(msg('input.tooLong', { field, max, length: value.length }), 'BAD_USER_INPUT', {
          field: path,
        }),
      );
    }
  }
}
