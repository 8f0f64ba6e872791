// Staff qualifications (#/staff?within=30|60|90): what has lapsed and what lapses within the
// window — certifications, licences, competency assessments — soonest first, the lab's people
// with their credentials, whether qualifications are enforced, and the inspection workbook
// (GET /api/people/expiring, /api/people, /api/qualification-policy, /api/people/export).
// Supervisors, pathologists and admins.

import { get, query } from '../api';
import { navigate, type ViewContext } from '../app';
import { h, replace } from '../dom';
import { daysBetween, daysLeftText, expiryWindow, routeHash } from '../format';
import type { Expiring, ExpiringItem, PersonRecord, QualificationPolicy } from '../types';
import { emptyRow } from './parts';

const WINDOWS = [30, 60, 90] as const;

function daysCell(daysLeft: number): HTMLElement {
  const window = expiryWindow(daysLeft);
  const cls = window === 'lapsed' ? 'value critical-text' : window === '30' ? 'value held-for' : 'value';
  return h('td', { class: cls, 'data-days-left': String(daysLeft) }, daysLeftText(daysLeft));
}

function expiringRow(item: ExpiringItem): HTMLTableRowElement {
  return h(
    'tr',
    { class: item.days_left < 0 ? 'row-critical' : '', 'data-person': item.person, 'data-kind': item.kind },
    h('td', null, h('a', { href: routeHash('person', [item.person]) }, item.person)),
    h('td', null, item.kind),
    h('td', null, item.what),
    h('td', { class: 'mono' }, item.due),
    daysCell(item.days_left),
  );
}

// "MLS(ASCP) to 2027-06-30", marked when lapsed on `on`.
function credentialsText(person: PersonRecord, on: string): HTMLElement {
  const parts = [
    ...person.certifications.map((c) => ({ text: c.credential, expires: c.expires })),
    ...person.licences.map((l) => ({ text: `${l.state} ${l.type} licence`, expires: l.expires })),
  ];
  if (parts.length === 0) return h('span', { class: 'sub' }, 'none recorded');
  return h(
    'ul',
    { class: 'plain' },
    parts.map((part) => {
      const left = part.expires ? daysBetween(on, part.expires) : null;
      const lapsed = left !== null && left < 0;
      return h(
        'li',
        { class: lapsed ? 'critical-text' : '' },
        part.text,
        part.expires ? ` to ${part.expires}` : '',
        lapsed ? ' (lapsed)' : '',
      );
    }),
  );
}

export async function staffView(ctx: ViewContext): Promise<void> {
  ctx.title('Staff qualifications');
  const asked = Number(ctx.route.query.within);
  const within = (WINDOWS as readonly number[]).includes(asked) ? asked : 90;
  // The widest window, so that the counts of every window are known; the table shows the one
  // asked for.
  const [expiring, people, policy] = await Promise.all([
    get<Expiring>(`/api/people/expiring${query({ within: WINDOWS[WINDOWS.length - 1] })}`),
    get<{ people: PersonRecord[] }>('/api/people'),
    get<QualificationPolicy>('/api/qualification-policy'),
  ]);
  if (!ctx.alive()) return;

  const shown = expiring.items.filter((item) => item.days_left <= within);
  const lapsed = expiring.items.filter((item) => item.days_left < 0).length;
  const counts = WINDOWS.map((days) => ({
    days,
    count: expiring.items.filter((item) => item.days_left >= 0 && item.days_left <= days).length,
  }));
  const windowLink = (days: number) =>
    h(
      'a',
      {
        href: routeHash('staff', [], { within: String(days) }),
        class: 'button-link',
        'aria-current': days === within ? 'page' : undefined,
        'aria-keyshortcuts': String(days / 30),
      },
      `${days} days`,
      h('kbd', { 'aria-hidden': 'true' }, String(days / 30)),
    );

  replace(
    ctx.main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Staff qualifications'),
      h(
        'a',
        { class: 'button-link', href: `/api/people/export${query({ format: 'xlsx' })}`, download: '', id: 'staff-export', 'aria-keyshortcuts': 'x' },
        'Inspection workbook (XLSX)',
        h('kbd', { 'aria-hidden': 'true' }, 'x'),
      ),
    ),
    h(
      'p',
      { class: policy.enforced ? 'notice notice-good' : 'notice', id: 'qualification-policy' },
      policy.enforced
        ? `Qualifications are enforced: releasing a result and point-of-care values need the person's current qualification${policy.state ? ` (lab in ${policy.state})` : ''}.`
        : 'Qualifications are not enforced: the role alone decides who may release (aliquot people policy --enforce on).',
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'expiring-title' },
      h('h2', { id: 'expiring-title' }, `Lapsed, or lapsing within ${within} days of ${expiring.on}`),
      h(
        'p',
        { class: 'summary', id: 'expiring-counts' },
        `${lapsed} lapsed · `,
        counts.map((c, i) => `${c.count} within ${c.days} days${i < counts.length - 1 ? ' · ' : ''}`),
      ),
      h('nav', { class: 'row', 'aria-label': 'Window' }, WINDOWS.map(windowLink)),
      h(
        'table',
        { class: 'grid', id: 'expiring' },
        h('thead', null, h('tr', null, ['Person', 'Kind', 'What', 'Due', 'Days left'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, shown.length === 0 ? emptyRow(5, `Nothing lapses within ${within} days.`) : shown.map(expiringRow)),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'people-title' },
      h('h2', { id: 'people-title' }, `People (${people.people.length})`),
      h(
        'table',
        { class: 'grid', id: 'people' },
        h('thead', null, h('tr', null, ['Person', 'Name', 'Role', 'Employed since', 'Certifications and licences'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          people.people.length === 0
            ? emptyRow(5, 'No personnel records yet (aliquot people save).')
            : people.people.map((person) =>
                h(
                  'tr',
                  { 'data-person': person.person },
                  h('td', null, h('a', { href: routeHash('person', [person.person]) }, person.person)),
                  h('td', null, person.name),
                  h('td', null, person.role),
                  h('td', { class: 'mono' }, person.employment_start ?? ''),
                  h('td', null, credentialsText(person, expiring.on)),
                ),
              ),
        ),
      ),
    ),
  );
  ctx.shortcuts(
    'Staff qualifications',
    [
      ...WINDOWS.map((days) => ({
        key: String(days / 30),
        description: `Show what lapses within ${days} days`,
        run: () => navigate(routeHash('staff', [], { within: String(days) })),
      })),
      { key: 'x', description: 'Download the inspection workbook (XLSX)', run: () => ctx.main.querySelector<HTMLAnchorElement>('#staff-export')?.click() },
    ],
  );
}
