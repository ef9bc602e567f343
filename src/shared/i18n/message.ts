/**
 * Messages for people, as services produce them: a key of the catalogue and its parameters, plain
 * JSON (user errors are stored with idempotent replays and rendered again when replayed). Only the
 * API's edge renders them, in the tenant's language and time zone (./render.ts).
 */

/** The language and time zone a message is rendered in: the tenant's, or the caller's. */
export interface Language {
  /** BCP 47, e.g. fr-FR, fr-CA, en-GB. */
  locale: string;
  /** IANA, e.g. Europe/Paris. */
  timeZone: string;
}

/** When nothing is known of the reader: English, instants in UTC. */
export const ENGLISH: Language = { locale: 'en', timeZone: 'UTC' };

/** An instant, written in the reader's time zone ("vendredi 4 juin 2027 à 12 h 30"). */
export interface Instant {
  instant: string;
}
/** A tenant-local calendar date, YYYY-MM-DD, with its weekday ("vendredi 4 juin 2027"). */
export interface Day {
  day: string;
}
/** A tenant-local calendar date, YYYY-MM-DD, without its weekday (documents: "1er juillet 2026"). */
export interface CalendarDate {
  date: string;
}
/** An amount in minor units ("3,45 €"). */
export interface Amount {
  minorUnits: number;
  currency: string;
}
/** Names offered as alternatives ("nimes ou beziers"). */
export interface OneOf {
  oneOf: string[];
}
/** Names listed together ("AGENT et TENANT_ADMIN"). */
export interface AllOf {
  allOf: string[];
}

/** A parameter: text and numbers as they are (ICU `plural`, `select`, `number`), the rest formatted by kind. */
export type Param = string | number | Instant | Day | CalendarDate | Amount | OneOf | AllOf;
export type Params = { [name: string]: Param };

export const instant = (value: Date | string): Instant => ({
  instant: typeof value === 'string' ? value : value.toISOString(),
});
export const day = (value: string): Day => ({ day: value });
export const date = (value: string): CalendarDate => ({ date: value });
export const amount = (minorUnits: number, currency: string): Amount => ({ minorUnits, currency });
export const oneOf = (names: readonly string[]): OneOf => ({ oneOf: [...names] });
export const allOf = (names: readonly string[]): AllOf => ({ allOf: [...names] });

/**
 * One message of the catalogue in ICU MessageFormat: English and French, and Québec's French where
 * it differs from France's (fr-CA falls back to fr). `P` declares its parameters: call sites and
 * the catalogue's test are typed by it.
 */
export interface Texts {
  en: string;
  fr: string;
  'fr-CA'?: string;
}
export interface Entry<P extends Params = Record<never, never>> {
  texts: Texts;
  /** Never set: carries the parameters' type. */
  params?: P;
}

export const m = <P extends Params = Record<never, never>>(texts: Texts): Entry<P> => ({ texts });
