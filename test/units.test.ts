import { PriceBracket } from '../src/facilities/price-bracket.entity';
import { unitPriceFor } from '../src/facilities/facilities.service';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addDays, addMonths, isCalendarDate, isYearMonth, localInstant, todayIn } from '../src/shared/dates';
import { decodeId } from '../src/graphql/inputs';
import { InvalidTokenError, signToken, verifyToken } from '../src/auth/jwt';
import { Role } from '../src/auth/viewer';
import { fromGlobalId, openCursor, sealCursor, toGlobalId } from '../src/shared/ids';
import { formatMoney, money } from '../src/shared/money';
import { pageSize } from '../src/shared/pagination';
import { DEV_APP_DB_PASSWORD, DEV_JWT_SECRET, DEV_OWNER_PASSWORD, loadConfig } from '../src/config';
import { neutralise, writeCsv } from '../src/shared/csv';
import { isRetryableTransactionError, isUnavailableError } from '../src/shared/db-errors';

describe('global IDs', () => {
  const uuid = '3f1c8a52-6d1e-4b7a-9c3e-2a5b7d9e0f11';

  it('round-trips and hides the row id', () => {
    const id = toGlobalId('Family', uuid);
    expect(id).toMatch(/^Family_[A-Za-z0-9_-]{22}$/);
    expect(id).not.toContain(uuid.slice(0, 8));
    expect(Buffer.from(id.split('_')[1], 'base64url').toString('hex')).not.toContain(
      uuid.replace(/-/g, '').slice(0, 8),
    );
    expect(fromGlobalId(id)).toEqual({ type: 'Family', id: uuid });
  });

  it('answers the same from memory as the first time, and each caller its own object', () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), fc.constantFrom('Family', 'Child', 'Session'), (row, type) => {
        const first = toGlobalId(type, row);
        expect(toGlobalId(type, row)).toBe(first);
        const read = fromGlobalId(first)!;
        expect(read).toEqual({ type, id: row });
        read.id = 'changed';
        expect(fromGlobalId(first)).toEqual({ type, id: row });
        expect(fromGlobalId(first.slice(0, -2) + (first.endsWith('AA') ? 'BA' : 'AA'))?.id).not.toBe(row);
      }),
    );
  });

  it('cannot be re-typed or built by hand', () => {
    const id = toGlobalId('Family', uuid);
    expect(fromGlobalId(id.replace('Family_', 'Child_'))?.id).not.toBe(uuid);
    expect(() => decodeId(toGlobalId('Child', uuid), 'Family', ['input', 'familyId'])).toThrow(
      /"input.familyId" is not a valid Family ID/,
    );
    const handMade = `Family_${Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url')}`;
    expect(fromGlobalId(handMade)?.id).not.toBe(uuid);
    // One spelling per ID: flipping base64url's spare low bit of the last character is refused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(id.at(-1)!) ^ 1];
    expect(fromGlobalId(id.slice(0, -1) + sibling)).toBeNull();
    for (const junk of [
      '',
      'Family_',
      'Family:x',
      '_abc',
      'Family_!!!!!!!!!!!!!!!!!!!!!!',
      'x'.repeat(500),
    ]) {
      expect(fromGlobalId(junk)).toBeNull();
    }
  });
});

describe('cursors', () => {
  it('are opaque and tamper-proof', () => {
    const sealed = sealCursor('families|["Famille Martin","3f1c8a52-6d1e-4b7a-9c3e-2a5b7d9e0f11"]');
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('3f1c8a52');
    expect(openCursor(sealed)).toContain('Famille Martin');
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(openCursor(bytes.toString('base64url'))).toBeNull();
    expect(openCursor('garbage')).toBeNull();
  });
});

describe('price grid', () => {
  const bracket = (
    minQuotient: number,
    maxQuotient: number | null,
    unitPrice: number,
    validFrom = '2026-09-01',
    validTo: string | null = null,
  ) => Object.assign(new PriceBracket(), { minQuotient, maxQuotient, unitPrice, validFrom, validTo });
  const grid = [
    bracket(0, 400, 100),
    bracket(400, 700, 190),
    bracket(700, null, 370),
    bracket(0, null, 999, '2025-09-01', '2026-08-31'),
  ];

  it('picks the bracket with min <= quotient < max, on the date', () => {
    expect(unitPriceFor(grid, 0, '2026-10-01')).toBe(100);
    expect(unitPriceFor(grid, 399, '2026-10-01')).toBe(100);
    expect(unitPriceFor(grid, 400, '2026-10-01')).toBe(190);
    expect(unitPriceFor(grid, 700, '2026-10-01')).toBe(370);
    expect(unitPriceFor(grid, 100000, '2026-10-01')).toBe(370);
  });

  it('never charges the top price for a gap in the grid, and refuses a negative quotient', () => {
    const gappy = [bracket(0, 400, 100), bracket(500, null, 370)];
    expect(unitPriceFor(gappy, 450, '2026-10-01')).toBeNull();
    expect(() => unitPriceFor(grid, -1, '2026-10-01')).toThrow(/negative/);
  });

  it('charges the top bracket without a quotient, uses the grid valid that day, none before any grid', () => {
    expect(unitPriceFor(grid, null, '2026-10-01')).toBe(370);
    expect(unitPriceFor(grid, 100, '2026-08-31')).toBe(999);
    expect(unitPriceFor(grid, 100, '2024-01-01')).toBeNull();
  });
});

