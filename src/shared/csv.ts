import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';

/**
 * The one CSV writer of the product (treasury exports, rolls, import reports). Two flavours:
 * - `spreadsheet` (default), for people: UTF-8 with a byte-order mark, `;` between cells, decimal
 *   comma and dates as the tenant's locale writes them, so that French-locale office software
 *   opens names with accents and amounts as numbers;
 * - `rfc4180`, for scripts: `,` between cells, `.` decimals, ISO dates, no byte-order mark.
 * Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
 * return) are neutralised with a leading apostrophe (OWASP's CSV-injection advice).
 */
export type CsvFlavour = 'spreadsheet' | 'rfc4180';

export type CsvCell =
  | { text: string | null | undefined }
  | { integer: number }
  /** An amount in minor units, written as a decimal with `digits` decimals. */
  | { money: number; digits: number }
  /** A calendar date YYYY-MM-DD. */
  | { date: string | null | undefined };

export interface CsvColumn<R> {
  /** The header, in the tenant's language. */
  header: string;
  cell(row: R): CsvCell;
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function render(cell: CsvCell, flavour: CsvFlavour, locale: string): string {
  if ('text' in cell) return cell.text == null ? '' : neutralise(cell.text);
  if ('integer' in cell) return String(cell.integer);
  if ('money' in cell) {
    const value = (cell.money / 10 ** cell.digits).toFixed(cell.digits);
    return flavour === 'spreadsheet' ? value.replace('.', ',') : value;
  }
  if (!cell.date) return '';
  if (flavour === 'rfc4180') return cell.date;
  return DateTime.fromISO(cell.date, { zone: 'UTC' }).setLocale(locale).toLocaleString(DateTime.DATE_SHORT);
}

/** Writes rows as CSV in the given flavour; the result is the file's bytes. */
export function writeCsv<R>(
  rows: readonly R[],
  columns: readonly CsvColumn<R>[],
  options: { flavour: CsvFlavour; locale: string },
): Buffer {
  const text = stringify(
    rows.map((row) => columns.map((column) => render(column.cell(row), options.flavour, options.locale))),
    {
      header: true,
      columns: columns.map((c) => c.header),
      delimiter: options.flavour === 'spreadsheet' ? ';' : ',',
      record_delimiter: 'windows',
    },
  );
  const bytes = Buffer.from(text, 'utf8');
  return options.flavour === 'spreadsheet' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
}

/** The flavour a request asks for: `?format=rfc4180` for scripts, the spreadsheet one otherwise. */
export function csvFlavourOf(format: unknown): CsvFlavour {
  return format === 'rfc4180' ? 'rfc4180' : 'spreadsheet';
}
