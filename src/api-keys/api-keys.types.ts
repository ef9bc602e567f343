import { Field, InputType, ObjectType } from 'type-graphql';
import { Access, TENANT_ADMIN } from '../graphql/access';
import { IdField, idempotencyKeyField, TextField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { payloadType } from '../graphql/payload';
import { DateTime } from '../graphql/scalars';

@Access(TENANT_ADMIN)
@ObjectType('ApiKey', {
  implements: Node,
  description:
    "An integration's key granted this tenant (a tablet, a vendor's script). The secret is never shown again.",
})
export class ApiKeyType extends Node {
  @Field({ description: 'What it is for, e.g. "Tablette école Jean Jaurès".' })
  name!: string;

  @Field({ description: 'Its public part: the key reads `gk_<prefix>_…`, as the logs show it.' })
  prefix!: string;

  @Field(() => [String], { description: 'What it may do (scopes such as attendance:write).' })
  scopes!: string[];

  @Field({
    description:
      "Whether it also acts for other tenants (a vendor's key): revoking here withdraws this tenant only.",
  })
  sharedWithOtherTenants!: boolean;

  @Field(() => DateTime, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was revoked; null while it works.' })
  revokedAt!: Date | null;
}

@InputType('CreateApiKeyInput', { description: 'A key for this tenant only.' })
export class CreateApiKeyInput {
  @TextField({ maxLength: 100, description: 'What it is for (1 to 100 characters).' })
  name!: string;

  @Field(() => [String], {
    description:
      'Its scopes, at least one: catalog:read, families:read, reservations:write, attendance:write, meals:read, billing:read, payments:write… (see the README).',
  })
  scopes!: string[];

  @idempotencyKeyField()
  idempotencyKey!: string;
}

@InputType('RevokeApiKeyInput', { description: 'Stop a key acting for this tenant.' })
export class RevokeApiKeyInput {
  @IdField('ApiKey', { description: 'The key.' })
  apiKeyId!: string;
}

export const CreateApiKeyPayload = payloadType('CreateApiKeyPayload', 'Result of createApiKey.', {
  apiKey: { type: () => ApiKeyType, nullable: true, description: 'The key created.' },
  plaintext: {
    type: () => String,
    nullable: true,
    description:
      'The key to give its holder (`Authorization: Bearer gk_…`): in this answer only — a retry with the same idempotencyKey returns null here. Lost: revoke it and create another.',
  },
});

export const RevokeApiKeyPayload = payloadType('RevokeApiKeyPayload', 'Result of revokeApiKey.', {
  apiKey: { type: () => ApiKeyType, nullable: true, description: 'The key, as it is now.' },
});