describe('tokens', () => {
  it('remembers a verified token only until it expires, and only under its secret', async () => {
    const secret = 'a-secret-of-thirty-two-characters';
    const token = await signToken({ sub: 'agent-1', tenant: 'nimes', roles: [Role.AGENT] }, secret, '1h');
    for (let pass = 0; pass < 2; pass++) {
      await expect(verifyToken(token, secret)).resolves.toMatchObject({ sub: 'agent-1', tenant: 'nimes' });
    }
    await expect(verifyToken(token, 'another-secret-of-thirty-two-chars')).rejects.toThrow(InvalidTokenError);
    jest.useFakeTimers({ now: Date.now() + 2 * 3600 * 1000, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await expect(verifyToken(token, secret)).rejects.toThrow(/expired/);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('dates and money', () => {
  it('computes local dates and instants in the tenant time zone', () => {
    // 23:30 UTC on 31 Dec is already 1 Jan in Paris, still 31 Dec in Toronto.
    const instant = new Date('2026-12-31T23:30:00Z');
    expect(todayIn('Europe/Paris', instant)).toBe('2027-01-01');
    expect(todayIn('America/Toronto', instant)).toBe('2026-12-31');
    // 4 June 12:30 in Paris is 10:30 UTC (summer time); in January it is 11:30 UTC.
    expect(localInstant('2027-06-04', '12:30', 'Europe/Paris').toISOString()).toBe(
      '2027-06-04T10:30:00.000Z',
    );
    expect(localInstant('2027-01-04', '12:30', 'Europe/Paris').toISOString()).toBe(
      '2027-01-04T11:30:00.000Z',
    );
    expect(addDays('2027-03-27', 2)).toBe('2027-03-29');
    // Months clamp to the month's end; leap days; backwards across a year.
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2027-03-31', -13)).toBe('2026-02-28');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    // Not a date: as luxon answers it (no date). Out of 1000–9999: as luxon answers it too.
    expect(addDays('2027-02-30', 1)).toBeNull();
    expect(addMonths('1000-01-15', -12000)).toBe(
      DateTime.fromISO('1000-01-15', { zone: 'UTC' }).plus({ months: -12000 }).toISODate(),
    );
  });

  it('shifts calendar dates and remembers local instants exactly as luxon computes them', () => {
    const zones = ['Europe/Paris', 'America/Toronto', 'Pacific/Chatham', 'UTC'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        fc.integer({ min: -40000, max: 40000 }),
        fc.constantFrom(...zones),
        fc.constantFrom('00:00', '02:30', '12:30', '23:59'),
        (day, shift, zone, time) => {
          const date = day.toISOString().slice(0, 10);
          const utc = DateTime.fromISO(date, { zone: 'UTC' });
          const expected = DateTime.fromISO(`${date}T${time}`, { zone }).toMillis();
          for (let pass = 0; pass < 2; pass++) {
            expect(addDays(date, shift)).toBe(utc.plus({ days: shift }).toISODate());
            expect(addMonths(date, shift)).toBe(utc.plus({ months: shift }).toISODate());
            const instant = localInstant(date, time, zone);
            expect(instant.getTime()).toBe(expected);
            // Each call its own Date: a caller that changes it changes nobody else's.
            instant.setTime(0);
          }
        },
      ),
    );
  });

  it('keeps money in integer minor units and formats it in the locale', () => {
    expect(() => money(1.5, 'EUR')).toThrow();
    expect(formatMoney(money(345, 'EUR'), 'fr-FR')).toMatch(/^3,45\s€$/);
    expect(formatMoney(money(935, 'CAD'), 'fr-CA')).toMatch(/^9,35\s\$$/);
  });

  it('bounds page sizes', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(0)).toThrow();
    expect(() => pageSize(101)).toThrow();
  });
});

describe('calendar inputs', () => {
  it('accepts real dates and months of 1900–2199 only', () => {
    for (const good of ['2026-12-25', '2028-02-29', '1900-01-01', '2199-12-31'])
      expect(isCalendarDate(good)).toBe(true);
    for (const bad of [
      '0000-01-01',
      '2027-02-29',
      '2026-13-01',
      '2026-1-1',
      '9999-12-31',
      '2026-01-01T00:00',
      ' 2026-01-01',
      '',
    ])
      expect(isCalendarDate(bad)).toBe(false);
    expect(isYearMonth('2026-03')).toBe(true);
    for (const bad of ['0000-01', '2026-00', '2026-13', '2026-3', '20260-01'])
      expect(isYearMonth(bad)).toBe(false);
  });
});

describe('production configuration', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://owner:s3cret-owner@db:5432/guichet',
    APP_DB_PASSWORD: 'a-long-app-password-from-the-vault',
    JWT_SECRET: 'j'.repeat(40),
    ID_SECRET: 'i'.repeat(40),
  };

  it('starts with secrets of its own', () => {
    expect(loadConfig(production).env).toBe('production');
  });

  it.each([
    ['JWT_SECRET', { JWT_SECRET: DEV_JWT_SECRET }],
    ['APP_DB_PASSWORD', { APP_DB_PASSWORD: DEV_APP_DB_PASSWORD }],
    ['DATABASE_URL', { DATABASE_URL: `postgres://postgres:${DEV_OWNER_PASSWORD}@db:5432/guichet` }],
  ])('refuses the development %s published in the code', (name, change) => {
    expect(() => loadConfig({ ...production, ...change })).toThrow(new RegExp(name));
  });

  it('refuses to start without its secrets', () => {
    const { JWT_SECRET: _unused, ...withoutJwt } = production;
    expect(() => loadConfig(withoutJwt)).toThrow(/JWT_SECRET/);
  });
});

describe('CSV for people and for scripts', () => {
  const rows = [{ name: 'Côté', ref: '=1+1', amount: -1234, day: '2026-12-25' }];
  const columns = [
    { header: 'famille', cell: (r: (typeof rows)[0]) => ({ text: r.name }) },
    { header: 'référence', cell: (r: (typeof rows)[0]) => ({ text: r.ref }) },
    { header: 'montant', cell: (r: (typeof rows)[0]) => ({ money: r.amount, digits: 2 }) },
    { header: 'date', cell: (r: (typeof rows)[0]) => ({ date: r.day }) },
  ];

  it('writes a French spreadsheet file: BOM, semicolons, decimal comma, local dates, formulas neutralised', () => {
    const bytes = writeCsv(rows, columns, { flavour: 'spreadsheet', locale: 'fr-FR' });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      "famille;référence;montant;date\r\nCôté;'=1+1;-12,34;25/12/2026\r\n",
    );
    expect(writeCsv(rows, columns, { flavour: 'spreadsheet', locale: 'fr-CA' }).toString('utf8')).toContain(
      '2026-12-25',
    );
  });

  it('writes RFC 4180 for scripts: commas, dot decimals, ISO dates, no BOM', () => {
    expect(writeCsv(rows, columns, { flavour: 'rfc4180', locale: 'fr-FR' }).toString('utf8')).toBe(
      "famille,référence,montant,date\r\nCôté,'=1+1,-12.34,2026-12-25\r\n",
    );
  });

  it('neutralises every formula-leading cell', () => {
    for (const text of ['=A1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(neutralise(text)).toBe(`'${text}`);
    expect(neutralise('Martin')).toBe('Martin');
  });
});

describe('database errors', () => {
  it('tells a retryable abort from an outage from a defect, through wrappers', () => {
    const wrapped = (code: string) => ({
      message: 'wrapped',
      originalError: { name: 'DriverException', code },
    });
    expect(isRetryableTransactionError(wrapped('40P01'))).toBe(true);
    expect(isRetryableTransactionError(wrapped('40001'))).toBe(true);
    expect(isRetryableTransactionError(wrapped('23505'))).toBe(false);
    for (const code of ['55P03', '57014', '57P01', '08006', '53300', 'ECONNREFUSED'])
      expect(isUnavailableError(wrapped(code))).toBe(true);
    expect(
      isUnavailableError({ name: 'KnexTimeoutError', message: 'Knex: Timeout acquiring a connection.' }),
    ).toBe(true);
    // The transaction knex closed when PostgreSQL terminated its connection mid-request.
    expect(
      isUnavailableError({
        name: 'DriverException',
        message: 'Transaction query already complete, run with DEBUG=knex:tx for more info',
      }),
    ).toBe(true);
    expect(isUnavailableError(wrapped('P0001'))).toBe(false);
    expect(isUnavailableError(new Error('boom'))).toBe(false);
  });
});
