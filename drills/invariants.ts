/**
 * The drills' invariants, read from the database as its owner (no row-level security, nothing
 * written). Each returns the violations it found, one sentence each naming the rows; none: it holds.
 * They are plain functions of a connection and a tenant, so a test can run them on a database it
 * tampered with (test/drill-invariants.test.ts) and see them name the damage.
 */
export interface Queryable {
  query<R = any>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

async function rows<R = Record<string, any>>(db: Queryable, sql: string, params: unknown[]): Promise<R[]> {
  return (await db.query<R>(sql, params)).rows;
}

/** The tenant's id from its slug. */
export async function tenantId(db: Queryable, slug: string): Promise<string> {
  const [row] = await rows<{ id: string }>(db, 'select id from tenants where slug = $1', [slug]);
  if (!row) throw new Error(`no tenant ${slug}`);
  return row.id;
}

/**
 * Every lunch eaten (or other billable outcome) is charged exactly once, and every charge is on
 * at most one invoice whose total includes it: no reservation with two charges, no attended
 * reservation without one, no charge for a lunch not eaten (booked, or cancelled in time), no
 * invoice whose lines differ from its charges.
 */
export async function billedExactlyOnce(db: Queryable, tenant: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of await rows(
    db,
    `select r.id, r.status, count(c.id)::int as charges
     from reservations r
     join sessions s on s.id = r.session_id
     join services v on v.id = s.service_id
     left join charges c on c.reservation_id = r.id
     where r.tenant_id = $1
     group by r.id, r.status
     having count(c.id) > 1 or (r.status = 'ATTENDED' and count(c.id) = 0)
         or (r.status in ('BOOKED', 'CANCELLED') and count(c.id) > 0)`,
    [tenant],
  )) {
    found.push(`reservation ${r.id} (${r.status}) has ${r.charges} charges`);
  }
  for (const r of await rows(
    db,
    `select i.number, i.total, coalesce(c.sum, 0)::int as charged, coalesce(l.sum, 0)::int as lines
     from invoices i
     left join (select invoice_id, sum(amount) from charges where tenant_id = $1 group by 1) c on c.invoice_id = i.id
     left join (select invoice_id, sum(amount) from invoice_lines where tenant_id = $1 group by 1) l on l.invoice_id = i.id
     where i.tenant_id = $1 and i.kind in ('INVOICE', 'CATCH_UP')
       and (i.total <> coalesce(c.sum, 0) or i.total <> coalesce(l.sum, 0))`,
    [tenant],
  )) {
    found.push(
      `invoice ${r.number} totals ${r.total} but its charges sum to ${r.charged}, its lines to ${r.lines}`,
    );
  }
  return found;
}

/** Every charge dated up to `through` is on an invoice (billing resumed: nothing left behind). */
export async function invoicedThrough(db: Queryable, tenant: string, through: string): Promise<string[]> {
  return (
    await rows(
      db,
      `select id, to_char(date, 'YYYY-MM-DD') as date, reason from charges
       where tenant_id = $1 and date <= $2::date and invoice_id is null and reason <> 'CONSUMPTION'`,
      [tenant, through],
    )
  ).map((c) => `charge ${c.id} (${c.reason}, ${c.date}) was never invoiced`);
}

/**
 * No lunch eaten or charged on a closed day: a closure period of the tenant (all its facilities or
 * the session's), or a school or public holiday of the calendars the service closes on.
 */
export async function noneOnClosedDay(db: Queryable, tenant: string): Promise<string[]> {
  return (
    await rows(
      db,
      `select r.id, to_char(s.date, 'YYYY-MM-DD') as date, coalesce(cp.name, cd.name) as closed_for
       from reservations r
       join sessions s on s.id = r.session_id
       join services v on v.id = s.service_id
       join tenants t on t.id = r.tenant_id
       left join closure_periods cp on cp.tenant_id = r.tenant_id and s.date between cp.starts_on and cp.ends_on
         and (cp.facility_id is null or cp.facility_id = s.facility_id)
         and (cp.service_kinds is null or cardinality(cp.service_kinds) = 0 or v.kind::text = any(cp.service_kinds))
       left join calendar_days cd on cd.date = s.date and (
         (v.closed_on_public_holidays and cd.kind = 'PUBLIC_HOLIDAY' and cd.calendar = split_part(t.holiday_region, '-', 1))
         or (v.closed_on_school_holidays and cd.kind = 'SCHOOL_HOLIDAY' and cd.calendar = t.config_school_calendar))
       where r.tenant_id = $1 and r.status in ('ATTENDED', 'ABSENT_UNJUSTIFIED')
         and (cp.id is not null or cd.date is not null)`,
      [tenant],
    )
  ).map((r) => `reservation ${r.id} eaten on ${r.date}, closed (${r.closed_for})`);
}

