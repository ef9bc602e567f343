import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * A vendor integration's key. Only a SHA-256 of the secret is stored (the secret is 32 random
 * bytes, so a slow hash adds nothing). A key may act for several tenants, chosen by `X-Tenant`.
 */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  name!: string;

  /** Public part of the key, shown in listings and logs ("gk_<prefix>_…"). */
  @Property({ unique: true })
  prefix!: string;

  @Property()
  secretHash!: string;

  @Property({ type: 'array', columnType: 'text[]' })
  scopes: string[] = [];

  @Property({ type: 'array', columnType: 'uuid[]' })
  tenantIds: string[] = [];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;
}
