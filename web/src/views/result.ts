// Result review (#/result/ACCESSION/TEST): the value with its flag, reference interval and
// critical limits, why it is held, the patient's previous values (delta), and the bench's
// actions: enter or edit the value, release, ask for a rerun (neat or diluted), comment, document
// a critical call, correct a released value, cancel the test or the whole order. Each action is the API's; a refusal
// shows the server's text.

import { get, messageOf, post, seg } from '../api';
import { app, navigate, type ViewContext } from '../app';
import { button, errorBox, field, h, replace } from '../dom';
import {
  debounce,
  flagLabel,
  formatDelta,
  formatTime,
  isCritical,
  isReleased,
  limitsOf,
  localInputValue,
  routeHash,
  toApiInstant,
} from '../format';
import type { CriticalCall, HoldReason, ResultComment, ResultReview, SpecimenDetail, TestResult } from '../types';
import { formDialog, toast, toastError } from '../ui';
import { definitionList, emptyRow, flagBadge, holdsPanel, patientBanner, priorityBadge, statusBadge, time } from './parts';

export async function resultView(ctx: ViewContext): Promise<void> {
  const [accession, test] = ctx.route.params;
  if (!accession || !test) throw new Error('a result is named by its accession number and test code: #/result/ACCESSION/TEST');
  const resultPath = `/api/specimens/${seg(accession)}/results/${seg(test)}`;

  const fetchBoth = () => Promise.all([get<ResultReview>(resultPath), get<SpecimenDetail>(`/api/specimens/${seg(accession)}`)]);
  let [review, specimen] = await fetchBoth();
  const fetchAll = async () => {
    [review, specimen] = await fetchBoth();
  };
  if (!ctx.alive()) return;
  ctx.title(`${test} ${accession}`);

  const reload = async (focusId?: string) => {
    try {
      await fetchAll();
    } catch (error) {
      toastError(error);
      return;
    }
    if (!ctx.alive()) return;
    const focused = focusId ?? (document.activeElement as HTMLElement | null)?.id;
    draw();
    if (focused) document.getElementById(focused)?.focus();
  };

  // --- actions ---------------------------------------------------------------------------
  const valueInput = h('input', { type: 'text', id: 'result-value', autocomplete: 'off', inputmode: 'decimal', spellcheck: 'false' });
  const valueError = errorBox();

  const saveValue = async () => {
    valueError.clear();
    const value = valueInput.value.trim();
    if (!value) {
      valueError.show('Type a value first.');
      valueInput.focus();
      return;
    }
    try {
      const saved = await post<TestResult>(resultPath, { value });
      toast(`${test} ${saved.value?.reported ?? value} entered for ${accession}${saved.flag ? ` (${saved.flag})` : ''}.`);
      valueInput.value = '';
      await reload('result-value');
    } catch (error) {
      valueError.show(messageOf(error));
      valueInput.focus();
    }
  };

  const release = async () => {
    try {
      await post<TestResult>(`${resultPath}/release`, {});
      toast(`${test} on ${accession} released.`);
      await reload('action-release');
    } catch (error) {
      toastError(error);
    }
  };

  const criticalCallFields = () => {
    const calledTo = h('input', { type: 'text', id: 'call-to', required: true, autocomplete: 'off' });
    const calledBy = h('input', { type: 'text', id: 'call-by', value: app.username, autocomplete: 'off' });
    const calledAt = h('input', { type: 'datetime-local', id: 'call-at', value: localInputValue(new Date()) });
    const readBack = h('input', { type: 'checkbox', id: 'call-read-back', required: true });
    const notes = h('textarea', { id: 'call-notes', rows: 2 });
    const fields = h(
      'div',
      { class: 'call-fields' },
      field('Called to (licensed caregiver, role, location)', calledTo, 'e.g. "RN Lee, ED" — the person who took the value'),
      field('Called by', calledBy),
      field('Called at', calledAt),
      h(
        'div',
        { class: 'field field-check' },
        readBack,
        h('label', { for: 'call-read-back' }, 'Read-back confirmed: the caregiver read the value back correctly'),
      ),
      field('Notes', notes),
    );
    const body = () => {
      const call: Record<string, unknown> = {
        called_to: calledTo.value.trim(),
        read_back_confirmed: readBack.checked,
      };
      if (calledBy.value.trim()) call.called_by = calledBy.value.trim();
      const at = toApiInstant(calledAt.value);
      if (at) call.called_at = at;
      if (notes.value.trim()) call.notes = notes.value.trim();
      return call;
    };
    return { fields, body, first: calledTo };
  };

  const criticalCall = () => {
    const call = criticalCallFields();
    const current = review.result;
    formDialog(
      `Critical call — ${test} ${current.value?.reported ?? ''} ${current.value?.unit ?? ''} (${current.flag})`,
      [
        h(
          'p',
          { class: 'call-value' },
          'Value to read out: ',
          h('strong', null, `${current.value?.reported ?? ''} ${current.value?.unit ?? review.unit ?? ''}`),
          ' ',
          flagLabel(current.flag).text,
          ` — ${review.test_name ?? test}, accession ${accession}`,
        ),
        call.fields,
      ],
      'Document call',
      async () => {
        await post<CriticalCall>(`${resultPath}/critical-call`, call.body());
        toast(`Critical call for ${test} on ${accession} documented.`);
        await reload('action-release');
      },
      { initialFocus: call.first },
    );
  };

  const correct = () => {
    const value = h('input', { type: 'text', id: 'correct-value', required: true, autocomplete: 'off' });
    const reason = h('input', { type: 'text', id: 'correct-reason', required: true, autocomplete: 'off' });
    const withCall = h('input', { type: 'checkbox', id: 'correct-with-call' });
    const call = criticalCallFields();
    call.fields.hidden = true;
    withCall.addEventListener('change', () => {
      call.fields.hidden = !withCall.checked;
      call.fields.querySelectorAll<HTMLInputElement>('#call-to, #call-read-back').forEach((input) => (input.required = withCall.checked));
    });
    call.fields.querySelectorAll<HTMLInputElement>('#call-to, #call-read-back').forEach((input) => (input.required = false));
    formDialog(
      `Correct ${test} on ${accession}`,
      [
        h('p', null, 'The released value ', h('strong', null, review.result.value?.reported ?? ''), ' is kept as a revision; the report shows the correction.'),
        field('Corrected value', value),
        field('Reason', reason, 'Why the released value was wrong, e.g. "pipetting error, rerun"'),
        h(
          'div',
          { class: 'field field-check' },
          withCall,
          h('label', { for: 'correct-with-call' }, 'The corrected value is critical and was phoned: document the call'),
        ),
        call.fields,
      ],
      'Correct result',
      async () => {
        const body: Record<string, unknown> = { value: value.value.trim(), reason: reason.value.trim() };
        if (withCall.checked) body.critical_call = call.body();
        await post<TestResult>(`${resultPath}/correct`, body);
        toast(`${test} on ${accession} corrected.`);
        await reload();
      },
      { danger: true, initialFocus: value },
    );
  };

  // Measure again before release: neat, or on a dilution (a value above the measuring range).
  const rerun = (diluted: boolean) => {
    const current = review.result;
    if (!current.value || isReleased(current.status) || current.status === 'cancelled') {
      toast(isReleased(current.status) ? 'Released: measure again and correct it instead.' : 'There is no value to measure again yet.');
      return;
    }
    const reason = h('input', { type: 'text', id: 'rerun-reason', required: true, autocomplete: 'off' });
    const dilution = h('input', { type: 'number', id: 'rerun-dilution', min: '2', max: '10000', step: '1', required: diluted, value: diluted ? '10' : '' });
    formDialog(
      `${diluted ? 'Dilute and rerun' : 'Rerun'} ${test} on ${accession}`,
      [
        h('p', null, 'The first run ', h('strong', null, `${current.value.reported} ${current.value.unit || review.unit || ''}`), ' stays on screen; the result is not released until the repeat is recorded.'),
        field('Reason', reason, diluted ? 'e.g. "above the measuring range"' : 'e.g. "delta failure, clot suspected"'),
        diluted ? field('Dilution 1:', dilution, 'N for a 1:N dilution') : null,
      ],
      diluted ? 'Request diluted rerun' : 'Request rerun',
      async () => {
        const body: Record<string, unknown> = { reason: reason.value.trim() };
        if (diluted) body.dilution = Number(dilution.value);
        await post<HoldReason>(`${resultPath}/rerun`, body);
        toast(`${test} on ${accession}: ${diluted ? `rerun on a 1:${dilution.value} dilution` : 'rerun'} requested.`);
        await reload('action-rerun');
      },
      { initialFocus: reason },
    );
  };

  // A note for the report (before release) or for the lab (any time).
  const addComment = () => {
    const current = review.result;
    const text = h('textarea', { id: 'comment-text', required: true, rows: '3', maxlength: '2000' });
    const onReport = h('input', { type: 'checkbox', id: 'comment-on-report' });
    const released = isReleased(current.status);
    onReport.disabled = released;
    formDialog(
      `Comment on ${test}, ${accession}`,
      [
        field('Comment', text, released ? 'Released: kept in the lab; the report is already sent.' : 'Kept in the lab unless it goes on the report.'),
        h('div', { class: 'field field-check' }, onReport, h('label', { for: 'comment-on-report' }, 'Print on the report and send it with the result')),
      ],
      'Add comment',
      async () => {
        await post<ResultComment>(`${resultPath}/comments`, { text: text.value.trim(), on_report: onReport.checked });
        toast(`Comment on ${test} added${onReport.checked ? ' for the report' : ''}.`);
        await reload('action-comment');
      },
      { initialFocus: text },
    );
  };

  // One test off the order (quantity not sufficient, ordered in error); the others go on.
  const cancelTest = () => {
    const reason = h('input', { type: 'text', id: 'cancel-test-reason', required: true, autocomplete: 'off' });
    formDialog(
      `Cancel ${test} on ${accession}`,
      [
        h('p', null, 'Only this test is cancelled; the order\'s other tests go on, and a calculated test that needs it is cancelled with it. A measured value stays in its history.'),
        field('Reason', reason, 'e.g. "quantity not sufficient"'),
      ],
      'Cancel test',
      async () => {
        const answer = await post<TestResult & { calculated: TestResult[] }>(`${resultPath}/cancel`, { reason: reason.value.trim() });
        const alsoCancelled = answer.calculated.filter((r) => r.status === 'cancelled').map((r) => r.test_code);
        const recalculated = answer.calculated.filter((r) => r.status !== 'cancelled').map((r) => r.test_code);
        toast(
          `${test} on ${accession} cancelled.` +
            (alsoCancelled.length ? ` Also cancelled, cannot be calculated: ${alsoCancelled.join(', ')}.` : '') +
            (recalculated.length ? ` Calculated without it: ${recalculated.join(', ')}.` : ''),
        );
        await reload();
      },
      { danger: true, initialFocus: reason },
    );
  };

  const cancelOrder = () => {
    const reason = h('input', { type: 'text', id: 'cancel-reason', required: true, autocomplete: 'off' });
    const orderNumber = specimen.order.order_number;
    formDialog(
      `Cancel order ${orderNumber}`,
      [
        h('p', null, 'Cancels every test of the order that is not released yet. Released results stay as they are.'),
        field('Reason', reason, 'e.g. "ordered in error", "duplicate order"'),
      ],
      'Cancel order',
      async () => {
        const answer = await post<{ cancelled: string[]; released: string[] }>(`/api/orders/${seg(orderNumber)}/cancel`, {
          reason: reason.value.trim(),
        });
        toast(
          `Order ${orderNumber} cancelled: ${answer.cancelled.join(', ') || 'no test'}` +
            (answer.released.length ? `; already released and kept: ${answer.released.join(', ')}` : '') +
            '.',
        );
        await reload();
      },
      { danger: true, initialFocus: reason },
    );
  };

  const others = () => specimen.results.map((r) => r.result.test_code);
  const goSibling = (step: number) => {
    const codes = others();
    const index = codes.indexOf(test);
    if (codes.length < 2 || index < 0) return;
    navigate(routeHash('result', [accession, codes[(index + step + codes.length) % codes.length]]));
  };

  ctx.shortcuts(`Result ${test}`, [
    { key: 'e', description: 'Enter or edit the value', run: () => valueInput.focus() },
    { key: 'r', description: 'Release (verify) the result', run: () => void release() },
    { key: 'c', description: 'Document a critical call', run: criticalCall },
    { key: 'a', description: 'Ask for a rerun (measure again)', run: () => rerun(false) },
    { key: 'd', description: 'Ask for a rerun on a dilution', run: () => rerun(true) },
    { key: 'm', description: 'Add a comment', run: addComment },
    { key: 'x', description: 'Correct a released result', run: correct },
    { key: 'k', description: 'Cancel this test (with a reason)', run: cancelTest },
    { key: 'z', description: 'Cancel the order (with a reason)', run: cancelOrder },
    { key: ']', description: 'Next test on this specimen', run: () => goSibling(1) },
    { key: '[', description: 'Previous test on this specimen', run: () => goSibling(-1) },
    { key: 's', description: 'Open the specimen', run: () => navigate(routeHash('specimen', [accession])) },
    { key: 'h', description: "Open the patient's history (cumulative view)", run: () => navigate(routeHash('patient', [specimen.patient.mrn])) },
    { key: 'b', description: 'Back to the worklist', run: () => navigate(routeHash('worklist', [review.section || ''])) },
  ]);

  // --- drawing ----------------------------------------------------------------------------
  const draw = () => {
    const result = review.result;
    const limits = limitsOf(review as unknown as Record<string, unknown>, result.reference_range);
    const critical = isCritical(result.flag);
    const released = isReleased(result.status);
    const cancelled = result.status === 'cancelled';
    const decimals = result.value?.decimals ?? 0;
    const unit = result.value?.unit || review.unit || '';
    const currentCalls = review.critical_calls.filter((c) => c.result_revision === result.revision && c.read_back_confirmed);
    const needsCall = critical && !released && currentCalls.length === 0;

    valueInput.disabled = released || cancelled;
    valueInput.placeholder = result.value ? `now ${result.value.reported}` : 'value';

    const valueForm = h(
      'form',
      {
        class: 'value-form',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void saveValue();
        },
      },
      field(result.value ? 'New value' : 'Value', valueInput),
      h('span', { class: 'unit' }, unit),
      h(
        'button',
        { type: 'submit', id: 'action-save', disabled: released || cancelled, 'aria-keyshortcuts': 'e' },
        result.value ? 'Save new value' : 'Save value',
        h('kbd', { 'aria-hidden': 'true' }, 'e'),
      ),
      valueError,
    );

    const actions = h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': 'Result actions' },
      Object.assign(
        button('Release', () => void release(), {
          key: 'r',
          kind: needsCall ? '' : 'primary',
          disabled: released || cancelled || !result.value,
        }),
        { id: 'action-release' },
      ),
      Object.assign(
        button('Critical call…', criticalCall, {
          key: 'c',
          kind: needsCall ? 'primary critical' : '',
          disabled: !critical || cancelled,
        }),
        { id: 'action-call' },
      ),
      Object.assign(button('Rerun…', () => rerun(false), { key: 'a', disabled: released || cancelled || !result.value }), { id: 'action-rerun' }),
      Object.assign(button('Dilute…', () => rerun(true), { key: 'd', disabled: released || cancelled || !result.value }), { id: 'action-dilute' }),
      Object.assign(button('Comment…', addComment, { key: 'm', disabled: cancelled }), { id: 'action-comment' }),
      Object.assign(button('Correct…', correct, { key: 'x', disabled: !released }), { id: 'action-correct' }),
      Object.assign(button('Cancel test…', cancelTest, { key: 'k', kind: 'danger-outline', disabled: released || cancelled }), { id: 'action-cancel-test' }),
      Object.assign(button('Cancel order…', cancelOrder, { key: 'z', kind: 'danger-outline' }), { id: 'action-cancel' }),
    );

    const others = specimen.results.map((r) =>
      h(
        'li',
        null,
        h(
          'a',
          {
            href: routeHash('result', [accession, r.result.test_code]),
            'aria-current': r.result.test_code === test ? 'page' : false,
            class: isCritical(r.result.flag) ? 'critical-text' : '',
          },
          r.result.test_code,
          ' ',
          h('span', { class: 'sub' }, r.result.value?.reported ?? '—', ' ', r.result.flag, ' · ', r.result.status),
        ),
      ),
    );

    const previous = review.previous ?? [];
    const current = result.value?.number ?? null;
    const previousTable = h(
      'table',
      { class: 'grid compact', 'aria-labelledby': 'previous-title' },
      h('thead', null, h('tr', null, ['Collected', 'Value', 'Flag', 'Δ to this value', 'Accession'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        null,
        previous.length === 0
          ? emptyRow(5, 'No earlier released value of this test for this patient.')
          : previous.map((p) =>
              h(
                'tr',
                null,
                h('td', null, time(p.at)),
                h('td', { class: 'value' }, p.reported ?? String(p.value ?? '')),
                h('td', null, flagBadge(p.flag)),
                h('td', { class: 'value' }, formatDelta(current, p.value, decimals)),
                h('td', { class: 'mono' }, h('a', { href: routeHash('specimen', [p.accession]) }, p.accession)),
              ),
            ),
      ),
    );

    const calls = review.critical_calls.length
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'calls-title' },
          h('h2', { id: 'calls-title' }, 'Critical calls'),
          h(
            'ul',
            { class: 'plain' },
            review.critical_calls.map((c) =>
              h(
                'li',
                { class: 'call' },
                h('strong', null, c.called_to),
                ` called by ${c.called_by} at ${formatTime(c.called_at)}`,
                c.read_back_confirmed ? ' — read-back confirmed' : ' — read-back NOT confirmed',
                c.result_revision !== result.revision ? ` (for revision ${c.result_revision}, an earlier value)` : '',
                c.notes ? h('div', { class: 'sub' }, c.notes) : null,
              ),
            ),
          ),
        )
      : null;

    const comments = review.comments.length
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'comments-title' },
          h('h2', { id: 'comments-title' }, 'Comments'),
          h(
            'ul',
            { class: 'plain', id: 'result-comments' },
            review.comments.map((c) =>
              h(
                'li',
                { class: 'comment', 'data-on-report': String(c.on_report) },
                h('span', { class: 'comment-text' }, c.text),
                h('div', { class: 'sub' }, `${c.written_by}, ${formatTime(c.written_at)} — ${c.on_report ? 'on the report' : 'lab only'}`),
              ),
            ),
          ),
        )
      : null;

    const revisions = review.revisions.length
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'revisions-title' },
          h('h2', { id: 'revisions-title' }, 'Earlier values of this result'),
          h(
            'ul',
            { class: 'plain' },
            review.revisions.map((r) =>
              h(
                'li',
                null,
                h('strong', null, `${r.value.reported} ${r.value.unit}`),
                ` ${r.flag} — ${r.status}, released ${formatTime(r.released_at)} by ${r.released_by}; replaced ${formatTime(r.replaced_at)} by ${r.replaced_by}`,
                r.reason ? `: ${r.reason}` : '',
              ),
            ),
          ),
        )
      : null;

    const order = specimen.order;
    replace(
      ctx.main,
      patientBanner(specimen.patient),
      h(
        'div',
        { class: 'page-head' },
        h('h1', { tabindex: '-1', id: 'result-title' }, `${review.test_name ?? test} (${test})`),
        h('span', { class: 'sub' }, 'Accession ', h('a', { class: 'mono', href: routeHash('specimen', [accession]) }, accession), ' · ', priorityBadge(order.priority)),
      ),
      h(
        'div',
        { class: 'review-grid' },
        h(
          'div',
          { class: 'review-main' },
          h(
            'section',
            { class: `result-card${critical ? ' result-critical' : ''}`, 'aria-labelledby': 'value-title', id: 'result-card' },
            h('h2', { id: 'value-title', class: 'sr-only' }, 'Value'),
            h(
              'div',
              { class: 'result-value-line' },
              h('span', { class: 'result-value', id: 'result-reported' }, result.value?.reported ?? '—'),
              h('span', { class: 'result-unit' }, unit),
              flagBadge(result.flag),
              statusBadge(result.status),
            ),
            critical ? h('p', { class: 'critical-note', role: 'note' }, needsCall ? 'Critical value: phone it to a caregiver and document the call with read-back before release.' : 'Critical value: call documented.') : null,
            definitionList([
              ['Reference interval', limits.reference ? `${limits.reference} ${unit}` : 'none given'],
              [
                'Critical limits',
                limits.criticalLow !== null || limits.criticalHigh !== null
                  ? `${limits.criticalLow !== null ? `≤ ${limits.criticalLow}` : ''}${limits.criticalLow !== null && limits.criticalHigh !== null ? ' or ' : ''}${limits.criticalHigh !== null ? `≥ ${limits.criticalHigh}` : ''} ${unit}`
                  : 'none',
              ],
              ['Entered', result.entered_at ? [time(result.entered_at), ` by ${result.entered_by}`] : ''],
              ['Measured', result.instrument ? [`on ${result.instrument}`, ...(result.measured_at ? [' at ', time(result.measured_at)] : [])] : ''],
              ['Performed by', result.performed_by && result.performed_by !== result.entered_by ? result.performed_by : ''],
              ['Released', result.released_at ? [time(result.released_at), ` by ${result.released_by}`] : ''],
              ['Corrected', result.corrected_at ? [time(result.corrected_at), ` by ${result.corrected_by}: ${result.correction_reason}`] : ''],
              ['Cancelled', result.cancelled_at ? [time(result.cancelled_at), ` by ${result.cancelled_by}: ${result.cancel_reason}`] : ''],
              ['LOINC', review.loinc ?? ''],
            ]),
          ),
          holdsPanel(review.holds),
          valueForm,
          actions,
          calls,
          comments,
          h('section', { class: 'card', 'aria-labelledby': 'previous-title' }, h('h2', { id: 'previous-title' }, 'Previous results (delta)'), previousTable),
          revisions,
        ),
        h(
          'aside',
          { class: 'review-side', 'aria-label': 'Specimen and order' },
          h(
            'section',
            { class: 'card' },
            h('h2', null, 'Specimen'),
            definitionList([
              ['Accession', h('span', { class: 'mono' }, accession)],
              ['Type', `${specimen.specimen.specimen_type} (${specimen.specimen.container_type})`],
              ['Status', specimen.specimen.status],
              ['Collected', [time(specimen.specimen.collected_at), specimen.specimen.collected_by ? ` by ${specimen.specimen.collected_by}` : '']],
              ['Received', specimen.specimen.received_at ? [time(specimen.specimen.received_at), ` by ${specimen.specimen.received_by}`] : 'not yet'],
              ['Condition', specimen.specimen.condition],
            ]),
          ),
          h(
            'section',
            { class: 'card' },
            h('h2', null, 'Order'),
            definitionList([
              ['Order', h('span', { class: 'mono' }, order.order_number)],
              ['Provider', order.ordering_provider],
              ['Clinical information', order.clinical_info],
              ['Ordered', time(order.ordered_at)],
            ]),
          ),
          h('nav', { class: 'card', 'aria-label': 'Tests on this specimen' }, h('h2', null, 'Tests on this specimen'), h('ul', { class: 'plain sibling-tests' }, others)),
        ),
      ),
    );
  };

  draw();
  if (!review.result.value && review.result.status !== 'cancelled') valueInput.focus();

  // Live: this specimen's results may change while it is on screen (an instrument, a colleague).
  const refresh = debounce(() => {
    if (valueInput.value.trim() !== '' || document.querySelector('dialog[open]')) {
      toast(`${test} on ${accession} changed elsewhere; it is shown again once you finish.`);
      pending = true;
      return;
    }
    void reload();
  }, 150);
  let pending = false;
  ctx.onCleanup(() => refresh.cancel());
  ctx.onEvent((event) => {
    if (event.type === 'reconnected' || event.accession === accession) refresh();
  });
  valueInput.addEventListener('blur', () => {
    if (pending && valueInput.value.trim() === '') {
      pending = false;
      void reload();
    }
  });
}
