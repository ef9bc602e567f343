import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/** A tenant-local calendar date, `YYYY-MM-DD`. */
export const LocalDate = LocalDateResolver;
/** An instant, ISO-8601 with offset. */
export const DateTime = DateTimeResolver;
