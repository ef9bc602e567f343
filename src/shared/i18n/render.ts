import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGUE, type Message, type MessageKey } from './catalogue';
import { catalogueLanguage, writeParam, type CatalogueLanguage } from './format';
import { ENGLISH, type Entry, type Language } from './message';

const compiled = new Map<string, IntlMessageFormat>();

/** The message's ICU text in a catalogue language (Québec's French falls back to France's). */
export function textOf(key: MessageKey, language: CatalogueLanguage): string {
  const { texts } = CATALOGUE[key] as Entry;
  return language === 'fr-CA' ? (texts['fr-CA'] ?? texts.fr) : texts[language];
}

function formatter(key: MessageKey, language: Language): IntlMessageFormat {
  const id = `${key}\u0000${language.locale}`;
  let format = compiled.get(id);
  if (!format) {
    // ICU tags are not used: "<token>" is text.
    format = new IntlMessageFormat(
      textOf(key, catalogueLanguage(language.locale)),
      language.locale,
      undefined,
      {
        ignoreTag: true,
      },
    );
    compiled.set(id, format);
  }
  return format;
}

function format(message: Message, language: Language): string {
  const values = Object.fromEntries(
    Object.entries(message.params ?? {}).map(([name, value]) => [name, writeParam(value, language)]),
  );
  return String(formatter(message.key, language).format(values));
}

/**
 * A message for people in a language: the tenant's (fr-FR, fr-CA; English for other locales),
 * instants in its time zone. Never throws: a message that cannot be rendered there (an unknown
 * key in an old stored replay, a parameter missing) falls back to English, then to its key.
 * A plain string is a replay stored before messages had keys, shown as it was.
 */
export function render(message: Message | string, language: Language): string {
  if (typeof message === 'string') return message;
  if (!(message.key in CATALOGUE)) return message.key;
  try {
    return format(message, language);
  } catch {
    try {
      return format(message, { ...ENGLISH, timeZone: language.timeZone });
    } catch {
      return message.key;
    }
  }
}

/** English, for logs and `Error.message`. */
export const inEnglish = (message: Message): string => render(message, ENGLISH);

/** A tenant's language: its locale and time zone (the entity or its row). */
export function tenantLanguage(tenant: { locale: string; timeZone: string }): Language {
  return { locale: tenant.locale, timeZone: tenant.timeZone };
}

/**
 * The language `Accept-Language` asks for among those the catalogue speaks (French, English): the
 * first by weight, as a canonical locale (e.g. "fr-CA", "en"); null when it names none of them.
 */
export function acceptedLocale(header: string | undefined): string | null {
  if (!header) return null;
  const ranges = header
    .slice(0, 500)
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...options] = part.trim().split(';');
      const q = options.map((o) => /^\s*q=([0-9.]+)\s*$/i.exec(o)?.[1]).find(Boolean);
      return { tag: tag.trim(), weight: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && r.tag !== '*' && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranges) {
    let locale: string;
    try {
      [locale] = Intl.getCanonicalLocales(tag);
    } catch {
      continue;
    }
    if (/^(fr|en)\b/i.test(locale)) return locale;
  }
  return null;
}

const primary = (locale: string) => locale.split('-')[0].toLowerCase();

/**
 * The language a reader gets: the tenant's by default (its locale and time zone), unless
 * `Accept-Language` asks for another language the catalogue speaks — then that one, still in the
 * tenant's time zone (a fr-CA tenant asked for "fr" keeps its own French: regional words follow
 * the tenant). Without a tenant (a refused token, a key without X-Tenant): the accepted language,
 * else English, instants in UTC.
 */
export function readerLanguage(tenant: Language | null, accepted: string | null): Language {
  if (!tenant) return accepted ? { locale: accepted, timeZone: 'UTC' } : ENGLISH;
  if (!accepted || primary(accepted) === primary(tenant.locale)) return tenant;
  return { locale: accepted, timeZone: tenant.timeZone };
}
