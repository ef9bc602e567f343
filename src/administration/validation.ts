import { msg, day, type Message } from '../shared/i18n';
import { DateTime } from 'luxon';
import { userError, UserErrorCode, type UserErrorData } from '../shared/user-errors';

/**
 * Checks of administrative input that GraphQL's types cannot express, each answering a user
 * error with its code and the input field's path (never a top-level error): empty or too long
 * text, malformed email or phone, dates in the wrong order, numbers out of range. A service
 * collects them and refuses the whole input when any is found, before writing anything.
 */
export class Checks {
  readonly errors: UserErrorData[] = [];

  private fail(field: string[], message: Message, code = UserErrorCode.INVALID): void {
    this.errors.push(userError(code, message, field));
  }

  /** A required text: trimmed, 1 to `max` characters. Returns the trimmed text. */
  text(value: string, field: string[], max = 255): string {
    const text = (value ?? '').trim();
    if (!text) this.fail(field, msg('admin.empty', { field: field.join('.') }));
    else if (text.length > max) this.fail(field, msg('admin.tooLong', { field: field.join('.'), max }));
    return text;
  }

  /** An optional text: null when blank. */
  optionalText(value: string | null | undefined, field: string[], max = 255): string | null {
    if (value === null || value === undefined || !value.trim()) return null;
    return this.text(value, field, max);
  }

  /** An email address (lower-cased), or null when blank. */
  email(value: string | null | undefined, field: string[]): string | null {
    const text = this.optionalText(value, field, 254);
    if (text && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) {
      this.fail(field, msg('admin.notEmail', { field: field.join('.') }));
    }
    return text?.toLowerCase() ?? null;
  }

  /** A phone number: digits with an optional leading +, spaces, dots or hyphens; 6 to 15 digits. */
  phone(value: string | null | undefined, field: string[]): string | null {
    const text = this.optionalText(value, field, 32);
    if (text) {
      const digits = text.replace(/\D/g, '');
      if (!/^\+?[\d\s.\-()]+$/.test(text) || digits.length < 6 || digits.length > 15) {
        this.fail(field, msg('admin.notPhone', { field: field.join('.') }));
      }
    }
    return text;
  }

  /** An integer within [min, max]. */
  range(value: number | null | undefined, field: string[], min: number, max: number): void {
    if (value === null || value === undefined) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(field, msg('admin.between', { field: field.join('.'), min, max }));
    }
  }

  /** `to` on or after `from`, at most `maxDays` days apart (inclusive). */
  dateRange(from: string, to: string, field: string[], maxDays?: number): void {
    if (to < from) {
      this.fail(field, msg('admin.endBeforeStart', { field: field.join('.'), from: day(from), to: day(to) }));
      return;
    }
    const days = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days + 1;
    if (maxDays && days > maxDays) {
      this.fail(field, msg('admin.periodTooLong', { days, max: maxDays }));
    }
  }

  /** A birth date: not in the future, not more than 25 years before `today`. */
  birthDate(value: string, field: string[], today: string): void {
    if (value > today)
      this.fail(field, msg('admin.dateInFuture', { field: field.join('.'), value: day(value) }));
    const oldest = DateTime.fromISO(today).minus({ years: 25 }).toISODate()!;
    if (value < oldest)
      this.fail(field, msg('admin.dateTooOld', { field: field.join('.'), value: day(value) }));
  }

  add(error: UserErrorData): void {
    this.errors.push(error);
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }
}
