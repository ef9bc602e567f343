import { DateTime } from 'luxon';
import { formatMoney } from '../money';
import type { Language, Param } from './message';

/** The catalogue's languages: Québec's French, French, and English for every other locale. */
export type CatalogueLanguage = 'fr-CA' | 'fr' | 'en';

export function catalogueLanguage(locale: string): CatalogueLanguage {
  const tag = locale.toLowerCase();
  if (tag === 'fr-ca' || tag.startsWith('fr-ca-')) return 'fr-CA';
  if (tag === 'fr' || tag.startsWith('fr-')) return 'fr';
  return 'en';
}

/** Month-first dates and a 12-hour clock: the United States' English. */
const isAmerican = (locale: string) => /^en-us\b/i.test(locale);

function inZone(value: DateTime, language: Language): DateTime {
  const local = value.setZone(language.timeZone);
  return (local.isValid ? local : value.setZone('UTC')).setLocale(language.locale);
}

/** "vendredi 4 juin 2027", "1er juin"; "Friday 4 June 2027"; en-US "Friday, June 4, 2027". */
function writeDate(value: DateTime, locale: string, weekday = true): string {
  if (isAmerican(locale)) {
    return value.toLocaleString({
      ...(weekday ? { weekday: 'long' } : {}),
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
  }
  const dayOfMonth = catalogueLanguage(locale) !== 'en' && value.day === 1 ? '1er' : String(value.day);
  return `${weekday ? `${value.toFormat('cccc')} ` : ''}${dayOfMonth} ${value.toFormat('MMMM yyyy')}`;
}

/** French writes "12 h 30" and "9 h" (France and Québec alike); English "12:30", en-US "6:30 AM". */
function writeTime(value: DateTime, locale: string): string {
  if (catalogueLanguage(locale) !== 'en') {
    return value.minute === 0 ? `${value.hour} h` : `${value.hour} h ${value.toFormat('mm')}`;
  }
  return isAmerican(locale)
    ? value.toLocaleString({ hour: 'numeric', minute: '2-digit' })
    : value.toFormat('HH:mm');
}

/** An instant in the reader's time zone: "vendredi 4 juin 2027 à 12 h 30", "Friday 4 June 2027 at 12:30". */
export function writeInstant(iso: string, language: Language): string {
  const value = DateTime.fromISO(iso, { setZone: true });
  if (!value.isValid) return iso;
  const local = inZone(value, language);
  const at = catalogueLanguage(language.locale) === 'en' ? 'at' : 'à';
  return `${writeDate(local, language.locale)} ${at} ${writeTime(local, language.locale)}`;
}

/** A tenant-local calendar date: "vendredi 4 juin 2027", "Friday 4 June 2027" (without weekday: "4 juin 2027"). */
export function writeDay(date: string, language: Language, weekday = true): string {
  const value = DateTime.fromISO(date, { zone: 'UTC' });
  return value.isValid ? writeDate(value.setLocale(language.locale), language.locale, weekday) : date;
}

/** A parameter as the message shows it; text and numbers are left to ICU (plural, select, number). */
export function writeParam(value: Param, language: Language): string | number {
  if (typeof value !== 'object' || value === null) return value;
  if ('instant' in value) return writeInstant(value.instant, language);
  if ('day' in value) return writeDay(value.day, language);
  if ('date' in value) return writeDay(value.date, language, false);
  if ('minorUnits' in value)
    return formatMoney({ amount: value.minorUnits, currency: value.currency }, language.locale);
  const names = 'oneOf' in value ? value.oneOf : value.allOf;
  return new Intl.ListFormat(language.locale, {
    type: 'oneOf' in value ? 'disjunction' : 'conjunction',
  }).format(names);
}
