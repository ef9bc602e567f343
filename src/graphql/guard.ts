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
  isObjectType,
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
  /**
   * Input values over their limits in a mutation field whose payload has `userErrors`, by the
   * field's response key: that field answers them there (nothing runs), not the operation.
   */
  inputRefusals: Map<string, InputFlaw[]>;
}

/** An input value over its limits: what people read, the input path, and why. */
export interface InputFlaw {
  text: Message;
  field: string[];
  reason: 'TOO_LONG' | 'TOO_MANY_ITEMS' | 'OUT_OF_RANGE' | 'NUL' | 'SURROGATE';
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
  const inputRefusals = new Map<string, InputFlaw[]>();
  if (coerced.errors) {
    return {
      variables: {},
      inputRefusals,
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
      const flaws: InputFlaw[] = [];
      for (const arg of field.args) {
        checkInput(arg.type, args[arg.name], (arg.extensions ?? {}) as InputLimits, [arg.name], flaws);
      }
      if (
        flaws.length &&
        path.length === 0 &&
        parent === schema.getMutationType() &&
        reportsUserErrors(field)
      ) {
        inputRefusals.set(responsePath[0], flaws.slice(0, MAX_REPORTED));
      } else {
        for (const flaw of flaws) {
          badInput.push(error(flaw.text, 'BAD_USER_INPUT', { field: flaw.field }));
        }
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
      inputRefusals,
      errors: [
        error(msg('operation.notSupported', { operation: operation.operation }), 'OPERATION_NOT_SUPPORTED'),
      ],
    };
  }
  visitSelections(root, operation.selectionSet, []);

  if (badInput.length) return { variables, inputRefusals, errors: badInput.slice(0, MAX_REPORTED) };
  if (unauthenticated) {
    return {
      variables,
      inputRefusals,
      errors: [error(msg('auth.required'), 'UNAUTHENTICATED')],
    };
  }
  return { variables, inputRefusals, errors: [...denied.values()].slice(0, MAX_REPORTED) };
}

/** Whether a mutation field's payload reports refusals in `userErrors`. */
function reportsUserErrors(field: GraphQLField<unknown, unknown>): boolean {
  const payload = getNamedType(field.type);
  return isObjectType(payload) && 'userErrors' in payload.getFields();
}

/** Checks one input value against its type's limits; flaws are pushed to `flaws`. */
function checkInput(
  type: GraphQLInputType,
  value: unknown,
  limits: InputLimits,
  path: string[],
  flaws: InputFlaw[],
): void {
  if (value === null || value === undefined || flaws.length >= MAX_REPORTED) return;
  if (isNonNullType(type)) return checkInput(type.ofType, value, limits, path, flaws);
  const field = path.join('.');
  if (isListType(type)) {
    if (!Array.isArray(value)) return;
    const max = limits.maxItems ?? DEFAULT_MAX_ITEMS;
    if (value.length > max) {
      flaws.push({
        text: msg('input.tooManyItems', { field, max, count: value.length }),
        field: path,
        reason: 'TOO_MANY_ITEMS',
      });
      return;
    }
    value.forEach((item, index) =>
      checkInput(type.ofType, item, { maxLength: limits.maxLength }, [...path, String(index)], flaws),
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
        flaws,
      );
    }
    return;
  }
  if (isScalarType(type) && typeof value === 'number' && limits.range) {
    const [min, max] = limits.range;
    if (value < min || value > max) {
      flaws.push({
        text: msg('input.outOfRange', { field, min, max, value }),
        field: path,
        reason: 'OUT_OF_RANGE',
      });
    }
    return;
  }
  if (isScalarType(type) && typeof value === 'string') {
    const flaw = textFlaw(value);
    if (flaw) {
      flaws.push({
        text: msg(flaw === 'NUL' ? 'input.nul' : 'input.surrogate', { field }),
        field: path,
        reason: flaw === 'NUL' ? 'NUL' : 'SURROGATE',
      });
      return;
    }
    const max = limits.maxLength ?? (type.name === 'ID' ? DEFAULT_MAX_ID_LENGTH : DEFAULT_MAX_LENGTH);
    if (value.length > max) {
      flaws.push({
        text: msg('input.tooLong', { field, max, length: value.length }),
        field: path,
        reason: 'TOO_LONG',
      });
    }
  }
}
