import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'pg';
import { Role, rawClient, startTestApp, token, type TestApp } from './support/app';
import { partOfCatalogue, seedTestTenant } from './support/tenants';

/**
 * A town's identity provider signs its people's tokens (RS256, ES256) and publishes its keys as a
 * JWKS; the tenant's configuration says which claims carry the subject, the roles (through a
 * group mapping) and the family. Here the JWKS is served on loopback by the test itself.
 */
describe("tokens from a town's identity provider", () => {
  const SLUG = 'test-idp';
  const ISSUER = 'https://sso.test-idp.example/realms/familles';
  let app: TestApp;
  let owner: Client;
  let jwksServer: http.Server;
  let jwksUrl: string;
  let fetches = 0;
  /** What the JWKS endpoint publishes now. */
  let published: JWK[] = [];
  const keys: Record<string, { privateKey: KeyLike; jwk: JWK; alg: string }> = {};
  /** The demo families' legacy file numbers (externalRef): BZ-100000 and on. */
  let families: { id: string; externalRef: string; name: string }[];

  const makeKey = async (kid: string, alg: 'RS256' | 'ES256') => {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    keys[kid] = { privateKey, alg, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
    return keys[kid];
  };
  const CONFIG = () => ({
    issuer: ISSUER,
    jwksUri: jwksUrl,
    audience: 'guichet',
    rolesClaim: 'groups',
    roleMapping: { '/agents-enfance': 'AGENT', '/admins-guichet': 'TENANT_ADMIN', '/familles': 'PARENT' },
    familyClaim: 'dossier_famille',
    familyClaimKind: 'EXTERNAL_REF',
  });
  const configure = (config: Record<string, unknown> | null, slug = SLUG) =>
    owner.query(`update tenants set config_identity_provider = $1 where slug = $2`, [
      config === null ? null : JSON.stringify(config),
      slug,
    ]);

  /** A token as the provider would sign it; `claims` override the defaults of a parent. */
  const idpToken = (
    kid: string,
    claims: Record<string, unknown> = {},
    options: { issuer?: string; audience?: string; expires?: string | number } = {},
  ) =>
    new SignJWT({
      sub: 'f3a1c2d4-0000-4000-8000-000000000001',
      name: 'Camille Martin',
      groups: ['/familles', '/newsletter'],
      dossier_famille: families[0].externalRef,
      ...claims,
    })
      .setProtectedHeader({ alg: keys[kid].alg, kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? 'guichet')
      .setIssuedAt()
      .setExpirationTime(options.expires ?? '10m')
      .sign(keys[kid].privateKey);

  const VIEWER = '{ viewer { kind displayName roles family { name externalRef } } tenant { slug } }';
  const refusal = async (bearer: string, headers: Record<string, string> = {}) => {
    const answer = await app.gql(VIEWER, {}, { token: bearer, headers });
    return {
      status: answer.status,
      code: answer.errors?.[0]?.extensions?.code,
      message: answer.errors?.[0]?.message,
    };
  };

  beforeAll(async () => {
    jwksServer = http.createServer((request, response) => {
      if (request.url !== '/realms/familles/certs') {
        response.writeHead(404).end();
        return;
      }
      fetches++;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/realms/familles/certs`;
    await makeKey('rsa-1', 'RS256');
    await makeKey('ec-1', 'ES256');
    published = [keys['rsa-1'].jwk, keys['ec-1'].jwk];

    await seedTestTenant(
      'beziers',
      {
        slug: SLUG,
        families: 3,
        seed: 8080,
        catalogue: partOfCatalogue('beziers', [{ kind: 'SCHOOL', name: 'École des Jetons', capacity: 100 }]),
      },
      new Date(),
      1,
    );
    owner = await rawClient('owner');
    await configure(CONFIG());
    // Unknown kids fetch the JWKS again at once (30 s apart by default), for the rotation below.
    app = await startTestApp({ config: { jwksCooldownMs: 0 } });
    const listed = await app.gql(
      '{ families(first: 10) { nodes { id name externalRef } } }',
      {},
      { token: await token(SLUG, Role.AGENT) },
    );
    families = listed.data.families.nodes;
    expect(families.every((f) => /^BZ-\d+$/.test(f.externalRef))).toBe(true);
  });
  afterAll(async () => {
    await configure(null);
    await owner.end();
    await app.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it("acts as the parent of the family the token's claim names, by its legacy file number", async () => {
    for (const kid of ['rsa-1', 'ec-1']) {
      const answer = await app.gql(VIEWER, {}, { token: await idpToken(kid) });
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({
        viewer: {
          kind: 'PERSON',
          displayName: 'Camille Martin',
          roles: ['PARENT'],
          family: { name: families[0].name, externalRef: families[0].externalRef },
        },
        tenant: { slug: SLUG },
      });
    }
    // What a parent may do: their own family's children, not another family.
    const bearer = await idpToken('rsa-1');
    const other = await app.gql(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: families[1].id },
      { token: bearer },
    );
    expect(other.data.node).toBeNull();
  });

  it('acts as an agent through the group mapping', async () => {
    const bearer = await idpToken('ec-1', { groups: ['/agents-enfance'], dossier_famille: undefined });
    const answer = await app.gql(
      '{ viewer { roles family { name } } families(first: 5) { totalCount } }',
      {},
      { token: bearer },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.viewer).toEqual({ roles: ['AGENT'], family: null });
    expect(answer.data.families.totalCount).toBe(families.length);
    // The tenant is the one of the issuer: X-Tenant may name it, not another.
    expect(
      (await app.gql('{ tenant { slug } }', {}, { token: bearer, headers: { 'x-tenant': SLUG } })).status,
    ).toBe(200);
    expect(await refusal(bearer, { 'x-tenant': 'beziers' })).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      message: expect.stringMatching(/may not act for tenant "beziers".*test-idp/),
    });
  });

  // Refusals are in the tenant's language (Béziers' copy: French) once the issuer names it; in
  // English (no Accept-Language) while no tenant is known (an unknown issuer).
  it('refuses wrong audience, unknown issuer, expired, unknown key, and claims that map to nothing, with 401 and why', async () => {
    const unknownKey = await makeKey('rsa-unpublished', 'RS256');
    expect(unknownKey.jwk.kid).toBe('rsa-unpublished');
    const cases: [string, Promise<string>, RegExp][] = [
      [
        'wrong audience',
        idpToken('rsa-1', {}, { audience: 'another-app' }),
        /son audience \(aud\) n’est pas "guichet"/,
      ],
      [
        'unknown issuer',
        idpToken('rsa-1', {}, { issuer: 'https://sso.elsewhere.example' }),
        /No tenant accepts tokens from the issuer "https:\/\/sso\.elsewhere\.example"/,
      ],
      [
        'expired',
        idpToken('rsa-1', {}, { expires: Math.floor(Date.now() / 1000) - 3600 }),
        /^Le jeton a expiré\.$/,
      ],
      [
        'unknown kid',
        idpToken('rsa-unpublished'),
        /^Aucune clé du jeu de clés \(JWKS\) du fournisseur d’identité ne correspond/,
      ],
      [
        'no such family',
        idpToken('rsa-1', { dossier_famille: 'BZ-999999' }),
        /famille "dossier_famille" \("BZ-999999"\) du jeton ne désigne aucune famille de la collectivité « test-idp »/,
      ],
      // Another tenant's family (Béziers' demo families share the numbering): not this tenant's.
      [
        'family of another tenant',
        idpToken('rsa-1', { dossier_famille: 'BZ-100200' }),
        /ne désigne aucune famille de la collectivité « test-idp »/,
      ],
      [
        'parent without family',
        idpToken('rsa-1', { dossier_famille: undefined }),
        /doit désigner sa famille dans la déclaration "dossier_famille"/,
      ],
      [
        'no role',
        idpToken('rsa-1', { groups: ['/newsletter'] }),
        /aucun rôle Guichet : sa déclaration "groups" ne correspond à aucun de PARENT, AGENT ou TENANT_ADMIN/,
      ],
      ['no subject', idpToken('rsa-1', { sub: '' }), /de sujet "sub" du jeton est absente ou mal formée/],
    ];
    for (const [label, signed, message] of cases) {
      const answer = await refusal(await signed);
      expect([label, answer.status, answer.code]).toEqual([label, 401, 'UNAUTHENTICATED']);
      expect([label, answer.message]).toEqual([label, expect.stringMatching(message)]);
    }
    // A token whose header claims RS256 but is signed with another key: refused too.
    const [header, payload] = (await idpToken('rsa-1')).split('.');
    const forged = `${header}.${payload}.${(await idpToken('rsa-unpublished')).split('.')[2]}`;
    expect(await refusal(forged)).toMatchObject({ status: 401, message: expect.stringMatching(/signature/) });
  });

  it('picks up a rotated key (a new kid) from the JWKS, and drops the retired one', async () => {
    await makeKey('rsa-2', 'RS256');
    const before = fetches;
    published = [keys['rsa-2'].jwk, keys['ec-1'].jwk];
    const rotated = await app.gql(VIEWER, {}, { token: await idpToken('rsa-2') });
    expect(rotated.errors).toBeUndefined();
    expect(rotated.data.viewer.roles).toEqual(['PARENT']);
    expect(fetches).toBeGreaterThan(before);
    // Cached: the next tokens of known keys fetch nothing.
    const after = fetches;
    await app.gql(VIEWER, {}, { token: await idpToken('rsa-2') });
    await app.gql(VIEWER, {}, { token: await idpToken('ec-1') });
    expect(fetches).toBe(after);
    expect(await refusal(await idpToken('rsa-1'))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/kid/),
    });
  });

  it('reads the family by its Guichet ID, and roles as claimed when there is no mapping', async () => {
    await configure({
      ...CONFIG(),
      roleMapping: undefined,
      rolesClaim: 'realm_access.roles',
      familyClaimKind: 'GLOBAL_ID',
      familyClaim: 'https://guichet.example/family',
    });
    try {
      const bearer = await idpToken('ec-1', {
        groups: undefined,
        realm_access: { roles: ['PARENT', 'offline_access'] },
        'https://guichet.example/family': families[1].id,
      });
      const answer = await app.gql(VIEWER, {}, { token: bearer });
      expect(answer.errors).toBeUndefined();
      expect(answer.data.viewer.family.name).toBe(families[1].name);
      const wrongType = await idpToken('ec-1', {
        realm_access: { roles: ['PARENT'] },
        'https://guichet.example/family': families[1].externalRef,
      });
      expect(await refusal(wrongType)).toMatchObject({
        status: 401,
        message: expect.stringMatching(/par son identifiant Guichet/),
      });
    } finally {
      await configure(CONFIG());
    }
  });

  it('answers 503 when the JWKS cannot be fetched, and follows a changed JWKS URI', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await configure({ ...CONFIG(), jwksUri: `http://127.0.0.1:${port}/certs` });
    try {
      const answer = await app.gql(VIEWER, {}, { token: await idpToken('rsa-2') });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBeTruthy();
      expect(answer.errors?.[0].message).toMatch(/JWKS.*réessayez/);
    } finally {
      await configure(CONFIG());
    }
    expect((await app.gql(VIEWER, {}, { token: await idpToken('rsa-2') })).status).toBe(200);
    // A misconfigured provider (http to a remote host) is refused with what to fix.
    await configure({ ...CONFIG(), jwksUri: 'http://sso.test-idp.example/certs' });
    try {
      expect(await refusal(await idpToken('rsa-2'))).toMatchObject({
        status: 401,
        message: expect.stringMatching(/mal configuré \(jwksUri must be https/),
      });
    } finally {
      await configure(CONFIG());
    }
  });

  it("keeps Guichet's own HS256 tokens working", async () => {
    const agent = await token(SLUG, Role.AGENT);
    const answer = await app.gql('{ viewer { roles } tenant { slug } }', {}, { token: agent });
    expect(answer.data).toEqual({ viewer: { roles: ['AGENT'] }, tenant: { slug: SLUG } });
    // An HS256 token claiming the provider's issuer is still judged as Guichet's own: refused.
    const forged = await new SignJWT({ tenant: SLUG, roles: ['AGENT'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience('guichet')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a guess at the secret, long enough to sign'));
    expect((await refusal(forged)).status).toBe(401);
  });
  it('signs the parents of a family merged into another in as the kept family', async () => {
    const merged = await app.gql(
      `mutation($i: MergeFamiliesInput!) { mergeFamilies(input: $i) { userErrors { code message } } }`,
      { i: { keepFamilyId: families[1].id, mergeFamilyId: families[2].id, idempotencyKey: 'idp-merge' } },
      { token: await token(SLUG, Role.AGENT) },
    );
    expect(merged.data.mergeFamilies.userErrors).toEqual([]);
    // Both kept their file numbers; the merged one's still signs its parents in, as the kept family.
    const answer = await app.gql(
      VIEWER,
      {},
      { token: await idpToken('rsa-2', { dossier_famille: families[2].externalRef }) },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.viewer.family).toEqual({
      name: families[1].name,
      externalRef: families[1].externalRef,
    });
  });
});
