import { DateTime } from 'luxon';
import { amount as money, msg, oneOf, type Message } from '../shared/i18n';
import { ImportErrorCode, type ImportLineError } from './import.entity';

/** Lower case, accents off, anything but letters and digits as one `_`: "Date de naissance" → date_de_naissance. */
export function normalizeName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** A column a kind reads: its canonical name, the names old software gives it, whether required. */
export interface ColumnSpec {
  name: string;
  aliases: string[];
  required?: boolean;
}

/** Where each column is in the file (its index and its name as the header spells it). */
export type Layout<C extends string> = Record<C, { index: number; label: string } | undefined>;

/**
 * The layout of a header for a kind's columns, or the first required column it lacks. Columns
 * the kind does not know are ignored (old exports carry many).
 */
export function layoutOf<C extends string>(
  header: string[],
  columns: readonly ColumnSpec[],
): { layout: Layout<C> } | { missing: ColumnSpec } {
  const positions = new Map(
    header.map((label, index) => [normalizeName(label), { index, label: label.trim() }]),
  );
  const layout = {} as Record<string, { index: number; label: string } | undefined>;
  for (const column of columns) {
    const found = [column.name, ...column.aliases].map((n) => positions.get(n)).find(Boolean);
    if (!found && column.required) return { missing: column };
    layout[column.name] = found;
  }
  return { layout: layout as Layout<C> };
}

/** Cuts a raw value for the report. */
const cut = (value: string) => (value.length > 200 ? `${value.slice(0, 199)}…` : value);

/**
 * One line's values and the errors found reading them. Each reader returns the value, or null
 * when the cell is empty (and not required) or wrong (an error is then recorded).
 */
export class LineReader<C extends string> {
  readonly errors: ImportLineError[] = [];

  constructor(
    readonly line: number,
    private readonly fields: string[],
    private readonly layout: Layout<C>,
  ) {}

  fail(column: C | null, code: ImportErrorCode, message: Message, value?: string): void {
    const label = column ? (this.layout[column]?.label ?? column) : null;
    const raw = value ?? (column ? this.raw(column) : '');
    this.errors.push({ line: this.line, column: label, value: cut(raw), code, message });
  }

  /** The cell as the file gives it, trimmed ('' when the column is absent). */
  raw(column: C): string {
    const at = this.layout[column];
    return at ? (this.fields[at.index] ?? '').trim() : '';
  }

  /** A text, null when empty; MISSING_FIELD when required and empty, TOO_LONG past `max`. */
  text(column: C, options: { required?: boolean; max?: number } = {}): string | null {
    const value = this.raw(column).replace(/\s+/g, ' ');
    if (!value) {
      if (options.required) {
        this.fail(
          column,
          ImportErrorCode.MISSING_FIELD,
          msg('import.missingField', { column: this.label(column) }),
        );
      }
      return null;
    }
    const max = options.max ?? 255;
    if (value.length > max) {
      this.fail(column, ImportErrorCode.TOO_LONG, msg('import.tooLong', { max }));
      return null;
    }
    return value;
  }

  /** A date written JJ/MM/AAAA (or J/M/AAAA, with / . or -), as YYYY-MM-DD; BAD_DATE otherwise. */
  date(column: C, options: { required?: boolean } = {}): string | null {
    const value = this.text(column, options);
    if (value === null) return null;
    const parts = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
    const parsed = parts
      ? DateTime.fromObject({ day: Number(parts[1]), month: Number(parts[2]), year: Number(parts[3]) })
      : null;
    if (!parsed?.isValid) {
      this.fail(column, ImportErrorCode.BAD_DATE, msg('import.badDate', { value }));
      return null;
    }
    return parsed.toISODate();
  }

  /**
   * A decimal number as French software writes it: a decimal comma (or point), spaces or
   * non-breaking spaces between thousands ("1 200,50"); BAD_NUMBER for anything else ("1 2OO").
   */
  decimal(column: C, options: { required?: boolean } = {}): number | null {
    const value = this.text(column, options);
    if (value === null) return null;
    const compact = value.replace(/[\s\u00a0\u202f]/g, '');
    if (!/^-?\d+([.,]\d+)?$/.test(compact)) {
      this.fail(column, ImportErrorCode.BAD_NUMBER, msg('import.badNumber', { value }));
      return null;
    }
    return Number(compact.replace(',', '.'));
  }

  /**
   * An amount of money as French software writes it ("12,50", "1 234,50", "8.4", "12 €"), in minor
   * units read from the digits (never through a float: "0,29" is 29). BAD_NUMBER when it is not a
   * number ("12,5O"); BAD_AMOUNT when it is zero, negative, above `max` or finer than cents.
   */
  amount(column: C, options: { required?: boolean; max: number; currency: string }): number | null {
    const value = this.text(column, options);
    if (value === null) return null;
    const compact = value.replace(/[\s\u00a0\u202f]/g, '').replace(/(€|EUR)$/i, '');
    const parts = /^(-?)(\d+)(?:[.,](\d+))?$/.exec(compact);
    if (!parts) {
      this.fail(column, ImportErrorCode.BAD_NUMBER, msg('import.badNumber', { value }));
      return null;
    }
    const [, sign, units, decimals = ''] = parts;
    const cents = Number(units) * 100 + Number(decimals.padEnd(2, '0').slice(0, 2));
    if (sign || cents <= 0 || cents > options.max || /[1-9]/.test(decimals.slice(2))) {
      this.fail(
        column,
        ImportErrorCode.BAD_AMOUNT,
        msg('import.badAmount', { value, max: money(options.max, options.currency) }),
      );
      return null;
    }
    return cents;
  }

  /** An email address, lower-cased; BAD_EMAIL when malformed. */
  email(column: C): string | null {
    const value = this.text(column, { max: 254 });
    if (value === null) return null;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      this.fail(column, ImportErrorCode.BAD_EMAIL, msg('import.badEmail', { value }));
      return null;
    }
    return value.toLowerCase();
  }

  /** A phone number: 6 to 15 digits with spaces, dots, hyphens or a leading +; BAD_PHONE otherwise. */
  phone(column: C): string | null {
    const value = this.text(column, { max: 32 });
    if (value === null) return null;
    const digits = value.replace(/\D/g, '');
    if (!/^\+?[\d\s.\-()]+$/.test(value) || digits.length < 6 || digits.length > 15) {
      this.fail(column, ImportErrorCode.BAD_PHONE, msg('import.badPhone', { value }));
      return null;
    }
    return value;
  }

  /** One of a few labels (matched without case nor accents); BAD_VALUE otherwise. */
  choice<T>(column: C, choices: ReadonlyArray<readonly [string, T]>, fallback: T): T {
    const value = this.text(column, { max: 64 });
    if (value === null) return fallback;
    const found = choices.find(([label]) => normalizeName(label) === normalizeName(value));
    if (!found) {
      this.fail(
        column,
        ImportErrorCode.BAD_VALUE,
        msg('import.badValue', { value, allowed: oneOf(choices.map(([label]) => label)) }),
      );
      return fallback;
    }
    return found[1];
  }

  /** ENCODING on every cell holding U+FFFD: bytes the file's encoding could not decode. */
  checkEncoding(encoding: string, columns: readonly C[]): void {
    for (const column of columns) {
      if (this.raw(column).includes('\uFFFD')) {
        this.fail(column, ImportErrorCode.ENCODING, msg('import.encoding', { encoding }));
      }
    }
  }

  /** The column's name as the file's header spells it. */
  label(column: C): string {
    return this.layout[column]?.label ?? column;
  }
}
