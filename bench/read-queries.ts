/**
 * The reads `bench:read` compares, each with its PostGraphile 5 equivalent over the same tables
 * (families by name then id, as Guichet lists them; reservations newest first, by created_at then
 * id, as Guichet pages them). `shape` walks a response into the node count at each level and a
 * content fingerprint (values both servers return, order-independent where the two orders are
 * documented differently, e.g. children eldest first against PostGraphile's primary key order).
 */
export interface ReadQuery {
  name: string;
  guichet: string;
  peer: string;
  guichetShape(data: any): Shape;
  peerShape(data: any): Shape;
}

export interface Shape {
  /** Nodes at each level, e.g. "50/99/99/99" (families/children/schools/services lists). */
  levels: string;
  fingerprint: string;
}

const sortedJson = (values: unknown[]) => JSON.stringify(values.map((v) => JSON.stringify(v)).sort());

/** families → children → school → services, as the README's example and the acceptance check. */
function nestedShape(
  families: any[],
  children: (f: any) => any[],
  school: (c: any) => any,
  services: (s: any) => any[],
): Shape {
  let kids = 0;
  let schools = 0;
  let serviceCount = 0;
  const content = families.map((family) => {
    const list = children(family).map((child) => {
      kids++;
      const s = school(child);
      if (!s) return [child.firstName, null];
      schools++;
      const svc = services(s).map((v) => [v.name, v.kind]);
      serviceCount += svc.length;
      return [child.firstName, s.name, sortedJson(svc)];
    });
    return [family.name, sortedJson(list)];
  });
  return {
    levels: [families.length, kids, schools, serviceCount].join('/'),
    fingerprint: JSON.stringify(content),
  };
}

/** families → reservations (first 20, newest first) → session → service. */
function deeperShape(
  families: any[],
  reservations: (f: any) => any[],
  session: (r: any) => any,
  service: (s: any) => any,
): Shape {
  let count = 0;
  let sessions = 0;
  let services = 0;
  const content = families.map((family) =>
    reservations(family).map((r) => {
      count++;
      const s = session(r);
      if (s) sessions++;
      const v = s ? service(s) : null;
      if (v) services++;
      return v?.name ?? null;
    }),
  );
  return {
    levels: [families.length, count, sessions, services].join('/'),
    fingerprint: JSON.stringify(content),
  };
}

export const READ_QUERIES: ReadQuery[] = [
  {
    name: 'nested',
    guichet:
      '{ families(first: 50) { nodes { id name children { firstName school { name services { name kind } } } } } }',
    peer: '{ allFamilies(first: 50, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { id name childrenByTenantIdAndFamilyId { nodes { firstName facilityByTenantIdAndSchoolId { name servicesByTenantIdAndFacilityId { nodes { name kind } } } } } } } }',
    guichetShape: (d) =>
      nestedShape(
        d.families.nodes,
        (f) => f.children,
        (c) => c.school,
        (s) => s.services,
      ),
    peerShape: (d) =>
      nestedShape(
        d.allFamilies.nodes,
        (f) => f.childrenByTenantIdAndFamilyId.nodes,
        (c) => c.facilityByTenantIdAndSchoolId,
        (s) => s.servicesByTenantIdAndFacilityId.nodes,
      ),
  },
  {
    name: 'deeper',
    guichet:
      '{ families(first: 50) { nodes { reservations(first: 20) { nodes { session { service { name } } } } } } }',
    peer: '{ allFamilies(first: 50, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { reservationsByTenantIdAndFamilyId(first: 20, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC]) { nodes { sessionByTenantIdAndSessionId { serviceByTenantIdAndServiceId { name } } } } } } }',
    guichetShape: (d) =>
      deeperShape(
        d.families.nodes,
        (f) => f.reservations.nodes,
        (r) => r.session,
        (s) => s.service,
      ),
    peerShape: (d) =>
      deeperShape(
        d.allFamilies.nodes,
        (f) => f.reservationsByTenantIdAndFamilyId.nodes,
        (r) => r.sessionByTenantIdAndSessionId,
        (s) => s.serviceByTenantIdAndServiceId,
      ),
  },
  {
    // The fixed cost of a request: no table read on either side (Guichet still authenticates
    // and opens its request transaction; PostGraphile answers without PostgreSQL).
    name: 'trivial',
    guichet: '{ viewer { roles } }',
    peer: '{ __typename }',
    guichetShape: (d) => ({ levels: String(d.viewer.roles.length), fingerprint: '' }),
    peerShape: (d) => ({ levels: d.__typename === 'Query' ? '1' : '0', fingerprint: '' }),
  },
  {
    // The fixed cost of a request that reads one row of a table under row-level security: the
    // first family by name, on both sides.
    name: 'trivialDb',
    guichet: '{ families(first: 1) { nodes { name } } }',
    peer: '{ allFamilies(first: 1, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { name } } }',
    guichetShape: (d) => ({
      levels: String(d.families.nodes.length),
      fingerprint: d.families.nodes[0]?.name,
    }),
    peerShape: (d) => ({
      levels: String(d.allFamilies.nodes.length),
      fingerprint: d.allFamilies.nodes[0]?.name,
    }),
  },
];
