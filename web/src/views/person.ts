// One person's qualifications (#/person/USERNAME): the record's certifications and licences with
// their status on the lab's day, competency on each test system, continuing education,
// exceptions, and the certifications they may sit for next (GET /api/people/{person} and
// /eligibility). A person sees their own; supervisors, pathologists and admins anyone's.

import { get, seg } from '../api';
import { app, type ViewContext } from '../app';
import { h, replace } from '../dom';
import { daysBetween, daysLeftText, keepsStaffRecords, routeHash } from '../format';
import type { CompetencyOnSystem, EligibilityRoute, PersonSummary } from '../types';
import { definitionList, emptyRow } from './parts';

const STATE_TEXT: Record<string, string> = {
  current: 'current',
  'due-soon': 'due soon',
  overdue: 'overdue: may not report',
  'needed-for-new-method': 'assessment needed for the new method: may not report',
  'no-start-recorded': 'no start of testing recorded',
};

function validityCell(on: string, expires: string | null): HTMLElement {
  if (!expires) return h('td', null, 'no expiry');
  const left = daysBetween(on, expires);
  if (left === null) return h('td', null, expires);
  const cls = left < 0 ? 'critical-text' : left <= 30 ? 'held-for' : '';
  return h('td', { class: cls, 'data-days-left': String(left) }, daysLeftText(left));
}

function lastEvent(system: CompetencyOnSystem): string {
  const last = system.events[system.events.length - 1];
  return last ? `${last.event} ${last.date}${last.assessor ? ` (${last.assessor})` : ''}` : '';
}

function mayNotReport(state: string): boolean {
  return state !== 'current' && state !== 'due-soon';
}

export async function personView(ctx: ViewContext): Promise<void> {
  const username = ctx.route.params[0] ?? app.username;
  ctx.title(`Qualifications of ${username}`);
  const [summary, eligibility] = await Promise.all([
    get<PersonSummary>(`/api/people/${seg(username)}`),
    get<{ routes: EligibilityRoute[] }>(`/api/people/${seg(username)}/eligibility`).catch(() => ({ routes: [] as EligibilityRoute[] })),
  ]);
  if (!ctx.alive()) return;
  const person = summary.person;
  const on = summary.on;
  const points = summary.ce_activities.reduce((sum, activity) => sum + activity.points, 0);
  const inForce = (from: string, until: string) => (daysBetween(from, on) ?? -1) >= 0 && (daysBetween(on, until) ?? -1) >= 0;

  replace(
    ctx.main,
    h('h1', { tabindex: '-1' }, `${person.name || person.person} — qualifications`),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'person-facts-title' },
      h('h2', { id: 'person-facts-title', class: 'sr-only' }, 'Record'),
      definitionList([
        ['User', h('span', { class: 'mono' }, person.person)],
        ['Role', person.role],
        ['Employed since', person.employment_start ?? ''],
        ['Degree', person.education.degree],
        ['Status on', on],
      ]),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'credentials-title' },
      h('h2', { id: 'credentials-title' }, 'Certifications and licences'),
      h(
        'table',
        { class: 'grid', id: 'person-credentials' },
        h('thead', null, h('tr', null, ['Credential', 'Number', 'Issued', 'Expires', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          person.certifications.length + person.licences.length === 0
            ? emptyRow(5, 'None recorded.')
            : [
                ...person.certifications.map((c) =>
                  h('tr', null, h('td', null, c.credential), h('td', { class: 'mono' }, c.number), h('td', { class: 'mono' }, c.issued ?? ''), h('td', { class: 'mono' }, c.expires ?? ''), validityCell(on, c.expires)),
                ),
                ...person.licences.map((l) =>
                  h('tr', null, h('td', null, `${l.state} licence ${l.type}`), h('td', { class: 'mono' }, l.number), h('td', null, ''), h('td', { class: 'mono' }, l.expires ?? ''), validityCell(on, l.expires)),
                ),
              ],
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'competency-title' },
      h('h2', { id: 'competency-title' }, 'Competency by test system'),
      h(
        'table',
        { class: 'grid', id: 'person-competency' },
        h('thead', null, h('tr', null, ['Test system', 'State', 'Due', 'What is due', 'Last recorded'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          summary.competency.length === 0
            ? emptyRow(5, 'No competency recorded.')
            : summary.competency.map((system) =>
                h(
                  'tr',
                  { class: mayNotReport(system.state) ? 'row-critical' : '', 'data-test-system': system.test_system, 'data-state': system.state },
                  h('td', { class: 'mono' }, system.test_system),
                  h('td', { class: mayNotReport(system.state) ? 'critical-text' : system.state === 'due-soon' ? 'held-for' : '' }, STATE_TEXT[system.state] ?? system.state),
                  h('td', { class: 'mono' }, system.due ?? ''),
                  h('td', null, system.requirement),
                  h('td', null, lastEvent(system)),
                ),
              ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'ce-title' },
      h('h2', { id: 'ce-title' }, `Continuing education (${points} points recorded)`),
      h(
        'table',
        { class: 'grid compact', id: 'person-ce' },
        h('thead', null, h('tr', null, ['Date', 'Category', 'Points', 'Provider', 'Title'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          summary.ce_activities.length === 0
            ? emptyRow(5, 'No activities recorded.')
            : summary.ce_activities.map((a) => h('tr', null, h('td', { class: 'mono' }, a.date), h('td', null, a.category), h('td', { class: 'value' }, String(a.points)), h('td', null, a.provider), h('td', null, a.title))),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'exceptions-title' },
      h('h2', { id: 'exceptions-title' }, 'Exceptions'),
      h(
        'table',
        { class: 'grid compact', id: 'person-exceptions' },
        h('thead', null, h('tr', null, ['Section', 'Test system', 'From', 'Until', 'In force', 'Reason', 'Granted by'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          summary.exceptions.length === 0
            ? emptyRow(7, 'None granted.')
            : summary.exceptions.map((e) =>
                h(
                  'tr',
                  null,
                  h('td', null, e.section),
                  h('td', null, e.test_system || 'all'),
                  h('td', { class: 'mono' }, e.from),
                  h('td', { class: 'mono' }, e.until),
                  h('td', null, inForce(e.from, e.until) ? 'yes' : 'no'),
                  h('td', null, e.reason),
                  h('td', null, e.granted_by),
                ),
              ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'eligibility-title' },
      h('h2', { id: 'eligibility-title' }, 'Next certification'),
      eligibility.routes.length === 0
        ? h('p', { class: 'sub' }, 'No route applies.')
        : h(
            'ul',
            { class: 'plain', id: 'person-eligibility' },
            eligibility.routes.map((route) =>
              h(
                'li',
                { 'data-credential': route.credential, 'data-eligible': String(route.eligible) },
                h('strong', null, `${route.credential} route ${route.route}`),
                route.eligible ? ': eligible' : `: needs ${route.missing.join('; ')}`,
                route.confirm.length > 0 ? h('span', { class: 'route-confirm' }, ` (to confirm: ${route.confirm.join('; ')})`) : null,
                route.verify ? h('span', { class: 'sub' }, ' (route not yet verified against its source)') : null,
              ),
            ),
          ),
    ),
    keepsStaffRecords(app.session?.user.role ?? '') ? h('p', null, h('a', { href: routeHash('staff') }, 'All staff')) : null,
  );
}
