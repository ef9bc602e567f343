import { m } from '../message';

/** Webhook endpoints (src/webhooks/) and the dashboard. */
export const integrations = {
  'webhook.urlInvalid': m({
    en: 'Give an absolute URL, e.g. https://vendor.example/hooks/guichet.',
    fr: 'Indiquez une URL absolue, par exemple https://vendor.example/hooks/guichet.',
  }),
  'webhook.urlCredentials': m({
    en: 'Put no credentials in the URL: verify the signature instead.',
    fr: 'Ne mettez pas d’identifiants dans l’URL : vérifiez plutôt la signature.',
  }),
  'webhook.urlPrivate': m({
    en: 'The URL points to a private, local or reserved address: webhooks go to public addresses only.',
    fr: 'L’URL désigne une adresse privée, locale ou réservée : les webhooks ne partent que vers des adresses publiques.',
  }),
  'webhook.urlHttps': m({
    en: 'The URL must use https.',
    fr: 'L’URL doit utiliser https.',
  }),
  'webhook.eventTypeRequired': m({
    en: 'Choose at least one event type.',
    fr: 'Choisissez au moins un type d’événement.',
  }),
  'webhook.tooManyEndpoints': m<{ max: number }>({
    en: 'A tenant has at most {max} endpoints: delete one first.',
    fr: 'Une collectivité a au plus {max} points de réception : supprimez-en un d’abord.',
  }),
  'webhook.endpointNotFound': m({
    en: 'Webhook endpoint not found.',
    fr: 'Point de réception introuvable.',
  }),
  'webhook.deliveryNotFound': m({
    en: 'Delivery not found.',
    fr: 'Envoi introuvable.',
  }),
  'webhook.disabled': m<{ failures: number; last: string }>({
    en: '{failures} failed attempts in a row; the last: {last}.',
    fr: '{failures} tentatives échouées d’affilée ; la dernière : {last}.',
  }),
};