/** Each payment plan's instalments add up to its total, numbered 1…n, each more than zero. */
export async function instalmentsAddUp(db: Queryable, tenant: string): Promise<string[]> {
  return (
    await rows(
      db,
      `select p.id, p.total, coalesce(sum(i.amount), 0)::int as sum, count(i.id)::int as n,
              coalesce(max(i.position), 0) as last, count(*) filter (where i.amount <= 0)::int as empty
       from payment_plans p left join instalments i on i.plan_id = p.id
       where p.tenant_id = $1 group by p.id, p.total
       having coalesce(sum(i.amount), 0) <> p.total or count(i.id) <> coalesce(max(i.position), 0)
          or count(i.id) = 0 or count(*) filter (where i.amount <= 0) > 0`,
      [tenant],
    )
  ).map((p) => `plan ${p.id} totals ${p.total} but its ${p.n} instalments sum to ${p.sum}`);
}

/** Invoice numbers (and credit notes') run 1…n in each series and year: no gap, no double. */
export async function invoiceNumbersGapless(db: Queryable, tenant: string): Promise<string[]> {
  return (
    await rows(
      db,
      `select series, year, count(*)::int as n, count(distinct sequence)::int as distinct_n,
              min(sequence) as first, max(sequence) as last
       from invoices where tenant_id = $1 group by series, year
       having min(sequence) <> 1 or max(sequence) <> count(*) or count(distinct sequence) <> count(*)`,
      [tenant],
    )
  ).map((s) => `series ${s.series}${s.year ?? ''}: ${s.n} documents numbered ${s.first}…${s.last}`);
}

/**
 * No session holds more places than its capacity, and its count of places taken is the truth
 * (reservations holding a place: not cancelled, no place released).
 */
export async function capacityNeverExceeded(
  db: Queryable,
  tenant: string,
  kind = 'LEISURE_CENTRE',
): Promise<string[]> {
  return (
    await rows(
      db,
      `select s.id, to_char(s.date, 'YYYY-MM-DD') as date, s.capacity, s.places_taken, count(r.id)::int as held
       from sessions s join services v on v.id = s.service_id
       left join reservations r on r.session_id = s.id and r.status not in ('CANCELLED', 'LATE_CANCELLED')
         and r.place_released_at is null and r.channel <> 'WALK_IN'
       where s.tenant_id = $1 and v.kind = $2
       group by s.id
       having count(r.id) > s.capacity or count(r.id) <> s.places_taken`,
      [tenant, kind],
    )
  ).map(
    (s) =>
      `session ${s.id} (${s.date}): ${s.held} places held for a capacity of ${s.capacity} (counted ${s.places_taken})`,
  );
}

/**
 * Each place a waitlist gave was given once, to an entry of that session, and in rank order: no
 * entry still WAITING alone (not in a sibling group, which may let a single place pass) ranks
 * ahead of one that was promoted. Rank: priority points (descending), then arrival.
 */
export async function placesGivenInRankOrder(db: Queryable, tenant: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of await rows(
    db,
    `select e.reservation_id, count(*)::int as n from waitlist_entries e
     where e.tenant_id = $1 and e.reservation_id is not null group by 1 having count(*) > 1`,
    [tenant],
  )) {
    found.push(`reservation ${r.reservation_id} was given to ${r.n} waitlist entries`);
  }
  for (const r of await rows(
    db,
    `select e.id from waitlist_entries e left join reservations r on r.id = e.reservation_id
     where e.tenant_id = $1 and e.status = 'PROMOTED'
       and (r.id is null or r.session_id <> e.session_id or r.child_id <> e.child_id)`,
    [tenant],
  )) {
    found.push(`entry ${r.id} is PROMOTED without its own reservation on its session`);
  }
  for (const r of await rows(
    db,
    `select p.id as promoted, w.id as waiting, to_char(s.date, 'YYYY-MM-DD') as date
     from waitlist_entries p
     join waitlist_entries w on w.session_id = p.session_id and w.status = 'WAITING' and w.group_id is null
     join sessions s on s.id = p.session_id
     where p.tenant_id = $1 and p.status = 'PROMOTED'
       and (w.priority_points > p.priority_points
            or (w.priority_points = p.priority_points and w.joined_at < p.joined_at))`,
    [tenant],
  )) {
    found.push(`on ${r.date} entry ${r.promoted} got a place while ${r.waiting}, ahead of it, still waits`);
  }
  return found;
}

