import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ApiKey } from '../auth/api-key.entity';
import { Access, TENANT_ADMIN } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { ListLength } from '../graphql/cost';
import { afterCommit } from '../graphql/payload';
import { registerNode } from '../graphql/node';
import { createTenantApiKey, listApiKeys, revokeTenantApiKey } from './api-keys.service';
import {
  ApiKeyType,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  RevokeApiKeyInput,
  RevokeApiKeyPayload,
} from './api-keys.types';

/** A key granted the caller's tenant, or null. */
async function grantedKey(ctx: GraphQLContext, id: string): Promise<ApiKey | null> {
  const key = await ctx.em.findOne(ApiKey, { id });
  return key && key.tenantIds.includes(ctx.tenant.id) ? key : null;
}

registerNode({ typeName: 'ApiKey', entity: ApiKey, load: (ctx, id) => grantedKey(ctx, id) });

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @Access(TENANT_ADMIN)
  @ListLength(50)
  @Query(() => [ApiKeyType], {
    description:
      'The API keys granted this tenant, newest first (at most 500): tablets, vendors. Tenant admins. Revoked ones only with includeRevoked.',
  })
  async apiKeys(
    @Arg('includeRevoked', { defaultValue: false, description: 'Also the revoked keys.' })
    includeRevoked: boolean,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ApiKey[]> {
    return listApiKeys(ctx, includeRevoked);
  }

  @FieldResolver(() => Boolean, {
    description:
      "Whether it also acts for other tenants (a vendor's key): revoking here withdraws this tenant only.",
  })
  sharedWithOtherTenants(@Root() key: ApiKey, @Ctx() ctx: GraphQLContext): boolean {
    return key.tenantIds.some((id) => id !== ctx.tenant.id);
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => CreateApiKeyPayload, {
    description:
      'Create an API key for this tenant only; its plaintext is in this answer only. Tenant admins; audited. Retry-safe with idempotencyKey (a replay returns the key without its plaintext).',
  })
  async createApiKey(
    @Arg('input', { description: 'Name and scopes.' }) input: CreateApiKeyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    let plaintext: string | null = null;
    const { value, userErrors } = await createTenantApiKey(ctx, input, (secret) => (plaintext = secret));
    return {
      apiKey: afterCommit((read) => (value ? read.em.findOne(ApiKey, { id: value.apiKeyId }) : null)),
      plaintext,
      userErrors,
    };
  }

  @Access(TENANT_ADMIN)
  @Mutation(() => RevokeApiKeyPayload, {
    description:
      "Revoke a key for this tenant: a key of this tenant alone stops working at once; a vendor's key shared with other tenants stops acting for this one. Tenant admins; audited; revoking again changes nothing.",
  })
  async revokeApiKey(
    @Arg('input', { description: 'The key.' }) input: RevokeApiKeyInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await revokeTenantApiKey(ctx, input);
    return {
      apiKey: afterCommit((read) => (value ? read.em.findOne(ApiKey, { id: value.apiKeyId }) : null)),
      userErrors,
    };
  }
}
