import { m, type AllOf, type OneOf } from '../message';

/**
 * What an access rule asks, by shape: R roles, RS roles or scopes (staff hold every scope),
 * RP roles or a parent, RSP all three, P a parent only.
 */
export type RuleShape = 'R' | 'RS' | 'RP' | 'RSP' | 'P';

const RULE_EN =
  '{shape, select, R {the role {roles}} RS {the role {roles}, or an API key with the scope {scopes}} RP {the role {roles}, or a parent (for their own family)} RSP {the role {roles}, an API key with the scope {scopes}, or a parent (for their own family)} other {a parent (for their own family)}}';
const RULE_FR =
  '{shape, select, R {le rôle {roles}} RS {le rôle {roles} ou une clé d’API avec la portée {scopes}} RP {le rôle {roles} ou un parent (pour sa propre famille)} RSP {le rôle {roles}, une clé d’API avec la portée {scopes} ou un parent (pour sa propre famille)} other {un parent (pour sa propre famille)}}';

type Rule = { shape: RuleShape; roles: OneOf; scopes: OneOf };

/** Who is calling, and what they may do. */
export const auth = {
  'access.field': m<Rule & { field: string }>({
    en: `\`{field}\` needs ${RULE_EN}.`,
    fr: `\`{field}\` demande ${RULE_FR}.`,
  }),
  'access.treasury': m<Rule>({
    en: `The treasury export needs ${RULE_EN}.`,
    fr: `L’export de trésorerie demande ${RULE_FR}.`,
  }),
  'access.paymentPlan': m<Rule>({
    en: `Payment plans are agreed by the family itself or need ${RULE_EN}.`,
    fr: `Un échéancier est convenu par la famille elle-même ou demande ${RULE_FR}.`,
  }),
  'access.payment': m<Rule>({
    en: `Payments are recorded at the counter or by the payment integration: this needs ${RULE_EN}.`,
    fr: `Les paiements sont enregistrés au guichet ou par l’intégration de paiement : cela demande ${RULE_FR}.`,
    'fr-CA': `Les paiements sont enregistrés au comptoir ou par l’intégration de paiement : cela demande ${RULE_FR}.`,
  }),
  'access.deposit': m<Rule>({
    en: `Deposits are taken at the counter: this needs ${RULE_EN}.`,
    fr: `Les acomptes sont pris au guichet : cela demande ${RULE_FR}.`,
    'fr-CA': `Les acomptes sont pris au comptoir : cela demande ${RULE_FR}.`,
  }),
  'access.absenceAtCounter': m<Rule>({
    en: `This town takes absence justifications at the counter only: this needs ${RULE_EN}.`,
    fr: `Cette commune ne reçoit les justificatifs d’absence qu’au guichet : cela demande ${RULE_FR}.`,
    'fr-CA': `Cette organisation ne reçoit les justificatifs d’absence qu’au comptoir : cela demande ${RULE_FR}.`,
  }),
  'access.ownInvoices': m({
    en: "A parent lists their own family's invoices: give filter.familyId.",
    fr: 'Un parent consulte les factures de sa propre famille : indiquez filter.familyId.',
  }),
  'access.tenantConfiguration': m({
    en: 'Only callers acting inside this tenant can read its configuration.',
    fr: 'Seuls ceux qui agissent pour cette collectivité peuvent lire sa configuration.',
    'fr-CA': 'Seuls ceux qui agissent pour cette organisation peuvent lire sa configuration.',
  }),
  'apiKey.nameRequired': m<{ max: number }>({
    en: 'Name the key (1 to {max} characters).',
    fr: 'Nommez la clé (1 à {max} caractères).',
  }),
  'apiKey.scopeRequired': m({
    en: 'Grant at least one scope.',
    fr: 'Accordez au moins une portée.',
  }),
  'apiKey.unknownScope': m<{ scope: string; scopes: AllOf }>({
    en: '"{scope}" is not a scope: the scopes are {scopes}.',
    fr: '« {scope} » n’est pas une portée : les portées sont {scopes}.',
  }),
  'apiKey.scopeTwice': m<{ scope: string }>({
    en: '"{scope}" is named twice.',
    fr: '« {scope} » est indiquée deux fois.',
  }),
  'auth.required': m({
    en: 'Authentication required: send a bearer token or an API key.',
    fr: 'Authentification requise : envoyez un jeton (Bearer) ou une clé d’API.',
  }),
  'auth.bearerFormat': m({
    en: 'The Authorization header must be "Bearer <token>".',
    fr: 'L’en-tête Authorization doit être « Bearer <jeton> ».',
  }),
  'auth.unknownApiKey': m({
    en: 'Unknown or revoked API key.',
    fr: 'Clé d’API inconnue ou révoquée.',
  }),
  'auth.keyTenantNotGranted': m<{ tenant: string; tenants: OneOf }>({
    en: 'This API key may not act for tenant "{tenant}": it may act for {tenants}.',
    fr: 'Cette clé d’API ne peut pas agir pour la collectivité « {tenant} » : elle peut agir pour {tenants}.',
    'fr-CA':
      'Cette clé d’API ne peut pas agir pour l’organisation « {tenant} » : elle peut agir pour {tenants}.',
  }),
  'auth.keyTenantRequired': m<{ tenants: OneOf }>({
    en: 'This API key serves several tenants: choose one with the X-Tenant header: {tenants}.',
    fr: 'Cette clé d’API sert plusieurs collectivités : choisissez-en une avec l’en-tête X-Tenant : {tenants}.',
    'fr-CA':
      'Cette clé d’API sert plusieurs organisations : choisissez-en une avec l’en-tête X-Tenant : {tenants}.',
  }),
  'auth.tokenInvalid': m({ en: 'The token is not valid.', fr: 'Le jeton n’est pas valide.' }),
  'auth.tokenExpired': m({ en: 'The token has expired.', fr: 'Le jeton a expiré.' }),
  'auth.tokenLacksClaims': m({
    en: 'The token lacks the claims Guichet needs (sub, tenant, roles).',
    fr: 'Il manque au jeton des déclarations nécessaires à Guichet (sub, tenant, roles).',
  }),
  'auth.tokenMalformedClaim': m({
    en: 'The token has a malformed claim (sub, tenant, family or name).',
    fr: 'Le jeton a une déclaration mal formée (sub, tenant, family ou name).',
  }),
  'auth.parentTokenNoFamily': m({
    en: 'A parent token must name its family.',
    fr: 'Le jeton d’un parent doit désigner sa famille.',
  }),
  'auth.unknownTenant': m({
    en: 'The token names an unknown tenant.',
    fr: 'Le jeton désigne une collectivité inconnue.',
    'fr-CA': 'Le jeton désigne une organisation inconnue.',
  }),
  'auth.tenantGone': m({
    en: 'The tenant of these credentials no longer exists.',
    fr: 'La collectivité de ces identifiants n’existe plus.',
    'fr-CA': 'L’organisation de ces identifiants n’existe plus.',
  }),
  'auth.personOtherTenant': m({
    en: 'A person acts only inside the tenant of their token.',
    fr: 'Une personne n’agit que pour la collectivité de son jeton.',
    'fr-CA': 'Une personne n’agit que pour l’organisation de son jeton.',
  }),
  'auth.noValidFamily': m({
    en: 'The token names no valid family.',
    fr: 'Le jeton ne désigne aucune famille valide.',
  }),
  'link.expired': m({
    en: 'This document link has expired: ask the API for a new one (e.g. Invoice.pdfUrl).',
    fr: 'Ce lien de document a expiré : demandez-en un nouveau à l’API (par exemple Invoice.pdfUrl).',
  }),
  'link.invalid': m({
    en: 'This document link is not valid: use it exactly as the API gave it, before it expires.',
    fr: 'Ce lien de document n’est pas valide : utilisez-le tel que l’API l’a donné, avant qu’il n’expire.',
  }),
  'link.credentialsRequired': m({
    en: 'Send a bearer token or an API key, or use the signed link the API gave (e.g. Invoice.pdfUrl).',
    fr: 'Envoyez un jeton (Bearer) ou une clé d’API, ou utilisez le lien signé donné par l’API (par exemple Invoice.pdfUrl).',
  }),
};
