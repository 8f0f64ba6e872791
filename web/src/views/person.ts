// One person's qualifications (#/person/USERNAME): the record's certifications and licences with
// their status on the lab's day, competency on each test system, continuing education,
// exceptions, and the certifications they may sit for next (GET /api/people/{person} and
// /eligibility). A person sees their own; supervisors, pathologists and admins anyone's.
// Recording on the page: a CE activity (the person, or those who keep the records), a competency
// event and an exception (supervisors and pathologists), each through the API's own door.

import { get, post, seg } from '../api';
import { app, type ViewContext } from '../app';
import { button, field, h, replace } from '../dom';
import { dateOf, daysBetween, daysLeftText, experienceLines, judgesQualification, keepsStaffRecords, recordsCeFor, routeHash } from '../format';
import type { CompetencyOnSystem, EligibilityRoute, PersonSummary } from '../types';
import { formDialog, toast } from '../ui';
import { definitionList, emptyRow } from './parts';

// The six CLIA elements of a competency assessment (42 CFR 493.1451(b)(8)), as the API names them.
const COMPETENCY_ELEMENTS: [string, string][] = [
  ['direct-observation', 'Direct observation of routine testing'],
  ['monitoring-reporting', 'Monitoring the recording and reporting of results'],
  ['record-review', 'Review of worksheets, QC, PT and maintenance records'],
  ['maintenance-observation', 'Direct observation of maintenance and function checks'],
  ['blind-samples', 'Testing previously analysed or blind samples'],
  ['problem-solving', 'Problem-solving skills'],
];

interface CeRulesInForce {
  categories: { code: string; name: string }[];
}

function dateInput(id: string, value = dateOf(new Date())): HTMLInputElement {
  return h('input', { type: 'date', id, required: true, value });
}

function textInput(id: string, required = false): HTMLInputElement {
  return h('input', { type: 'text', id, required, autocomplete: 'off' });
}

