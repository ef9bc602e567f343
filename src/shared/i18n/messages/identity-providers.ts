import { m, type OneOf } from '../message';

/** Why a town's identity provider's token is refused (docs/auth.md), for its integrators. */
export const identityProviders = {
  'idp.notAccepted': m({
    en: 'Tokens of identity providers are not accepted here.',
    fr: 'Les jetons des fournisseurs d’identité ne sont pas acceptés ici.',
  }),
  'idp.noIssuer': m({
    en: 'The token names no issuer (iss).',
    fr: 'Le jeton ne désigne aucun émetteur (iss).',
  }),
  'idp.unknownIssuer': m<{ issuer: string }>({
    en: 'No tenant accepts tokens from the issuer {issuer}: its identity provider is not configured in Guichet.',
    fr: 'Aucune collectivité n’accepte les jetons de l’émetteur {issuer} : son fournisseur d’identité n’est pas configuré dans Guichet.',
    'fr-CA':
      'Aucune organisation n’accepte les jetons de l’émetteur {issuer} : son fournisseur d’identité n’est pas configuré dans Guichet.',
  }),
  'idp.tenantNotServed': m<{ tenant: string; tenants: OneOf }>({
    en: 'Tokens of this identity provider may not act for tenant "{tenant}": they may act for {tenants}.',
    fr: 'Les jetons de ce fournisseur d’identité ne peuvent pas agir pour la collectivité « {tenant} » : ils peuvent agir pour {tenants}.',
    'fr-CA':
      'Les jetons de ce fournisseur d’identité ne peuvent pas agir pour l’organisation « {tenant} » : ils peuvent agir pour {tenants}.',
  }),
  'idp.tenantRequired': m<{ tenants: OneOf }>({
    en: 'This identity provider serves several tenants: choose one with the X-Tenant header: {tenants}.',
    fr: 'Ce fournisseur d’identité sert plusieurs collectivités : choisissez-en une avec l’en-tête X-Tenant : {tenants}.',
    'fr-CA':
      'Ce fournisseur d’identité sert plusieurs organisations : choisissez-en une avec l’en-tête X-Tenant : {tenants}.',
  }),
  'idp.misconfigured': m<{ tenant: string; detail: string }>({
    en: 'The identity provider of tenant "{tenant}" is misconfigured ({detail}): its administrators must correct it (docs/auth.md).',
    fr: 'Le fournisseur d’identité de la collectivité « {tenant} » est mal configuré ({detail}) : ses administrateurs doivent le corriger (docs/auth.md).',
    'fr-CA':
      'Le fournisseur d’identité de l’organisation « {tenant} » est mal configuré ({detail}) : ses administrateurs doivent le corriger (docs/auth.md).',
  }),
  'idp.badSubject': m<{ claim: string }>({
    en: "The token's subject claim {claim} is missing or malformed.",
    fr: 'La déclaration de sujet {claim} du jeton est absente ou mal formée.',
  }),
  'idp.noRole': m<{ claim: string; roles: OneOf; mapping: 'yes' | 'no' }>({
    en: "The token carries no Guichet role: its claim {claim} maps to none of {roles}{mapping, select, yes { through the tenant's roleMapping} other {}}.",
    fr: 'Le jeton ne porte aucun rôle Guichet : sa déclaration {claim} ne correspond à aucun de {roles}{mapping, select, yes { par le roleMapping de la collectivité} other {}}.',
    'fr-CA':
      'Le jeton ne porte aucun rôle Guichet : sa déclaration {claim} ne correspond à aucun de {roles}{mapping, select, yes { par le roleMapping de l’organisation} other {}}.',
  }),
  'idp.noFamilyClaim': m<{ claim: string }>({
    en: "A parent's token must name their family in the claim {claim}.",
    fr: 'Le jeton d’un parent doit désigner sa famille dans la déclaration {claim}.',
  }),
  'idp.unknownFamily': m<{ claim: string; reference: string; tenant: string; kind: string }>({
    en: 'The token\'s family claim {claim} ({reference}) names no family of tenant "{tenant}" {kind, select, EXTERNAL_REF {(by its externalRef)} other {(by its Guichet ID)}}.',
    fr: 'La déclaration de famille {claim} ({reference}) du jeton ne désigne aucune famille de la collectivité « {tenant} » {kind, select, EXTERNAL_REF {(par son externalRef)} other {(par son identifiant Guichet)}}.',
    'fr-CA':
      'La déclaration de famille {claim} ({reference}) du jeton ne désigne aucune famille de l’organisation « {tenant} » {kind, select, EXTERNAL_REF {(par son externalRef)} other {(par son identifiant Guichet)}}.',
  }),
  'idp.jwksUnavailable': m({
    en: "The identity provider's keys (its JWKS) cannot be fetched right now: retry in a moment.",
    fr: 'Les clés du fournisseur d’identité (son JWKS) ne peuvent pas être obtenues pour l’instant : réessayez dans un instant.',
  }),
  'idp.audience': m<{ audiences: OneOf }>({
    en: 'The token is not meant for Guichet: its audience (aud) is not {audiences}.',
    fr: 'Le jeton n’est pas destiné à Guichet : son audience (aud) n’est pas {audiences}.',
  }),
  'idp.notYetValid': m({
    en: 'The token is not valid yet (nbf).',
    fr: 'Le jeton n’est pas encore valide (nbf).',
  }),
  'idp.badClaim': m<{ claim: string; detail: string }>({
    en: "The token's claim {claim} is not valid ({detail}).",
    fr: 'La déclaration {claim} du jeton n’est pas valide ({detail}).',
  }),
  'idp.noMatchingKey': m({
    en: "No key of the identity provider's key set (JWKS) matches the token's key id (kid).",
    fr: 'Aucune clé du jeu de clés (JWKS) du fournisseur d’identité ne correspond à l’identifiant de clé (kid) du jeton.',
  }),
  'idp.severalKeys': m({
    en: "Several keys of the identity provider's key set match the token: it must name its key id (kid).",
    fr: 'Plusieurs clés du jeu de clés du fournisseur d’identité correspondent au jeton : il doit désigner son identifiant de clé (kid).',
  }),
  'idp.algorithm': m<{ algorithms: OneOf }>({
    en: 'The token is signed with an algorithm the tenant does not accept (accepted: {algorithms}).',
    fr: 'Le jeton est signé avec un algorithme que la collectivité n’accepte pas (acceptés : {algorithms}).',
    'fr-CA':
      'Le jeton est signé avec un algorithme que l’organisation n’accepte pas (acceptés : {algorithms}).',
  }),
  'idp.signature': m({
    en: "The token's signature does not match the identity provider's key.",
    fr: 'La signature du jeton ne correspond pas à la clé du fournisseur d’identité.',
  }),
};
