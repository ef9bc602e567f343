import { Migration } from '@mikro-orm/migrations';

/**
 * Family search served by its index as the API runs it. `families` is under row-level security,
 * and PostgreSQL will not use a non-LEAKPROOF operator such as LIKE as an index condition ahead
 * of the policy: as `guichet_api`, every search was a sequential scan (an owner or a superuser
 * sees the index used — the trap). So the normalised texts also live in `family_search`, a table
 * the API cannot read, kept in step with `families` by a trigger, and searched by
 * `guichet_search_family_ids(words)`, a SECURITY DEFINER function that reads only the rows of
 * the transaction's tenant (`app.tenant_id`, the setting the policies use) with one LIKE per word
 * as index conditions on the trigram index. The API then joins its ids against `families` under
 * RLS as before.
 *
 * Also: the search text read the guardians' names from camelCase keys, while the API stores them
 * snake_case (`first_name`, `last_name`): guardians' names were not searchable. Both are read now.
 */
export class Migration20261130035000FamilySearchIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create or replace function guichet_family_search_text(name text, external_ref text, guardians jsonb) returns text
      language sql immutable parallel safe set search_path = public as $$
        with words as (
          select guichet_normalize(concat_ws(' ', name, external_ref,
                   (select string_agg(concat_ws(' ', coalesce(g->>'first_name', g->>'firstName'),
                                                     coalesce(g->>'last_name', g->>'lastName'), g->>'email'), ' ')
                    from jsonb_array_elements(guardians) g))) as spaced
        ), phones as (
          select string_agg(concat_ws(' ', guichet_phone_digits(g->>'phone'), '33' || substr(guichet_phone_digits(g->>'phone'), 2)), ' ') as digits
          from jsonb_array_elements(guardians) g where coalesce(g->>'phone', '') <> ''
        )
        select concat_ws(' | ', spaced, replace(spaced, ' ', ''), digits) from words, phones
      $$;`);
    // Stored generated values are recomputed on update.
    this.addSql(`update families set guardians = guardians;`);

    this.addSql(`create table family_search (
      tenant_id uuid not null,
      family_id uuid not null primary key,
      search_text text not null);`);
    this.addSql(
      `create index family_search_idx on family_search using gin (tenant_id, search_text gin_trgm_ops);`,
    );
    this.addSql(`insert into family_search (tenant_id, family_id, search_text)
      select tenant_id, id, coalesce(search_text, '') from families;`);
    this.addSql(`create function guichet_family_search_sync() returns trigger
      language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        if tg_op = 'DELETE' then
          delete from family_search where family_id = old.id;
          return old;
        end if;
        insert into family_search (tenant_id, family_id, search_text)
        values (new.tenant_id, new.id, coalesce(new.search_text, ''))
        on conflict (family_id) do update set tenant_id = excluded.tenant_id, search_text = excluded.search_text;
        return new;
      end $$;`);
    this.addSql(`create trigger families_search_sync after insert or update or delete on families
      for each row execute function guichet_family_search_sync();`);
    this.addSql(`create function guichet_search_family_ids(words text[]) returns setof uuid
      language plpgsql stable security definer rows 50 set search_path = public, pg_temp as $$
      declare
        tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
        conditions text;
      begin
        if tenant is null then
          return;
        end if;
        select string_agg(format(' and search_text like %L', '%' || guichet_normalize(w) || '%'), '')
          into conditions from unnest(words) w where w <> '';
        return query execute
          'select family_id from family_search where tenant_id = $1' || coalesce(conditions, '') using tenant;
      end $$;`);
    this.addSql(`revoke all on function guichet_search_family_ids(text[]) from public;`);
    this.addSql(`grant execute on function guichet_search_family_ids(text[]) to guichet_api;`);
    this.addSql(`drop index if exists families_search_idx;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `create index families_search_idx on families using gin (tenant_id, search_text gin_trgm_ops);`,
    );
    this.addSql(`drop function guichet_search_family_ids(text[]);`);
    this.addSql(`drop trigger families_search_sync on families;`);
    this.addSql(`drop function guichet_family_search_sync();`);
    this.addSql(`drop table family_search;`);
  }
}
