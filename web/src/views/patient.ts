// A patient (#/patient/MRN): their orders, newest first and older ones on demand, with every
// result (preliminary ones too, with their holds), the cumulative table of released values and a
// trend chart per analyte. The released
// report (#/report/MRN) is what a clinician reads.

import { get, messageOf, query, seg } from '../api';
import { navigate, type ViewContext } from '../app';
import { trendChart } from '../charts';
import { button, errorBox, field, h, replace } from '../dom';
import { formatTime, isCritical, routeHash } from '../format';
import type { Cumulative, CumulativeTest, PatientRecord, PatientReport } from '../types';
import { emptyRow, flagBadge, patientBanner, priorityBadge, statusBadge, time } from './parts';

// Orders per page of the patient's history (docs/api.md, GET /api/patients/{mrn}).
const ORDERS_PER_PAGE = 20;

export async function patientView(ctx: ViewContext): Promise<void> {
  const mrn = ctx.route.params[0];
  if (!mrn) return patientSearch(ctx);
  ctx.title(`Patient ${mrn}`);
  const [record, cumulative] = await Promise.all([
    get<PatientRecord>(`/api/patients/${seg(mrn)}${query({ orders: ORDERS_PER_PAGE })}`),
    get<Cumulative>(`/api/patients/${seg(mrn)}/cumulative`),
  ]);
  if (!ctx.alive()) return;

  const orderCard = ({ order, specimens, results }: PatientRecord['orders'][number]) =>
    h(
      'section',
      { class: 'card order-card', 'data-order': order.order_number },
      h(
        'div',
        { class: 'page-head' },
        h('h3', null, 'Order ', h('a', { class: 'mono', href: routeHash('order', [order.order_number]) }, order.order_number)),
        priorityBadge(order.priority),
        h('span', { class: 'sub' }, `ordered ${formatTime(order.ordered_at)} by ${order.ordering_provider}`),
      ),
      h(
        'table',
        { class: 'grid compact' },
        h('thead', null, h('tr', null, ['Test', 'Specimen', 'Value', 'Flag', 'Reference', 'Status', 'Released'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          results.length === 0
            ? emptyRow(7, 'No tests.')
            : results.map((r) => {
                const specimen = specimens.find((s) => s.id === r.result.specimen_id);
                return h(
                  'tr',
                  { class: isCritical(r.result.flag) ? 'row-critical' : '', 'data-test': r.result.test_code, 'data-status': r.result.status },
                  h(
                    'td',
                    null,
                    specimen ? h('a', { href: routeHash('result', [specimen.accession_number, r.result.test_code]) }, r.result.test_code) : r.result.test_code,
                    h('div', { class: 'sub' }, r.test_name ?? ''),
                  ),
                  h('td', { class: 'mono' }, specimen ? h('a', { href: routeHash('specimen', [specimen.accession_number]) }, specimen.accession_number) : '—'),
                  h('td', { class: 'value' }, r.result.value ? `${r.result.value.reported} ${r.result.value.unit}` : ''),
                  h('td', null, flagBadge(r.result.flag)),
                  h('td', null, r.result.reference_range),
                  h('td', null, statusBadge(r.result.status), r.holds.length ? h('div', { class: 'sub held-for' }, `held: ${r.holds.map((x) => x.category).join(', ')}`) : null),
                  h('td', null, time(r.result.released_at)),
                );
              }),
        ),
      ),
    );
  const orderList = h('div', { class: 'orders' }, record.orders.map(orderCard));
  const ordersError = errorBox();
  let older = record.next;
  const moreOrders = button('Load older orders', () => void loadOlder(), { key: 'm' });
  moreOrders.id = 'patient-more-orders';
  moreOrders.hidden = older === null;
  const loadOlder = async (): Promise<void> => {
    if (older === null || moreOrders.disabled) return;
    moreOrders.disabled = true;
    ordersError.clear();
    try {
      const page = await get<PatientRecord>(`/api/patients/${seg(mrn)}${query({ orders: ORDERS_PER_PAGE, before: older })}`);
      if (!ctx.alive()) return;
      const cards = page.orders.map(orderCard);
      cards.forEach((card) => orderList.appendChild(card));
      older = page.next;
      moreOrders.hidden = older === null;
      // Keyboard users carry on from the first order just loaded.
      cards[0]?.querySelector<HTMLAnchorElement>('a')?.focus();
    } catch (error) {
      if (ctx.alive()) ordersError.show(`Could not load older orders: ${messageOf(error)}`);
    } finally {
      moreOrders.disabled = false;
    }
  };

  // Cumulative: tests down, collection times across (oldest first, as the API gives them).
  const times = [...new Set(cumulative.tests.flatMap((t) => t.points.map((p) => p.at)))].sort();
  const cumulativeTable = h(
    'table',
    { class: 'grid compact cumulative', 'aria-labelledby': 'cumulative-title' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Test'), h('th', { scope: 'col' }, 'Unit'), times.map((t) => h('th', { scope: 'col' }, time(t))))),
    h(
      'tbody',
      null,
      cumulative.tests.length === 0
        ? emptyRow(2, 'No released values yet.')
        : cumulative.tests.map((t) =>
            h(
              'tr',
              { 'data-test': t.code },
              h('th', { scope: 'row' }, t.code, h('div', { class: 'sub' }, t.name)),
              h('td', null, t.unit),
              times.map((at) => {
                const point = t.points.find((p) => p.at === at);
                return h(
                  'td',
                  { class: `value${point && isCritical(point.flag) ? ' critical-text' : ''}` },
                  point ? [point.reported, point.flag ? ` ${point.flag}` : '', point.status === 'corrected' ? h('span', { class: 'sub', title: 'corrected' }, ' (c)') : null] : '',
                );
              }),
            ),
          ),
    ),
  );

  const charted = cumulative.tests.filter((t) => t.points.some((p) => typeof p.value === 'number'));
  const analyte = h(
    'select',
    { id: 'trend-analyte' },
    charted.map((t) => h('option', { value: t.code }, `${t.code} — ${t.name}`)),
  );
  const chartBox = h('div', { class: 'chart', id: 'trend-chart', role: 'img' });
  let destroyChart: (() => void) | null = null;
  const drawTrend = () => {
    destroyChart?.();
    destroyChart = null;
    replace(chartBox);
    const test: CumulativeTest | undefined = charted.find((t) => t.code === analyte.value);
    if (!test) {
      chartBox.appendChild(h('p', { class: 'sub' }, 'No numeric released values to chart.'));
      chartBox.setAttribute('aria-label', 'no trend to show');
      return;
    }
    chartBox.setAttribute('aria-label', `Trend of ${test.name}: ${test.points.map((p) => `${p.reported} on ${formatTime(p.at)}`).join(', ')}`);
    destroyChart = trendChart(chartBox, test.points, { label: test.code, unit: test.unit });
  };
  analyte.addEventListener('change', drawTrend);
  ctx.onCleanup(() => destroyChart?.());

  replace(
    ctx.main,
    patientBanner(record.patient),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Patient history'),
      h('a', { href: routeHash('report', [mrn]), class: 'button-link', 'aria-keyshortcuts': 'v' }, 'Released report', h('kbd', { 'aria-hidden': 'true' }, 'v')),
      h('a', { href: routeHash('order', [], { mrn }), class: 'button-link', 'aria-keyshortcuts': 'o' }, 'New order', h('kbd', { 'aria-hidden': 'true' }, 'o')),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'trend-title' },
      h('h2', { id: 'trend-title' }, 'Trend'),
      charted.length ? field('Analyte', analyte) : null,
      chartBox,
    ),
    h('section', { class: 'card scroll-x', 'aria-labelledby': 'cumulative-title' }, h('h2', { id: 'cumulative-title' }, 'Cumulative results (released)'), cumulativeTable),
    h(
      'section',
      { 'aria-labelledby': 'orders-title' },
      h('h2', { id: 'orders-title' }, 'Orders'),
      record.orders.length ? orderList : h('p', { class: 'sub' }, 'No orders.'),
      ordersError,
      h('p', { class: 'more' }, moreOrders),
    ),
  );
  drawTrend();

  ctx.shortcuts('Patient', [
    { key: 'v', description: 'Open the released report', run: () => navigate(routeHash('report', [mrn])) },
    { key: 'o', description: 'New order for this patient', run: () => navigate(routeHash('order', [], { mrn })) },
    { key: 'a', description: 'Choose the analyte to chart', run: () => analyte.focus() },
    { key: 'm', description: 'Load older orders', run: () => void loadOlder() },
  ]);
}

function patientSearch(ctx: ViewContext): void {
  ctx.title('Find a patient');
  const mrn = h('input', { type: 'text', id: 'patient-mrn', required: true, autocomplete: 'off', spellcheck: 'false' });
  const error = errorBox();
  replace(
    ctx.main,
    h('h1', { tabindex: '-1' }, 'Find a patient'),
    h(
      'form',
      {
        class: 'card row',
        role: 'search',
        onsubmit: (event: Event) => {
          event.preventDefault();
          const value = mrn.value.trim();
          if (!value) {
            error.show('Type the MRN.');
            return;
          }
          navigate(routeHash('patient', [value]));
        },
      },
      field('MRN', mrn),
      h('button', { type: 'submit', class: 'primary' }, 'Open'),
      error,
    ),
  );
  mrn.focus();
}

export async function reportView(ctx: ViewContext): Promise<void> {
  const mrn = ctx.route.params[0] ?? '';
  ctx.title(`Report ${mrn}`);
  const report = await get<PatientReport>(`/api/patients/${seg(mrn)}/report`);
  if (!ctx.alive()) return;
  const orders = report.orders.map((detail) => {
    const released = detail.results.filter((r) => r.result.status === 'final' || r.result.status === 'corrected');
    return h(
      'section',
      { class: 'card report-order', 'data-order': detail.order.order_number },
      h(
        'h2',
        null,
        'Order ',
        h('span', { class: 'mono' }, detail.order.order_number),
        ' ',
        priorityBadge(detail.order.priority),
        h('span', { class: 'sub' }, ` ${detail.order.ordering_provider}; collected ${detail.specimens.map((s) => formatTime(s.collected_at)).join(', ')}`),
      ),
      h(
        'table',
        { class: 'grid compact' },
        h('thead', null, h('tr', null, ['Test', 'Result', 'Flag', 'Reference interval', 'Status', 'Released'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          released.length === 0
            ? emptyRow(6, 'No released results on this order yet.')
            : released.map((r) =>
                h(
                  'tr',
                  { class: isCritical(r.result.flag) ? 'row-critical' : '', 'data-test': r.result.test_code },
                  h('td', null, r.test_name ?? r.result.test_code, h('span', { class: 'sub' }, ` (${r.result.test_code})`)),
                  h(
                    'td',
                    { class: 'value' },
                    r.result.value ? `${r.result.value.reported} ${r.result.value.unit}` : '',
                    r.revisions.map((rev) => h('div', { class: 'sub' }, `corrected from ${rev.value.reported} ${rev.value.unit}${rev.reason ? `: ${rev.reason}` : ''}`)),
                    (r.comments ?? []).filter((c) => c.on_report).map((c) => h('div', { class: 'report-comment' }, c.text)),
                  ),
                  h('td', null, flagBadge(r.result.flag)),
                  h('td', null, r.result.reference_range),
                  h('td', null, statusBadge(r.result.status)),
                  h('td', null, time(r.result.released_at), ` ${r.result.released_by}`),
                ),
              ),
        ),
      ),
      detail.results.some((r) => r.critical_calls.length)
        ? h(
            'ul',
            { class: 'plain sub' },
            detail.results.flatMap((r) =>
              r.critical_calls.map((c) => h('li', null, `Critical ${r.result.test_code} called to ${c.called_to} by ${c.called_by} at ${formatTime(c.called_at)}${c.read_back_confirmed ? ', read back' : ''}.`)),
            ),
          )
        : null,
    );
  });
  replace(
    ctx.main,
    patientBanner(report.patient),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Released report'),
      h('span', { class: 'sub' }, `produced ${formatTime(report.produced_at)}`),
      button('Print', () => window.print(), { key: 'P', keyLabel: 'P' }),
      h('a', { href: routeHash('patient', [mrn]), class: 'button-link' }, 'Patient history'),
    ),
    orders.length ? orders : h('p', null, 'No orders.'),
  );
  ctx.shortcuts('Report', [{ key: 'P', label: 'Shift+p', description: 'Print the report', run: () => window.print() }]);
}
