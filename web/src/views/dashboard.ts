// Turnaround (#/tat?from=YYYY-MM-DD&to=YYYY-MM-DD): received to released, median and 90th
// percentile by priority and section against the catalog's targets, and the tests outside
// their target (GET /api/dashboard/turnaround).

import { get, query } from '../api';
import { navigate, type ViewContext } from '../app';
import { field, h, replace } from '../dom';
import { dateOf, formatMinutes, priorityRank, routeHash, toApiInstant } from '../format';
import type { Turnaround } from '../types';
import { emptyRow, priorityBadge } from './parts';

export async function dashboardView(ctx: ViewContext): Promise<void> {
  ctx.title('Turnaround');
  const today = new Date();
  const weekAgo = new Date(today.getTime() - 7 * 86_400_000);
  const fromDay = ctx.route.query.from ?? dateOf(weekAgo);
  const toDay = ctx.route.query.to ?? dateOf(today);
  const from = h('input', { type: 'date', id: 'tat-from', value: fromDay });
  const to = h('input', { type: 'date', id: 'tat-to', value: toDay });

  // The days as instants: from the start of `from` to the end of `to`, local time.
  const args = {
    from: toApiInstant(`${fromDay}T00:00`) ?? undefined,
    to: toApiInstant(`${toDay}T23:59`) ?? undefined,
  };
  const tat = await get<Turnaround>(`/api/dashboard/turnaround${query(args)}`);
  if (!ctx.alive()) return;

  const groups = [...tat.groups].sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || a.section.localeCompare(b.section));
  const over = (value: number | null, target: number | null) => value !== null && target !== null && value > target;
  replace(
    ctx.main,
    h('h1', { tabindex: '-1' }, 'Turnaround — received to released'),
    h(
      'form',
      {
        class: 'card row',
        onsubmit: (event: Event) => {
          event.preventDefault();
          navigate(routeHash('tat', [], { from: from.value, to: to.value }));
        },
      },
      field('From', from),
      field('To', to),
      h('button', { type: 'submit', class: 'primary' }, 'Show'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tat-groups-title' },
      h('h2', { id: 'tat-groups-title' }, 'By priority and section'),
      h(
        'table',
        { class: 'grid' },
        h('thead', null, h('tr', null, ['Priority', 'Section', 'Tests', 'Median', '90th percentile', 'Target', 'Outside target'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          groups.length === 0
            ? emptyRow(7, 'No released tests in this period.')
            : groups.map((g) =>
                h(
                  'tr',
                  null,
                  h('td', null, priorityBadge(g.priority)),
                  h('td', null, g.section),
                  h('td', { class: 'value' }, String(g.count)),
                  h('td', { class: `value${over(g.median_minutes, g.target_minutes) ? ' critical-text' : ''}` }, formatMinutes(g.median_minutes)),
                  h('td', { class: `value${over(g.p90_minutes, g.target_minutes) ? ' critical-text' : ''}` }, formatMinutes(g.p90_minutes)),
                  h('td', { class: 'value' }, formatMinutes(g.target_minutes)),
                  h('td', { class: `value${g.outside_target ? ' critical-text' : ''}` }, String(g.outside_target)),
                ),
              ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tat-outside-title' },
      h('h2', { id: 'tat-outside-title' }, `Outside target (${tat.outside_target.length})`),
      h(
        'table',
        { class: 'grid compact' },
        h('thead', null, h('tr', null, ['Accession', 'Test', 'Priority', 'Took', 'Target', 'Over by'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          tat.outside_target.length === 0
            ? emptyRow(6, 'Every test within its target.')
            : tat.outside_target.map((o) =>
                h(
                  'tr',
                  null,
                  h('td', { class: 'mono' }, h('a', { href: routeHash('result', [o.accession, o.test]) }, o.accession)),
                  h('td', null, o.test),
                  h('td', null, priorityBadge(o.priority)),
                  h('td', { class: 'value' }, formatMinutes(o.minutes)),
                  h('td', { class: 'value' }, formatMinutes(o.target_minutes)),
                  h('td', { class: 'value critical-text' }, formatMinutes(o.minutes - o.target_minutes)),
                ),
              ),
        ),
      ),
    ),
  );
  ctx.shortcuts('Turnaround', [{ key: 'f', description: 'Focus the From date', run: () => from.focus() }]);
}
