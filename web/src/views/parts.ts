// Pieces several screens show: the patient banner, a result's value with its flag, status and
// priority badges, the holds panel.

import { h, uid, type Child } from '../dom';
import { ageAt, flagLabel, formatTime, holdSummary, patientName, routeHash, sexLabel } from '../format';
import type { HoldReason, Patient, ResultStatus, TestResult } from '../types';

export function patientBanner(patient: Patient, extra: Child = null): HTMLElement {
  return h(
    'section',
    { class: 'patient-banner', 'aria-label': 'Patient' },
    h('a', { class: 'patient-name', href: routeHash('patient', [patient.mrn]) }, patientName(patient)),
    h('span', null, h('span', { class: 'label' }, 'MRN '), h('span', { class: 'mono' }, patient.mrn)),
    h('span', null, h('span', { class: 'label' }, 'DOB '), patient.birth_date, ` (${ageAt(patient.birth_date)})`),
    h('span', null, h('span', { class: 'label' }, 'Sex '), sexLabel(patient.sex)),
    extra,
  );
}

export function flagBadge(flag: string): HTMLElement | null {
  if (!flag) return null;
  const { text, cls } = flagLabel(flag);
  return h('span', { class: cls, title: text }, flag, h('span', { class: 'sr-only' }, ` (${text})`));
}

export function statusBadge(status: ResultStatus | string): HTMLElement {
  return h('span', { class: `status status-${status}` }, status);
}

export function priorityBadge(priority: string): HTMLElement {
  return h('span', { class: `priority priority-${priority}` }, priority.toUpperCase());
}

export function reported(result: Pick<TestResult, 'value'>): string {
  return result.value ? result.value.reported : '';
}

// Why a result is held, shown prominently: each rule, what it saw, its threshold.
export function holdsPanel(holds: HoldReason[] | undefined, headingLevel: 'h2' | 'h3' = 'h2'): HTMLElement | null {
  if (!holds || holds.length === 0) return null;
  const titleId = uid('holds');
  return h(
    'section',
    { class: 'holds', 'aria-labelledby': titleId },
    h(headingLevel, { id: titleId }, `Held: ${holdSummary(holds)}`),
    h(
      'ul',
      { class: 'hold-list' },
      holds.map((hold) =>
        h(
          'li',
          { class: hold.suppresses ? 'hold hold-suppress' : 'hold' },
          h(
            'div',
            { class: 'hold-head' },
            h('strong', null, hold.category || 'hold'),
            hold.action ? h('span', { class: 'hold-action' }, `→ ${hold.action}`) : null,
            hold.suppresses ? h('span', { class: 'hold-suppress-note' }, 'value must not be reported: recollect') : null,
          ),
          hold.message ? h('p', { class: 'hold-message' }, hold.message) : null,
          h(
            'dl',
            { class: 'hold-facts' },
            hold.rule ? [h('dt', null, 'Rule'), h('dd', null, hold.rule)] : null,
            hold.observed ? [h('dt', null, 'Observed'), h('dd', null, hold.observed)] : null,
            hold.threshold ? [h('dt', null, 'Threshold'), h('dd', null, hold.threshold)] : null,
          ),
        ),
      ),
    ),
  );
}

export function time(iso: string | null | undefined): HTMLElement | string {
  if (!iso) return '';
  return h('time', { datetime: iso }, formatTime(iso));
}

export function definitionList(items: [string, Child][]): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    items.filter(([, value]) => value !== '' && value !== null && value !== undefined).map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
  );
}

export function emptyRow(columns: number, text: string): HTMLTableRowElement {
  return h('tr', null, h('td', { colspan: String(columns), class: 'empty' }, text));
}
