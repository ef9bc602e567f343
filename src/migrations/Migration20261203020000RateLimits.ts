import { Migration } from '@mikro-orm/migrations';

/**
 * Rate limits per client, shared by every API replica: one leaky bucket of query-cost points per
 * client (Shopify's model). The buckets are UNLOGGED — a crash forgets them, which only refills
 * every client's bucket — and only reachable through `guichet_take_points`, a SECURITY DEFINER
 * function: the API role holds no right on the table.
 */
export class Migration20261203020000RateLimits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table rate_limit_buckets (
      client varchar(300) primary key,
      available double precision not null,
      updated_at timestamptz not null);`);
    this.addSql(`revoke all on rate_limit_buckets from public;`);
    // Refills the client's bucket for the time elapsed (restore_rate points a second, up to its
    // capacity), then takes cost points if they are there. Returns whether it took them and what
    // is left. The row lock of the upsert serializes one client's requests for this one statement.
    this.addSql(`create function guichet_take_points(p_client text, p_cost double precision,
        p_capacity double precision, p_restore_rate double precision)
      returns table (allowed boolean, available double precision)
      language plpgsql security definer set search_path = pg_catalog, public as $$
      declare
        v_now timestamptz := clock_timestamp();
        v_available double precision;
      begin
        insert into rate_limit_buckets as b (client, available, updated_at)
        values (p_client, p_capacity, v_now)
        on conflict (client) do update
          set available = least(p_capacity,
                b.available + greatest(0, extract(epoch from v_now - b.updated_at)) * p_restore_rate),
              updated_at = v_now
        returning b.available into v_available;
        if v_available >= p_cost then
          update rate_limit_buckets set available = v_available - p_cost where client = p_client;
          return query select true, v_available - p_cost;
        else
          return query select false, v_available;
        end if;
      end $$;`);
    this.addSql(
      `revoke all on function guichet_take_points(text, double precision, double precision, double precision) from public;`,
    );
    this.addSql(
      `grant execute on function guichet_take_points(text, double precision, double precision, double precision) to guichet_api;`,
    );
    // Buckets idle long enough to be full again are forgotten (the hourly purge calls it).
    this.addSql(`create function guichet_forget_full_buckets(p_idle_seconds int) returns int
      language sql security definer set search_path = pg_catalog, public as $$
        with gone as (delete from rate_limit_buckets
          where updated_at < clock_timestamp() - make_interval(secs => p_idle_seconds) returning 1)
        select count(*)::int from gone $$;`);
    this.addSql(`revoke all on function guichet_forget_full_buckets(int) from public;`);
    this.addSql(`grant execute on function guichet_forget_full_buckets(int) to guichet_api;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function guichet_forget_full_buckets(int);`);
    this.addSql(
      `drop function guichet_take_points(text, double precision, double precision, double precision);`,
    );
    this.addSql(`drop table rate_limit_buckets;`);
  }
}
