/**
 * The dashboard page (`/dashboard`): static HTML and one script, no framework, Chart.js served
 * from node_modules (`/dashboard/chart.umd.js`). The token is pasted in and kept in the tab's
 * sessionStorage; figures come from the GraphQL `occupancy` and `billingTotals` queries (the month
 * of the range's last day), the tenant's banner, then `waitlistStatistics` for each service shown
 * (one aliased field each) and `placementStatistics` (childcare places, where the tenant has any).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Guichet — tableau de bord</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2733; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: end; }
  label { display: flex; flex-direction: column; font-size: .85rem; }
  #banner { background: #fff3cd; border: 1px solid #e0c36b; padding: .5rem 1rem; margin: 1rem 0; }
  #banner:empty { display: none; }
  table { border-collapse: collapse; margin-top: 1rem; }
  th, td { border-bottom: 1px solid #ccd; padding: .25rem .6rem; text-align: right; }
  th:first-child, td:first-child, td:nth-child(2) { text-align: left; }
  #error { color: #a00; }
  #chart-box { max-width: 960px; position: relative; }
  #billing-box { max-width: 420px; }
  .cards { display: flex; gap: 1rem; flex-wrap: wrap; }
  .card { border: 1px solid #ccd; border-radius: 6px; padding: .5rem 1rem; min-width: 9rem; }
  .card b { display: block; font-size: 1.2rem; }
</style>
</head>
<body>
<h1>Tableau de bord</h1>
<form id="form">
  <label>Jeton (Bearer)<input id="token" type="password" size="40" required></label>
  <label>Du<input id="from" type="date" required></label>
  <label>Au<input id="to" type="date" required></label>
  <button type="submit">Afficher</button>
</form>
<p id="error" role="alert"></p>
<div id="banner"></div>
<h2 id="tenant"></h2>
<div id="chart-box"><canvas id="chart" aria-label="Occupation par service"></canvas></div>
<table id="table"><thead><tr><th>Lieu</th><th>Service</th><th>Séances</th><th>Capacité</th>
<th>Réservées</th><th>Occupation</th><th>Présents</th><th>Sans réservation</th><th>Annulations tardives</th></tr></thead>
<tbody></tbody></table>
<h2>Facturation du mois <span id="period"></span></h2>
<div class="cards" id="billing"></div>
<div id="billing-box"><canvas id="billing-chart" aria-label="Facturé, payé, restant dû"></canvas></div>
<h2>Listes d'attente</h2>
<table id="waitlists"><thead><tr><th>Service</th><th>Inscriptions</th><th>Places proposées</th><th>Promues</th>
<th>Expirées</th><th>Délai médian (min)</th></tr></thead><tbody></tbody></table>
<h2>Places en crèche</h2>
<div class="cards" id="placements"></div>
<table id="placement-groups"><thead><tr><th>Établissement</th><th>Groupe d'âge</th><th>Places</th><th>Occupées</th>
<th>Offres en cours</th><th>En attente</th></tr></thead><tbody></tbody></table>
<script src="/dashboard/chart.umd.js"></script>
<script src="/dashboard/app.js"></script>
</body>
</html>
`;

export const DASHBOARD_JS = `'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const today = new Date().toISOString().slice(0, 10);
  $('from').value = today.slice(0, 8) + '01';
  $('to').value = today;
  $('token').value = sessionStorage.getItem('guichet-token') || '';
  let chart = null;
  let billingChart = null;
  const QUERY = 'query Dashboard($from: LocalDate!, $to: LocalDate!, $period: YearMonth!) { tenant { name operatingMode publicNotice } ' +
    'occupancy(from: $from, to: $to) { facilityName serviceId serviceName sessions capacity booked occupancyRate attended walkIns lateCancellations } ' +
    'billingTotals(period: $period) { invoices billed { minorUnits formatted } paid { minorUnits formatted } ' +
    'outstanding { minorUnits formatted } onPaymentPlans { minorUnits formatted } credited { minorUnits formatted } ' +
    'overdue { minorUnits formatted } overdueInvoices } }';
  function fill(table, rows) {
    table.querySelector('tbody').replaceChildren(...rows.map((values) => {
      const tr = document.createElement('tr');
      for (const v of values) { const td = document.createElement('td'); td.textContent = String(v); tr.appendChild(td); }
      return tr;
    }));
  }
  async function gql(token, query, variables) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join(' '));
    return body.data;
  }
  // Waitlists of the services shown (one aliased field each, at most 20) and childcare places.
  async function queues(token, occupancy) {
    const services = [...new Map(occupancy.map((o) => [o.serviceId, o.serviceName])).entries()].slice(0, 20);
    const fields = services.map(([id], i) => 'w' + i + ': waitlistStatistics(serviceId: ' + JSON.stringify(id) +
      ', from: $from, to: $to) { count offered promoted expired medianMinutesToPlace }');
    const data = await gql(token, 'query Queues' + (fields.length ? '($from: LocalDate!, $to: LocalDate!)' : '') + ' { ' + fields.join(' ') +
      ' placementStatistics { offered accepted declined expired medianDaysToPlacement urgentPastDeadline ' +
      'groups { ageGroup capacity placesTaken openOffers waiting facility { name } } } }',
      fields.length ? { from: $('from').value, to: $('to').value } : {});
    const lists = services.map(([, name], i) => [name, data['w' + i]]).filter(([, w]) => w.count > 0);
    fill($('waitlists'), lists.map(([name, w]) => [name, w.count, w.offered, w.promoted, w.expired,
      w.medianMinutesToPlace === null ? '—' : w.medianMinutesToPlace]));
    const p = data.placementStatistics;
    const cards = [['Offres faites', p.offered], ['Acceptées', p.accepted], ['Refusées', p.declined],
      ['Expirées', p.expired], ['Délai médian (jours)', p.medianDaysToPlacement === null ? '—' : p.medianDaysToPlacement],
      ['Urgences hors délai', p.urgentPastDeadline]];
    $('placements').replaceChildren(...(p.groups.length ? cards : []).map(([label, value]) => {
      const card = document.createElement('div'); card.className = 'card';
      const b = document.createElement('b'); b.textContent = String(value);
      card.append(label, b); return card;
    }));
    fill($('placement-groups'), p.groups.map((g) => [g.facility.name, g.ageGroup, g.capacity, g.placesTaken, g.openOffers, g.waiting]));
    document.body.dataset.waitlists = String(lists.length);
    document.body.dataset.placementGroups = String(p.groups.length);
  }
  async function load() {
    $('error').textContent = '';
    const token = $('token').value.trim();
    sessionStorage.setItem('guichet-token', token);
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
      body: JSON.stringify({ query: QUERY, variables: { from: $('from').value, to: $('to').value, period: $('to').value.slice(0, 7) } }),
    });
    const body = await response.json();
    if (body.errors) { $('error').textContent = body.errors.map((e) => e.message).join(' '); return; }
    const { tenant, occupancy, billingTotals: bills } = body.data;
    $('tenant').textContent = tenant.name;
    $('banner').textContent = tenant.operatingMode === 'NORMAL' ? (tenant.publicNotice || '') :
      'Mode ' + tenant.operatingMode + (tenant.publicNotice ? ' — ' + tenant.publicNotice : '');
    const rows = $('table').querySelector('tbody');
    rows.replaceChildren(...occupancy.map((o) => {
      const tr = document.createElement('tr');
      for (const v of [o.facilityName || '—', o.serviceName, o.sessions, o.capacity, o.booked,
        Math.round(o.occupancyRate * 100) + ' %', o.attended, o.walkIns, o.lateCancellations]) {
        const td = document.createElement('td'); td.textContent = String(v); tr.appendChild(td);
      }
      return tr;
    }));
    const labels = occupancy.map((o) => (o.facilityName ? o.facilityName + ' — ' : '') + o.serviceName);
    if (chart) chart.destroy();
    // One bar group per line, legible whatever the number of schools (83 in Nîmes).
    $('chart-box').style.height = Math.max(240, 60 + labels.length * 26) + 'px';
    chart = new Chart($('chart'), {
      type: 'bar',
      data: { labels, datasets: [
        { label: 'Capacité', data: occupancy.map((o) => o.capacity), backgroundColor: '#c9d6e3' },
        { label: 'Réservées', data: occupancy.map((o) => o.booked), backgroundColor: '#2f6fb0' },
        { label: 'Présents', data: occupancy.map((o) => o.attended), backgroundColor: '#3c9a5f' },
      ] },
      options: { animation: false, indexAxis: 'y', maintainAspectRatio: false },
    });
    $('period').textContent = $('to').value.slice(0, 7);
    const cards = [['Factures', String(bills.invoices)], ['Facturé', bills.billed.formatted],
      ['Payé', bills.paid.formatted], ['Restant dû', bills.outstanding.formatted],
      ['En échéancier', bills.onPaymentPlans.formatted], ['En retard', bills.overdue.formatted + ' (' + bills.overdueInvoices + ')'],
      ['Avoirs', bills.credited.formatted]];
    $('billing').replaceChildren(...cards.map(([label, value]) => {
      const card = document.createElement('div'); card.className = 'card';
      const b = document.createElement('b'); b.textContent = value;
      card.append(label, b); return card;
    }));
    if (billingChart) billingChart.destroy();
    billingChart = new Chart($('billing-chart'), {
      type: 'doughnut',
      data: { labels: ['Payé', 'Restant dû'], datasets: [{
        data: [bills.paid.minorUnits / 100, bills.outstanding.minorUnits / 100],
        backgroundColor: ['#3c9a5f', '#d9822b'] }] },
      options: { animation: false },
    });
    document.body.dataset.loaded = String(occupancy.length);
    document.body.dataset.invoices = String(bills.invoices);
    await queues(token, occupancy);
  }
  $('form').addEventListener('submit', (event) => { event.preventDefault(); load().catch((e) => { $('error').textContent = String(e.message || e); }); });
  if ($('token').value) load().catch(() => undefined);
})();
`;
