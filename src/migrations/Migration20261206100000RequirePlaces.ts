import { Migration } from '@mikro-orm/migrations';

/**
 * `guichet_require_places(taken, wanted)`: a booking takes its places in the statement sent with
 * its COMMIT (src/reservations/reserve.service.ts `takePlaces`); when fewer places were left than
 * its snapshot showed (concurrent bookings took them meanwhile), this aborts the transaction with
 * serialization_failure, and the request path runs the booking again on a fresh snapshot.
 */
export class Migration20261206100000RequirePlaces extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function guichet_require_places(taken bigint, wanted int) returns boolean
      language plpgsql as $$
      begin
        if taken < wanted then
          raise exception 'places taken by concurrent bookings (% of %)', taken, wanted
            using errcode = 'serialization_failure';
        end if;
        return true;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists guichet_require_places(bigint, int);`);
  }
}
