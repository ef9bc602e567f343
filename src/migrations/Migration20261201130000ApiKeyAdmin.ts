import { Migration } from '@mikro-orm/migrations';

/**
 * Tenant admins manage their own API keys through the API. `api_keys` is not tenant-owned (a
 * vendor's key may act for several tenants), so the API role only reads it; creating and
 * revoking go through two SECURITY DEFINER functions bound to the transaction's tenant
 * (`app.tenant_id`, the setting the row-level policies use): a key created is granted that tenant
 * only; revoking withdraws that tenant from the key, and revokes the key when it was its last.
 */
export class Migration20261201130000ApiKeyAdmin extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create function guichet_create_api_key(key_name text, key_prefix text, key_hash text, key_scopes text[])
      returns uuid language plpgsql security definer set search_path = public, pg_temp as $$
      declare
        tenant uuid := guichet_current_tenant();
        new_id uuid := gen_random_uuid();
      begin
        if tenant is null then
          raise exception 'no tenant in this transaction' using errcode = 'insufficient_privilege';
        end if;
        insert into api_keys (id, name, prefix, secret_hash, scopes, tenant_ids)
        values (new_id, key_name, key_prefix, key_hash, key_scopes, array[tenant]);
        return new_id;
      end $$;`);
    this.addSql(`create function guichet_revoke_api_key(key_id uuid) returns boolean
      language plpgsql security definer set search_path = public, pg_temp as $$
      declare
        tenant uuid := guichet_current_tenant();
      begin
        if tenant is null then
          raise exception 'no tenant in this transaction' using errcode = 'insufficient_privilege';
        end if;
        update api_keys set
          revoked_at = case when cardinality(tenant_ids) = 1 then coalesce(revoked_at, now()) else revoked_at end,
          tenant_ids = case when cardinality(tenant_ids) = 1 then tenant_ids else array_remove(tenant_ids, tenant) end
        where id = key_id and tenant = any(tenant_ids);
        return found;
      end $$;`);
    for (const fn of ['guichet_create_api_key(text, text, text, text[])', 'guichet_revoke_api_key(uuid)']) {
      this.addSql(`revoke all on function ${fn} from public;`);
      this.addSql(`grant execute on function ${fn} to guichet_api;`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop function guichet_revoke_api_key(uuid);`);
    this.addSql(`drop function guichet_create_api_key(text, text, text, text[]);`);
  }
}
