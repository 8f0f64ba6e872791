// The worklist of a section (#/worklist/chemistry; #/worklist for every section): pending and
// preliminary work, STAT first, as GET /api/worklist orders it, a page at a time ("100 of
// 3,106", then "Load more"). Live: any result or specimen event refetches what is shown
// (debounced, as a burst of results arrives together).

import { get, messageOf, query } from '../api';
import { app, navigate, type ViewContext } from '../app';
import { button, h, replace } from '../dom';
import { debounce, formatTime, holdSummary, isCritical, patientName, routeHash } from '../format';
import type { Worklist, WorklistRow } from '../types';
import { emptyRow, flagBadge, priorityBadge, reported, statusBadge } from './parts';

const REFRESH_DEBOUNCE_MS = 150;
// Rows per page, and the most the API gives in one page (docs/api.md, GET /api/worklist).
const PAGE_ROWS = 100;
const MOST_ROWS = 500;

export async function worklistView(ctx: ViewContext): Promise<void> {
  const section = ctx.route.params[0] ?? '';
  const sections = await app.sections();
  if (!ctx.alive()) return;
  const sectionName = section ? (sections.find((s) => s.code === section)?.name ?? section) : 'All sections';
  ctx.title(`Worklist — ${sectionName}`);

  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Sections' },
    h('ul', null, [
      h('li', null, h('a', { href: routeHash('worklist'), 'aria-current': section === '' ? 'page' : false }, 'All')),
      ...sections.map((s) =>
        h('li', null, h('a', { href: routeHash('worklist', [s.code]), 'aria-current': s.code === section ? 'page' : false }, s.name)),
      ),
    ]),
  );
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const updated = h('span', { class: 'hint', id: 'worklist-updated' });
  const tbody = h('tbody');
  const more = button('Load more', () => void loadMore(), { key: 'm' });
  more.id = 'worklist-more';
  more.hidden = true;
  const table = h(
    'table',
    { class: 'grid worklist', 'aria-labelledby': 'worklist-title', 'aria-describedby': 'worklist-help' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Priority', 'Accession', 'Patient', 'Test', 'Value', 'Flag', 'Status', 'Held for', 'Received'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    tbody,
  );
  replace(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', { id: 'worklist-title', tabindex: '-1' }, `Worklist — ${sectionName}`), updated),
    tabs,
    summary,
    h('p', { class: 'hint', id: 'worklist-help' }, 'j/k or ↓/↑ choose a row, Enter opens it, [ and ] change section, r refreshes.'),
    table,
    h('p', { class: 'more' }, more),
  );

  let rows: WorklistRow[] = [];
  let total = 0;
  let next: string | null = null;
  let selected = -1;
  let known = new Set<string>();
  let first = true;

  const keyOf = (row: WorklistRow) => `${row.specimen.accession_number}/${row.result.test_code}`;

  const draw = () => {
    const selectedKey = selected >= 0 && rows[selected] ? keyOf(rows[selected]) : null;
    replace(tbody);
    if (rows.length === 0) {
      tbody.appendChild(emptyRow(9, 'Nothing pending in this section.'));
    }
    const fresh = new Set<string>();
    rows.forEach((row, index) => {
      const key = keyOf(row);
      fresh.add(key);
      const critical = isCritical(row.result.flag);
      const held = (row.holds?.length ?? 0) > 0;
      const link = h(
        'a',
        { href: routeHash('result', [row.specimen.accession_number, row.result.test_code]), class: 'mono' },
        row.specimen.accession_number,
      );
      const tr = h(
        'tr',
        {
          class: [critical ? 'row-critical' : '', held ? 'row-held' : '', !first && !known.has(key) ? 'row-new' : ''].join(' ').trim(),
          'data-accession': row.specimen.accession_number,
          'data-test': row.result.test_code,
          'data-status': row.result.status,
          'data-flag': row.result.flag,
          onclick: (event: MouseEvent) => {
            if ((event.target as HTMLElement).closest('a')) return;
            selected = index;
            navigate(link.getAttribute('href')!);
          },
        },
        h('td', null, priorityBadge(row.order.priority)),
        h('td', null, link),
        h('td', null, patientName(row.patient), h('div', { class: 'sub mono' }, row.patient.mrn)),
        h('td', null, h('abbr', { title: row.test_name ?? row.result.test_code }, row.result.test_code), h('div', { class: 'sub' }, row.test_name ?? '')),
        h('td', { class: 'value' }, reported(row.result), row.result.value ? ` ${row.unit ?? row.result.value.unit ?? ''}` : ''),
        h('td', null, flagBadge(row.result.flag)),
        h('td', null, statusBadge(row.result.status)),
        h('td', { class: held ? 'held-for' : '' }, holdSummary(row.holds)),
        h('td', null, formatTime(row.specimen.received_at)),
      );
      tbody.appendChild(tr);
    });
    known = fresh;
    first = false;
    if (selectedKey) {
      const again = rows.findIndex((r) => keyOf(r) === selectedKey);
      selected = again;
    }
    highlight(false);
    const criticals = rows.filter((r) => isCritical(r.result.flag)).length;
    const held = rows.filter((r) => (r.holds?.length ?? 0) > 0).length;
    const shown = total > rows.length ? `${rows.length.toLocaleString()} of ${total.toLocaleString()}` : `${rows.length}`;
    summary.textContent = `${shown} test${total === 1 ? '' : 's'} pending or preliminary; ${criticals} critical; ${held} held${total > rows.length ? ' on this list' : ''}.`;
    more.hidden = next === null;
    updated.textContent = `updated ${formatTime(new Date().toISOString())}`;
  };

  const highlight = (focus: boolean) => {
    tbody.querySelectorAll('tr').forEach((tr, index) => {
      if (index === selected) {
        tr.setAttribute('aria-selected', 'true');
        tr.classList.add('selected');
        if (focus) tr.querySelector<HTMLAnchorElement>('a')?.focus();
      } else {
        tr.removeAttribute('aria-selected');
        tr.classList.remove('selected');
      }
    });
  };

  let loading: Promise<void> | null = null;
  let again = false;
  const load = async (): Promise<void> => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      try {
        // A refresh keeps as many rows as were shown (up to what one page may hold).
        const limit = Math.min(MOST_ROWS, Math.max(PAGE_ROWS, rows.length));
        const list = await get<Worklist>(`/api/worklist${query({ section, limit })}`);
        if (!ctx.alive()) return;
        rows = list.rows;
        total = list.total;
        next = list.next;
        draw();
      } catch (error) {
        if (!ctx.alive()) return;
        summary.textContent = `Could not load the worklist: ${messageOf(error)}`;
        summary.classList.add('form-error');
        return;
      }
      summary.classList.remove('form-error');
    })();
    try {
      await loading;
    } finally {
      loading = null;
      if (again && ctx.alive()) {
        again = false;
        void load();
      }
    }
  };

  const loadMore = async (): Promise<void> => {
    if (next === null || loading) return;
    more.disabled = true;
    try {
      const list = await get<Worklist>(`/api/worklist${query({ section, limit: PAGE_ROWS, after: next })}`);
      if (!ctx.alive()) return;
      const firstNew = rows.length;
      rows = rows.concat(list.rows);
      total = list.total;
      next = list.next;
      draw();
      // Keyboard users carry on from the first row just loaded.
      if (list.rows.length > 0) {
        selected = firstNew;
        highlight(true);
      }
    } catch (error) {
      if (!ctx.alive()) return;
      summary.textContent = `Could not load more of the worklist: ${messageOf(error)}`;
      summary.classList.add('form-error');
    } finally {
      more.disabled = false;
    }
  };

  const refresh = debounce(() => void load(), REFRESH_DEBOUNCE_MS);
  ctx.onCleanup(() => refresh.cancel());
  ctx.onEvent((event) => {
    if (event.type === 'result' && section && event.section && event.section !== section) return;
    refresh();
  });

  const move = (step: number) => {
    if (rows.length === 0) return;
    selected = selected < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, selected + step));
    highlight(true);
  };
  const open = () => {
    const row = rows[selected];
    if (row) navigate(routeHash('result', [row.specimen.accession_number, row.result.test_code]));
  };
  const switchSection = (step: number) => {
    const codes = ['', ...sections.map((s) => s.code)];
    const index = codes.indexOf(section);
    const next = codes[(index + step + codes.length) % codes.length];
    navigate(next ? routeHash('worklist', [next]) : routeHash('worklist'));
  };
  ctx.shortcuts('Worklist', [
    { key: 'j', description: 'Next row', run: () => move(1) },
    { key: 'ArrowDown', label: '↓', description: 'Next row', run: () => move(1) },
    { key: 'k', description: 'Previous row', run: () => move(-1) },
    { key: 'ArrowUp', label: '↑', description: 'Previous row', run: () => move(-1) },
    { key: 'o', description: 'Open the chosen row (Enter on a row does too)', run: open },
    { key: ']', description: 'Next section', run: () => switchSection(1) },
    { key: '[', description: 'Previous section', run: () => switchSection(-1) },
    { key: 'r', description: 'Refresh now', run: () => void load() },
    { key: 'm', description: 'Load more rows', run: () => void loadMore() },
  ]);

  await load();
}
