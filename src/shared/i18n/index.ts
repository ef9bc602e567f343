export { CATALOGUE, msg, type Message, type MessageKey, type ParamsOf } from './catalogue';
export { allOf, amount, date, day, ENGLISH, instant, oneOf, type Language, type Params } from './message';
export { acceptedLocale, inEnglish, readerLanguage, render, tenantLanguage, textOf } from './render';
export type { Thing } from './messages/common';
export type { RuleShape } from './messages/auth';
export type { TreasuryColumn } from './messages/documents';
export type { CollectionColumn } from './messages/collection';
