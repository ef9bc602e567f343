import type { Entry, Params } from './message';
import { administration } from './messages/administration';
import { attendance } from './messages/attendance';
import { auth } from './messages/auth';
import { billing } from './messages/billing';
import { booking } from './messages/booking';
import { common } from './messages/common';
import { documents } from './messages/documents';
import { identityProviders } from './messages/identity-providers';
import { integrations } from './messages/integrations';
import { imports } from './messages/imports';
import { treasury } from './messages/treasury';
import { collection } from './messages/collection';
import { waitlists } from './messages/waitlists';
import { placements } from './messages/placements';
import { corrections } from './messages/corrections';

/** Every module of the catalogue; a key belongs to exactly one (the catalogue's test checks it). */
export const CATALOGUE_MODULES = {
  common,
  auth,
  identityProviders,
  booking,
  attendance,
  billing,
  documents,
  administration,
  waitlists,
  integrations,
  imports,
  placements,
  treasury,
  corrections,
  collection,
};

/**
 * The one catalogue of messages for people, by stable key (`area.what`, e.g. `booking.notYetOpen`):
 * ICU MessageFormat in English, French and Québec's French where it differs.
 */
export const CATALOGUE = {
  ...common,
  ...auth,
  ...identityProviders,
  ...booking,
  ...attendance,
  ...billing,
  ...documents,
  ...administration,
  ...waitlists,
  ...treasury,
  ...integrations,
  ...imports,
  ...placements,
  ...corrections,
  ...collection,
};

export type MessageKey = keyof typeof CATALOGUE;
/** The parameters a message declares. */
export type ParamsOf<K extends MessageKey> = (typeof CATALOGUE)[K] extends Entry<infer P> ? P : never;

/** A message for people as services give it: a key and its parameters (plain JSON). */
export interface Message {
  key: MessageKey;
  params?: Params;
}

/**
 * A message of the catalogue with its parameters, typed by the catalogue: `msg('booking.full',
 * { date: day(session.date) })`. Messages without parameters take none.
 */
export function msg<K extends MessageKey>(
  key: K,
  ...params: Record<never, never> extends ParamsOf<K> ? [] : [ParamsOf<K>]
): Message {
  return params.length ? { key, params: params[0] as Params } : { key };
}
