// A specimen (#/specimen/ACCESSION), where a scan lands: who it belongs to, what it holds, and
// receipt or rejection (reason codes of core/enums.h RejectionReason), the label reprint, and
// its tests with their results.

import { ApiError, get, messageOf, post, seg } from '../api';
import { navigate, type ViewContext } from '../app';
import { button, errorBox, field, h, replace } from '../dom';
import { debounce, isCritical, rejectionLabel, REJECTION_REASONS, routeHash } from '../format';
import type { Label, Specimen, SpecimenDetail } from '../types';
import { formDialog, openDialog, toast, toastError } from '../ui';
import { labelElement, printLabels } from './label';
import { definitionList, emptyRow, flagBadge, holdsPanel, patientBanner, priorityBadge, statusBadge, time } from './parts';

export async function specimenView(ctx: ViewContext): Promise<void> {
  const accession = ctx.route.params[0] ?? '';
  ctx.title(`Specimen ${accession}`);
  let detail: SpecimenDetail;
  try {
    detail = await get<SpecimenDetail>(`/api/specimens/${seg(accession)}`);
  } catch (error) {
    if (!ctx.alive()) return;
    if (error instanceof ApiError && error.status === 404) {
      replace(
        ctx.main,
        h('h1', { tabindex: '-1' }, `Specimen ${accession}`),
        h('p', { class: 'form-error', role: 'alert' }, messageOf(error)),
        h('p', null, 'Check the label and scan again (/), or look the patient up.'),
      );
      document.getElementById('scan')?.focus();
      return;
    }
    throw error;
  }
  if (!ctx.alive()) return;

  const reload = async (focusId?: string) => {
    try {
      detail = await get<SpecimenDetail>(`/api/specimens/${seg(accession)}`);
    } catch (error) {
      toastError(error);
      return;
    }
    if (!ctx.alive()) return;
    const focused = focusId ?? (document.activeElement as HTMLElement | null)?.id;
    draw();
    if (focused) document.getElementById(focused)?.focus();
  };

  const condition = h('input', { type: 'text', id: 'receive-condition', autocomplete: 'off', placeholder: 'acceptable' });
  const receiveError = errorBox();

  const receive = async () => {
    receiveError.clear();
    try {
      const body: Record<string, string> = {};
      if (condition.value.trim()) body.condition = condition.value.trim();
      await post<Specimen>(`/api/specimens/${seg(accession)}/receive`, body);
      toast(`Specimen ${accession} received.`);
      condition.value = '';
      await reload();
      // Next tube: back to the scan field.
      document.getElementById('scan')?.focus();
    } catch (error) {
      receiveError.show(messageOf(error));
    }
  };

  const reject = () => {
    const reason = h(
      'select',
      { id: 'reject-reason', required: true },
      h('option', { value: '' }, 'Choose a reason…'),
      REJECTION_REASONS.map((r) => h('option', { value: r.code }, r.label)),
    );
    const comment = h('textarea', { id: 'reject-comment', rows: 2 });
    formDialog(
      `Reject specimen ${accession}`,
      [
        h('p', null, 'Its tests go back to pending until a new specimen is collected and accessioned.'),
        field('Reason', reason),
        field('Comment', comment, 'What was seen, who was told about the recollection'),
      ],
      'Reject specimen',
      async () => {
        const body: Record<string, string> = { reason: reason.value };
        if (comment.value.trim()) body.comment = comment.value.trim();
        await post<Specimen>(`/api/specimens/${seg(accession)}/reject`, body);
        toast(`Specimen ${accession} rejected: ${rejectionLabel(reason.value)}.`);
        await reload();
      },
      { danger: true, initialFocus: reason },
    );
  };

  const showLabel = async () => {
    try {
      const label = await get<Label>(`/api/specimens/${seg(accession)}/label`);
      const print = h('button', { type: 'button', class: 'primary', onclick: () => printLabels([label]) }, 'Print');
      openDialog(`Label ${accession}`, h('div', { class: 'label-preview' }, labelElement(label), h('div', { class: 'dialog-actions' }, print)), {
        initialFocus: print,
      });
    } catch (error) {
      toastError(error);
    }
  };

  const firstOpenResult = () =>
    detail.results.find((r) => r.result.status === 'preliminary') ?? detail.results.find((r) => r.result.status === 'pending') ?? detail.results[0];

  ctx.shortcuts(`Specimen ${accession}`, [
    { key: 'a', description: 'Receive (accept) the specimen', run: () => void receive() },
    { key: 'j', description: 'Reject the specimen (with a reason)', run: reject },
    { key: 'l', description: 'Show and print the label', run: () => void showLabel() },
    {
      key: 'o',
      description: 'Open the first result to review',
      run: () => {
        const r = firstOpenResult();
        if (r) navigate(routeHash('result', [accession, r.result.test_code]));
      },
    },
    { key: 'h', description: "Open the patient's history", run: () => navigate(routeHash('patient', [detail.patient.mrn])) },
  ]);

  const draw = () => {
    const s = detail.specimen;
    const collected = s.status === 'collected';
    const receiveForm = collected
      ? h(
          'form',
          {
            class: 'receive-form',
            onsubmit: (event: Event) => {
              event.preventDefault();
              void receive();
            },
          },
          field('Condition on receipt', condition, 'Leave empty when acceptable; e.g. "slightly lipemic"'),
          h('button', { type: 'submit', class: 'primary', id: 'action-receive', 'aria-keyshortcuts': 'a' }, 'Receive', h('kbd', { 'aria-hidden': 'true' }, 'a')),
          receiveError,
        )
      : null;
    const statusLine =
      s.status === 'rejected'
        ? h('p', { class: 'notice notice-bad', role: 'status' }, `Rejected: ${rejectionLabel(s.rejection_reason)}`, s.rejection_comment ? ` — ${s.rejection_comment}` : '', ` (${s.rejected_by})`)
        : s.status === 'received'
          ? h('p', { class: 'notice notice-good', role: 'status' }, 'Received ', time(s.received_at), ` by ${s.received_by}`, s.condition ? ` — condition: ${s.condition}` : '')
          : h('p', { class: 'notice', role: 'status' }, 'Collected, not received yet.');

    replace(
      ctx.main,
      patientBanner(detail.patient),
      h(
        'div',
        { class: 'page-head' },
        h('h1', { tabindex: '-1' }, 'Specimen ', h('span', { class: 'mono' }, accession)),
        priorityBadge(detail.order.priority),
        h('span', { class: `specimen-status specimen-${s.status}`, id: 'specimen-status' }, s.status),
      ),
      statusLine,
      h(
        'div',
        { class: 'two-col' },
        h(
          'section',
          { class: 'card' },
          h('h2', null, 'Tube'),
          definitionList([
            ['Type', s.specimen_type],
            ['Container', s.container_type],
            ['Collected', [time(s.collected_at), s.collected_by ? ` by ${s.collected_by}` : '']],
            ['Order', h('a', { class: 'mono', href: routeHash('order', [detail.order.order_number]) }, detail.order.order_number)],
            ['Provider', detail.order.ordering_provider],
            ['Clinical information', detail.order.clinical_info],
          ]),
        ),
        h(
          'section',
          { class: 'card' },
          h('h2', null, 'Receipt'),
          receiveForm,
          h(
            'div',
            { class: 'actions' },
            button('Reject…', reject, { key: 'j', kind: 'danger-outline', disabled: s.status === 'rejected' }),
            button('Label…', () => void showLabel(), { key: 'l', disabled: s.status === 'rejected' }),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'spec-results-title' },
        h('h2', { id: 'spec-results-title' }, 'Tests'),
        h(
          'table',
          { class: 'grid' },
          h('thead', null, h('tr', null, ['Test', 'Value', 'Flag', 'Status', 'Held for'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            detail.results.length === 0
              ? emptyRow(5, 'No tests on this specimen.')
              : detail.results.map((r) =>
                  h(
                    'tr',
                    { class: isCritical(r.result.flag) ? 'row-critical' : '', 'data-test': r.result.test_code },
                    h('td', null, h('a', { href: routeHash('result', [accession, r.result.test_code]) }, r.result.test_code), h('div', { class: 'sub' }, r.test_name ?? '')),
                    h('td', { class: 'value' }, r.result.value ? `${r.result.value.reported} ${r.result.value.unit}` : ''),
                    h('td', null, flagBadge(r.result.flag)),
                    h('td', null, statusBadge(r.result.status)),
                    h('td', null, r.holds.length ? holdsPanel(r.holds, 'h3') : ''),
                  ),
                ),
          ),
        ),
      ),
    );
  };

  draw();
  if (detail.specimen.status === 'collected') document.getElementById('action-receive')?.focus();

  const refresh = debounce(() => void reload(), 150);
  ctx.onCleanup(() => refresh.cancel());
  ctx.onEvent((event) => {
    if (event.type === 'reconnected' || event.accession === accession) refresh();
  });
}