/**
 * Late cancellations are billed unless justified: LATE_CANCELLED has exactly one LATE_CANCELLATION
 * charge; a free cancellation none; a cancellation justified with a reason the tenant does not
 * bill, none.
 */
export async function lateCancellationsBilled(db: Queryable, tenant: string): Promise<string[]> {
  return (
    await rows(
      db,
      `select r.id, r.status, coalesce(a.code, '') as reason, count(c.id)::int as n,
              count(c.id) filter (where c.reason = 'LATE_CANCELLATION')::int as late
       from reservations r
       left join absence_reasons a on a.id = r.absence_reason_id
       left join charges c on c.reservation_id = r.id
       where r.tenant_id = $1 and r.cancelled_at is not null
       group by r.id, r.status, a.code, a.billable
       having (r.status = 'LATE_CANCELLED' and (count(c.id) <> 1 or count(c.id) filter (where c.reason = 'LATE_CANCELLATION') <> 1))
           or (r.status = 'CANCELLED' and count(c.id) > 0)
           or (r.status = 'ABSENT_JUSTIFIED' and not coalesce(a.billable, false) and count(c.id) > 0)`,
      [tenant],
    )
  ).map((r) => `reservation ${r.id} (${r.status}${r.reason ? ` ${r.reason}` : ''}) has ${r.n} charges`);
}

/** Each deposit recorded once: no two deposits of a family with the same reference; none over-allocated. */
export async function depositsCreditedOnce(db: Queryable, tenant: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of await rows(
    db,
    `select family_id, reference, count(*)::int as n from payments
     where tenant_id = $1 and is_deposit and reference is not null
     group by 1, 2 having count(*) > 1`,
    [tenant],
  )) {
    found.push(`deposit "${r.reference}" of family ${r.family_id} recorded ${r.n} times`);
  }
  for (const r of await rows(
    db,
    `select p.id, p.amount, sum(a.amount)::int as allocated from payments p join allocations a on a.payment_id = p.id
     where p.tenant_id = $1 group by p.id, p.amount having sum(a.amount) > p.amount`,
    [tenant],
  )) {
    found.push(`payment ${r.id} of ${r.amount} allocated ${r.allocated}`);
  }
  return found;
}

/**
 * Water: for each household regularised for `year`, its regularisation invoice equals the year's
 * consumption charges and is settled first by the year's debits, so that the debits plus what is
 * left due minus the surplus returned as credit equal the consumption; at most one debit per
 * household and month.
 */
export async function waterSettled(db: Queryable, tenant: string, year: number): Promise<string[]> {
  const found: string[] = [];
  for (const r of await rows(
    db,
    `select family_id, debit_period, count(*)::int as n from payments
     where tenant_id = $1 and debit_period is not null group by 1, 2 having count(*) > 1`,
    [tenant],
  )) {
    found.push(`household ${r.family_id} debited ${r.n} times for ${r.debit_period}`);
  }
  for (const r of await rows(
    db,
    `with consumption as (
       select family_id, sum(amount)::int as amount from charges
       where tenant_id = $1 and reason = 'CONSUMPTION' and extract(year from date) = $2::int group by 1),
     debits as (
       select family_id, sum(amount)::int as amount, array_agg(id) as ids from payments
       where tenant_id = $1 and debit_period like $2::int || '-%' group by 1),
     regularisation as (
       select i.family_id, i.id, i.total from invoices i
       where i.tenant_id = $1 and i.kind = 'REGULARISATION' and i.period_to = make_date($2::int, 12, 31))
     select g.family_id, g.total, coalesce(c.amount, 0) as consumed, coalesce(d.amount, 0) as debited,
            (select coalesce(sum(a.amount), 0) from allocations a
             where a.payment_id = any(d.ids) and a.invoice_id = g.id)::int as from_debits
     from regularisation g left join consumption c on c.family_id = g.family_id
     left join debits d on d.family_id = g.family_id`,
    [tenant, year],
  )) {
    // The year's debits settle its regularisation first (earmarked), up to the smaller of the two;
    // what the regularisation still asks is due, what the debits leave over is the family's credit.
    const due = r.total - r.from_debits;
    const surplus = r.debited - r.from_debits;
    if (r.total !== r.consumed)
      found.push(`household ${r.family_id}: regularised ${r.total}, consumed ${r.consumed}`);
    else if (r.from_debits !== Math.min(r.total, r.debited) || r.debited + due - surplus !== r.consumed) {
      found.push(
        `household ${r.family_id}: debits ${r.debited} settled ${r.from_debits} of a regularisation of ${r.total} (consumption ${r.consumed})`,
      );
    }
  }
  return found;
}
