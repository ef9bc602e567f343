import { Migration } from '@mikro-orm/migrations';

/**
 * `guichet_require_new_key(inserted)`: a unit's first attempt inserts its idempotency key with its
 * outcome in the statement sent with its COMMIT (src/idempotency/idempotency.service.ts); when the
 * key was already there (nothing inserted), this aborts the transaction with serialization_failure,
 * and the request path runs the attempt again, claiming the key first — which replays the stored
 * outcome or refuses the conflict.
 */
export class Migration20261207000000RequireNewKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function guichet_require_new_key(inserted bigint) returns boolean
      language plpgsql as $$
      begin
        if inserted < 1 then
          raise exception 'idempotency key already used'
            using errcode = 'serialization_failure';
        end if;
        return true;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists guichet_require_new_key(bigint);`);
  }
}
