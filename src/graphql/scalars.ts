import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, SafeIntResolver } from 'graphql-scalars';
import { isCalendarDate, isYearMonth, MAX_YEAR, MIN_YEAR } from '../shared/dates';

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function stringScalar(options: {
  name: string;
  description: string;
  check: (value: string) => boolean;
  expected: string;
}): GraphQLScalarType<string, string> {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string' || !options.check(value)) {
      throw badInput(
        `${options.name} must be ${options.expected}, got ${JSON.stringify(value)?.slice(0, 40)}.`,
      );
    }
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name: options.name,
    description: options.description,
    serialize: (value) => {
      if (typeof value !== 'string') throw new Error(`${options.name} cannot represent ${String(value)}`);
      return value;
    },
    parseValue: parse,
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING) throw badInput(`${options.name} must be a string (${options.expected}).`);
      return parse(ast.value);
    },
  });
}

/** A tenant-local calendar date, `YYYY-MM-DD`, a real date of the years 1900 to 2199. */
export const LocalDate = stringScalar({
  name: 'LocalDate',
  description: `A calendar date in the tenant's calendar, YYYY-MM-DD (RFC 3339 full-date), years ${MIN_YEAR} to ${MAX_YEAR}.`,
  check: isCalendarDate,
  expected: `a calendar date YYYY-MM-DD between ${MIN_YEAR} and ${MAX_YEAR}`,
});

/** A month of the tenant's calendar, `YYYY-MM` (a billing period). */
export const YearMonth = stringScalar({
  name: 'YearMonth',
  description: `A month of the tenant's calendar, YYYY-MM (e.g. a billing period), years ${MIN_YEAR} to ${MAX_YEAR}.`,
  check: isYearMonth,
  expected: `a month YYYY-MM between ${MIN_YEAR} and ${MAX_YEAR}`,
});

/** An instant, ISO-8601 with offset. */
export const DateTime = DateTimeResolver;

/** An integer that JavaScript represents exactly (|n| ≤ 2^53 − 1): money totals never overflow it. */
export const SafeInt = SafeIntResolver;