// The dialogs that record on `person`'s page; `redraw` shows the page again after a change.
function recordingActions(person: string, systems: string[], redraw: () => Promise<void>) {
  const base = `/api/people/${seg(person)}`;

  const ceActivity = async () => {
    const rules = await get<CeRulesInForce>('/api/ce-rules');
    const date = dateInput('ce-date');
    const category = h('select', { id: 'ce-category', required: true }, h('option', { value: '' }, 'Choose…'), rules.categories.map((c) => h('option', { value: c.code }, c.name)));
    const points = h('input', { type: 'number', id: 'ce-points', required: true, min: '0.25', step: '0.25' });
    const provider = textInput('ce-provider');
    const title = textInput('ce-title');
    formDialog(
      `Continuing education of ${person}`,
      [field('Date', date), field('Category', category), field('Points', points, 'contact hours or CMP points'), field('Provider', provider), field('Title', title)],
      'Record activity',
      async () => {
        const body: Record<string, unknown> = { date: date.value, category: category.value, points: Number(points.value) };
        if (provider.value.trim()) body.provider = provider.value.trim();
        if (title.value.trim()) body.title = title.value.trim();
        await post(`${base}/ce-activities`, body);
        toast(`${points.value} points of ${category.value} recorded for ${person}.`);
        await redraw();
      },
      { initialFocus: date },
    );
  };

  const competency = () => {
    const system = h('input', { type: 'text', id: 'competency-system', required: true, autocomplete: 'off', list: 'competency-systems' });
    const systemList = h('datalist', { id: 'competency-systems' }, systems.map((s) => h('option', { value: s })));
    const event = h(
      'select',
      { id: 'competency-event', required: true },
      h('option', { value: 'assessed' }, 'assessed'),
      h('option', { value: 'started' }, 'started testing patient specimens'),
      h('option', { value: 'method-changed' }, 'new method or instrument'),
    );
    const date = dateInput('competency-date');
    const assessor = h('input', { type: 'text', id: 'competency-assessor', autocomplete: 'off', value: app.username });
    const elements = COMPETENCY_ELEMENTS.map(([code, label]) => ({ code, input: h('input', { type: 'text', id: `element-${code}`, autocomplete: 'off', value: 'observed' }), label }));
    const assessment = h('fieldset', { class: 'assessment' }, h('legend', null, 'The six elements: how each was assessed'), field('Assessor', assessor), elements.map((e) => field(e.label, e.input)));
    const notes = textInput('competency-notes');
    const showAssessment = () => {
      const assessed = event.value === 'assessed';
      assessment.hidden = !assessed;
      assessor.required = assessed;
      for (const e of elements) e.input.required = assessed;
    };
    event.addEventListener('change', showAssessment);
    showAssessment();
    formDialog(
      `Competency of ${person}`,
      [field('Test system', system, 'the instrument profile, or the test code of a manual method'), systemList, field('Event', event), field('Date', date), assessment, field('Notes', notes)],
      'Record',
      async () => {
        const body: Record<string, unknown> = { test_system: system.value.trim(), event: event.value, date: date.value };
        if (event.value === 'assessed') {
          body.assessor = assessor.value.trim();
          body.elements = Object.fromEntries(elements.map((e) => [e.code, e.input.value.trim()]));
        }
        if (notes.value.trim()) body.notes = notes.value.trim();
        await post(`${base}/competency-events`, body);
        toast(`Competency of ${person} on ${system.value.trim()}: ${event.value} recorded.`);
        await redraw();
      },
      { wide: true, initialFocus: system },
    );
  };

  const exception = async () => {
    const sections = await app.sections();
    const section = h('select', { id: 'exception-section', required: true }, h('option', { value: '' }, 'Choose…'), sections.map((s) => h('option', { value: s.code }, s.name)));
    const system = textInput('exception-system');
    const until = dateInput('exception-until', '');
    const reason = textInput('exception-reason', true);
    formDialog(
      `Exception for ${person}`,
      [
        h('p', null, 'A documented, time-limited exception lets them work although a qualification is missing. It never waives the review policy.'),
        field('Section', section),
        field('Test system', system, 'empty: every test system of the section'),
        field('Last day', until),
        field('Reason', reason, 'e.g. "renewal confirmed, card in the mail"'),
      ],
      'Grant exception',
      async () => {
        const body: Record<string, unknown> = { section: section.value, until: until.value, reason: reason.value.trim() };
        if (system.value.trim()) body.test_system = system.value.trim();
        await post(`${base}/exceptions`, body);
        toast(`Exception for ${person} in ${section.value} granted through ${until.value}.`);
        await redraw();
      },
      { danger: true, initialFocus: section },
    );
  };

  return { ceActivity, competency, exception };
}

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
  const role = app.session?.user.role ?? '';
  const mayRecordCe = recordsCeFor(app.username, role, person.person);
  const mayJudge = judgesQualification(role) && app.username !== person.person;
  const actions = recordingActions(
    person.person,
    summary.competency.map((s) => s.test_system),
    async () => {
      if (ctx.alive()) await personView(ctx);
    },
  );
  const shortcuts = [];
  if (mayRecordCe) shortcuts.push({ key: 'a', description: 'Record a continuing-education activity', run: () => void actions.ceActivity() });
  if (mayJudge) {
    shortcuts.push({ key: 'c', description: 'Record a competency event or assessment', run: actions.competency });
    shortcuts.push({ key: 'g', description: 'Grant a time-limited exception', run: () => void actions.exception() });
  }
  if (shortcuts.length) ctx.shortcuts(`Qualifications of ${person.person}`, shortcuts);
  const recordBar =
    mayRecordCe || mayJudge
      ? h(
          'div',
          { class: 'actions', role: 'group', 'aria-label': 'Record' },
          mayRecordCe ? Object.assign(button('CE activity…', () => void actions.ceActivity(), { key: 'a' }), { id: 'record-ce' }) : null,
          mayJudge ? Object.assign(button('Competency…', actions.competency, { key: 'c' }), { id: 'record-competency' }) : null,
          mayJudge ? Object.assign(button('Exception…', () => void actions.exception(), { key: 'g' }), { id: 'record-exception' }) : null,
        )
      : null;

  const experience = experienceLines(person.education);
  replace(
    ctx.main,
    h('h1', { tabindex: '-1' }, `${person.name || person.person} — qualifications`),
    recordBar,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'person-facts-title' },
      h('h2', { id: 'person-facts-title', class: 'sr-only' }, 'Record'),
      definitionList([
        ['User', h('span', { class: 'mono' }, person.person)],
        ['Role', person.role],
        ['Employed since', person.employment_start ?? ''],
        ['Degree', person.education.degree],
        ['Clinical experience', experience.length > 0 ? experience.map((line) => h('div', null, line)) : ''],
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
