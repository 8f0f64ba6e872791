// Order entry (#/order): find the patient by MRN or register them, choose the tests, priority and
// provider, place the order. An order (#/order/NUMBER): accession it (one specimen per tube the
// tests need) and see the labels; print them; go on to receive each tube.

import { ApiError, get, messageOf, post, seg } from '../api';
import { app, navigate, type ViewContext } from '../app';
import { button, errorBox, field, h, replace } from '../dom';
import { localInputValue, patientName, routeHash, toApiInstant } from '../format';
import type { CatalogTest, Label, Order, OrderDetail, Patient, PatientRecord, Specimen } from '../types';
import { formDialog, toast, toastError } from '../ui';
import { labelElement, printLabels } from './label';
import { definitionList, emptyRow, flagBadge, patientBanner, priorityBadge, statusBadge, time } from './parts';

export async function orderView(ctx: ViewContext): Promise<void> {
  const number = ctx.route.params[0];
  if (number) return orderDetailView(ctx, number);
  return orderEntryView(ctx);
}

// --- entry ----------------------------------------------------------------------------------

async function orderEntryView(ctx: ViewContext): Promise<void> {
  ctx.title('Order entry');
  const catalog = await app.catalog();
  if (!ctx.alive()) return;

  let patient: Patient | null = null;
  const chosen = new Set<string>();

  // Patient: find by MRN, else register.
  const mrn = h('input', { type: 'text', id: 'order-mrn', autocomplete: 'off', spellcheck: 'false', required: true, value: ctx.route.query.mrn ?? '' });
  const findError = errorBox();
  const patientArea = h('div', { class: 'patient-area', 'aria-live': 'polite' });

  const family = h('input', { type: 'text', id: 'reg-family', required: true, autocomplete: 'off' });
  const given = h('input', { type: 'text', id: 'reg-given', autocomplete: 'off' });
  const birth = h('input', { type: 'date', id: 'reg-birth', required: true });
  const sex = h(
    'select',
    { id: 'reg-sex', required: true },
    h('option', { value: '' }, 'Choose…'),
    h('option', { value: 'F' }, 'Female'),
    h('option', { value: 'M' }, 'Male'),
    h('option', { value: 'O' }, 'Other'),
    h('option', { value: 'U' }, 'Unknown'),
  );
  const registerError = errorBox();
  const registerForm = h(
    'form',
    {
      class: 'register-form',
      hidden: true,
      'aria-labelledby': 'register-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        registerError.clear();
        try {
          const registered = await post<Patient>('/api/patients', {
            mrn: mrn.value.trim(),
            family_name: family.value.trim(),
            given_name: given.value.trim(),
            birth_date: birth.value,
            sex: sex.value,
          });
          toast(`Patient ${patientName(registered)} (${registered.mrn}) registered.`);
          choosePatient(registered);
        } catch (error) {
          registerError.show(messageOf(error));
        }
      },
    },
    h('h3', { id: 'register-title' }, 'Register a new patient'),
    h('div', { class: 'row' }, field('Family name', family), field('Given name', given), field('Birth date', birth), field('Sex', sex)),
    registerError,
    h('button', { type: 'submit', class: 'primary', id: 'action-register' }, 'Register patient'),
  );

  const choosePatient = (p: Patient) => {
    patient = p;
    registerForm.hidden = true;
    replace(patientArea, patientBanner(p));
    orderSection.hidden = false;
    placeButton.disabled = false;
    testFilter.focus();
  };

  const find = async () => {
    findError.clear();
    const value = mrn.value.trim();
    if (!value) {
      findError.show('Type the MRN first.');
      return;
    }
    try {
      const record = await get<PatientRecord>(`/api/patients/${seg(value)}`);
      choosePatient(record.patient);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        patient = null;
        replace(patientArea, h('p', { class: 'notice' }, `No patient with MRN ${value}: register them below.`));
        orderSection.hidden = true;
        registerForm.hidden = false;
        family.focus();
      } else {
        findError.show(messageOf(error));
      }
    }
  };

  const findForm = h(
    'form',
    {
      class: 'find-form row',
      role: 'search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void find();
      },
    },
    field('MRN', mrn),
    h('button', { type: 'submit', id: 'action-find' }, 'Find patient'),
    findError,
  );

  // Tests: a filter, the panels, the tests by section.
  const testFilter = h('input', { type: 'search', id: 'test-filter', autocomplete: 'off', spellcheck: 'false', placeholder: 'code or name, Enter adds' });
  const chosenList = h('ul', { class: 'chips', id: 'chosen-tests', 'aria-live': 'polite', 'aria-label': 'Tests chosen' });
  const boxes = new Map<string, HTMLInputElement>();
  const item = (code: string, name: string, extra = '') => {
    const box = h('input', {
      type: 'checkbox',
      id: `test-${code}`,
      value: code,
      onchange: () => {
        if (box.checked) chosen.add(code);
        else chosen.delete(code);
        drawChosen();
      },
    });
    boxes.set(code, box);
    return h('li', { 'data-code': code, 'data-search': `${code} ${name}`.toLowerCase() }, box, h('label', { for: box.id }, h('b', null, code), ` ${name}`, extra ? h('span', { class: 'sub' }, ` ${extra}`) : null));
  };
  const bySection = new Map<string, CatalogTest[]>();
  for (const t of catalog.tests) {
    if (!bySection.has(t.section)) bySection.set(t.section, []);
    bySection.get(t.section)!.push(t);
  }
  const picker = h(
    'div',
    { class: 'test-picker', id: 'test-picker' },
    h('fieldset', null, h('legend', null, 'Panels'), h('ul', { class: 'checks' }, catalog.panels.map((p) => item(p.code, p.name, `(${p.tests.join(', ')})`)))),
    [...bySection.entries()].map(([section, tests]) =>
      h(
        'fieldset',
        null,
        h('legend', null, section),
        h('ul', { class: 'checks' }, tests.map((t) => item(t.code, t.name, t.calculated ? '(calculated)' : t.unit ? `(${t.unit})` : ''))),
      ),
    ),
  );
  const drawChosen = () => {
    replace(
      chosenList,
      [...chosen].map((code) =>
        h(
          'li',
          null,
          code,
          h(
            'button',
            {
              type: 'button',
              class: 'chip-remove',
              'aria-label': `Remove ${code}`,
              onclick: () => {
                chosen.delete(code);
                const box = boxes.get(code);
                if (box) box.checked = false;
                drawChosen();
              },
            },
            '×',
          ),
        ),
      ),
    );
    if (chosen.size === 0) chosenList.appendChild(h('li', { class: 'sub' }, 'none yet'));
  };
  const applyFilter = () => {
    const text = testFilter.value.trim().toLowerCase();
    picker.querySelectorAll<HTMLLIElement>('li[data-search]').forEach((li) => {
      li.hidden = text !== '' && !(li.dataset.search ?? '').includes(text);
    });
  };
  testFilter.addEventListener('input', applyFilter);
  testFilter.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const text = testFilter.value.trim();
    if (!text) return;
    const exact = [...boxes.keys()].find((code) => code.toLowerCase() === text.toLowerCase());
    const first = exact ?? picker.querySelector<HTMLLIElement>('li[data-search]:not([hidden])')?.dataset.code;
    if (!first) {
      toastError(`No test or panel matches "${text}".`);
      return;
    }
    chosen.add(first);
    const box = boxes.get(first);
    if (box) box.checked = true;
    drawChosen();
    testFilter.value = '';
    applyFilter();
  });

  const priority = h(
    'select',
    { id: 'order-priority' },
    h('option', { value: 'routine' }, 'Routine'),
    h('option', { value: 'asap' }, 'ASAP'),
    h('option', { value: 'stat' }, 'STAT'),
  );
  const provider = h('input', { type: 'text', id: 'order-provider', required: true, autocomplete: 'off' });
  const clinical = h('input', { type: 'text', id: 'order-clinical', autocomplete: 'off' });
  const placeError = errorBox();
  const placeButton = h('button', { type: 'submit', class: 'primary', id: 'action-place', disabled: true, 'aria-keyshortcuts': 'Alt+o' }, 'Place order');

  const place = async () => {
    placeError.clear();
    if (!patient) {
      placeError.show('Find or register the patient first.');
      return;
    }
    if (chosen.size === 0) {
      placeError.show('Choose at least one test.');
      testFilter.focus();
      return;
    }
    try {
      const order = await post<Order>('/api/orders', {
        mrn: patient.mrn,
        tests: [...chosen],
        priority: priority.value,
        ordering_provider: provider.value.trim(),
        clinical_info: clinical.value.trim(),
      });
      toast(`Order ${order.order_number} placed: ${(order.tests ?? order.requested_codes).join(', ')}.`);
      navigate(routeHash('order', [order.order_number]));
    } catch (error) {
      placeError.show(messageOf(error));
    }
  };

  const orderSection = h(
    'form',
    {
      class: 'order-form',
      hidden: true,
      'aria-labelledby': 'tests-title',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void place();
      },
    },
    h('h2', { id: 'tests-title' }, 'Tests'),
    h('div', { class: 'row' }, field('Find a test or panel', testFilter, 'Type a code (K, BMP) or part of a name; Enter adds the first match.'), h('div', { class: 'chosen' }, h('span', { class: 'label' }, 'Chosen: '), chosenList)),
    picker,
    h('div', { class: 'row' }, field('Priority', priority), field('Ordering provider', provider), field('Clinical information', clinical)),
    placeError,
    placeButton,
  );
  drawChosen();

  replace(
    ctx.main,
    h('h1', { tabindex: '-1' }, 'Order entry'),
    h('section', { class: 'card', 'aria-labelledby': 'patient-title' }, h('h2', { id: 'patient-title' }, 'Patient'), findForm, patientArea, registerForm),
    h('section', { class: 'card' }, orderSection),
  );
  mrn.focus();
  if (mrn.value) void find();

  ctx.shortcuts('Order entry', [
    { key: 'm', description: 'Focus the MRN field', run: () => mrn.focus() },
    {
      key: 'g',
      description: 'Register the patient (when the MRN is new)',
      run: () => {
        if (!registerForm.hidden) registerForm.requestSubmit();
      },
    },
    { key: 'f', description: 'Focus the test finder', run: () => testFilter.focus() },
    {
      key: 'o',
      label: 'o / Alt+o',
      description: 'Place the order',
      run: () => {
        if (!orderSection.hidden) void place();
      },
    },
  ]);
}

// --- one order: accession and labels -------------------------------------------------------

async function orderDetailView(ctx: ViewContext, number: string): Promise<void> {
  let detail = await get<OrderDetail>(`/api/orders/${seg(number)}`);
  if (!ctx.alive()) return;
  ctx.title(`Order ${number}`);
  let labels: Label[] = [];

  const loadLabels = async () => {
    const live = detail.specimens.filter((s) => s.status !== 'rejected');
    const answers = await Promise.all(
      live.map((s) =>
        get<Label>(`/api/specimens/${seg(s.accession_number)}/label`).catch((error: unknown) => {
          toastError(error);
          return null;
        }),
      ),
    );
    labels = answers.filter((l): l is Label => l !== null);
  };
  await loadLabels();
  if (!ctx.alive()) return;

  const collectedAt = h('input', { type: 'datetime-local', id: 'collected-at', value: localInputValue(new Date()) });
  const collectedBy = h('input', { type: 'text', id: 'collected-by', autocomplete: 'off', placeholder: app.username });
  const accessionError = errorBox();

  const accession = async () => {
    accessionError.clear();
    try {
      const body: Record<string, string> = {};
      const at = toApiInstant(collectedAt.value);
      if (at) body.collected_at = at;
      if (collectedBy.value.trim()) body.collected_by = collectedBy.value.trim();
      const answer = await post<{ specimens: (Specimen & { label: Label })[] }>(`/api/orders/${seg(number)}/accession`, body);
      toast(`Accessioned: ${answer.specimens.map((s) => s.accession_number).join(', ')}.`);
      detail = await get<OrderDetail>(`/api/orders/${seg(number)}`);
      labels = answer.specimens.map((s) => s.label);
      const older = await Promise.all(
        detail.specimens
          .filter((s) => s.status !== 'rejected' && !labels.some((l) => l.accession === s.accession_number))
          .map((s) => get<Label>(`/api/specimens/${seg(s.accession_number)}/label`).catch(() => null)),
      );
      labels = [...older.filter((l): l is Label => l !== null), ...labels];
      if (!ctx.alive()) return;
      draw();
      document.getElementById('action-print')?.focus();
    } catch (error) {
      accessionError.show(messageOf(error));
    }
  };

  const cancel = () => {
    const reason = h('input', { type: 'text', id: 'cancel-reason', required: true, autocomplete: 'off' });
    formDialog(
      `Cancel order ${number}`,
      [h('p', null, 'Cancels every test not released yet. Released results stay.'), field('Reason', reason)],
      'Cancel order',
      async () => {
        const answer = await post<{ cancelled: string[]; released: string[] }>(`/api/orders/${seg(number)}/cancel`, { reason: reason.value.trim() });
        toast(`Order ${number} cancelled: ${answer.cancelled.join(', ') || 'no test'}.`);
        detail = await get<OrderDetail>(`/api/orders/${seg(number)}`);
        if (ctx.alive()) draw();
      },
      { danger: true, initialFocus: reason },
    );
  };

  ctx.shortcuts(`Order ${number}`, [
    { key: 'a', description: 'Accession (collect) the tests without a specimen', run: () => void accession() },
    { key: 'l', description: 'Print the labels', run: () => labels.length && printLabels(labels) },
    { key: 'z', description: 'Cancel the order (with a reason)', run: cancel },
    { key: 'h', description: "Open the patient's history", run: () => navigate(routeHash('patient', [detail.patient.mrn])) },
  ]);

  const draw = () => {
    const order = detail.order;
    const unaccessioned = detail.results.filter((r) => r.result.specimen_id === null && r.result.status === 'pending');
    const accessionForm = unaccessioned.length
      ? h(
          'form',
          {
            class: 'accession-form card',
            'aria-labelledby': 'accession-title',
            onsubmit: (event: Event) => {
              event.preventDefault();
              void accession();
            },
          },
          h('h2', { id: 'accession-title' }, 'Accession'),
          h('p', null, `Tests without a specimen: ${unaccessioned.map((r) => r.result.test_code).join(', ')}.`),
          h('div', { class: 'row' }, field('Collected at', collectedAt), field('Collected by', collectedBy, `default: ${app.username}`)),
          accessionError,
          h('button', { type: 'submit', class: 'primary', id: 'action-accession', 'aria-keyshortcuts': 'a' }, 'Accession and make labels', h('kbd', { 'aria-hidden': 'true' }, 'a')),
        )
      : null;
    replace(
      ctx.main,
      patientBanner(detail.patient),
      h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Order ', h('span', { class: 'mono', id: 'order-number' }, order.order_number)), priorityBadge(order.priority)),
      h(
        'div',
        { class: 'two-col' },
        h(
          'section',
          { class: 'card' },
          h('h2', null, 'Order'),
          definitionList([
            ['Tests requested', order.requested_codes.join(', ')],
            ['Provider', order.ordering_provider],
            ['Clinical information', order.clinical_info],
            ['Ordered', [time(order.ordered_at), ` by ${order.ordered_by}`]],
          ]),
          h('div', { class: 'actions' }, button('Cancel order…', cancel, { key: 'z', kind: 'danger-outline' })),
        ),
        accessionForm ?? h('section', { class: 'card' }, h('h2', null, 'Accession'), h('p', null, 'Every test has a specimen.')),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'labels-title' },
        h('div', { class: 'page-head' }, h('h2', { id: 'labels-title' }, 'Labels'), labels.length ? Object.assign(button('Print labels', () => printLabels(labels), { key: 'l', kind: 'primary' }), { id: 'action-print' }) : null),
        labels.length
          ? h(
              'div',
              { class: 'labels' },
              labels.map((label) =>
                h('div', { class: 'label-with-link' }, labelElement(label), h('a', { href: routeHash('specimen', [label.accession]) }, `Receive or reject ${label.accession} →`)),
              ),
            )
          : h('p', { class: 'sub' }, 'No specimen yet.'),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'order-tests-title' },
        h('h2', { id: 'order-tests-title' }, 'Tests'),
        h(
          'table',
          { class: 'grid compact' },
          h('thead', null, h('tr', null, ['Test', 'Specimen', 'Value', 'Flag', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            detail.results.length === 0
              ? emptyRow(5, 'No tests.')
              : detail.results.map((r) => {
                  const specimen = detail.specimens.find((s) => s.id === r.result.specimen_id);
                  return h(
                    'tr',
                    null,
                    h('td', null, specimen ? h('a', { href: routeHash('result', [specimen.accession_number, r.result.test_code]) }, r.result.test_code) : r.result.test_code),
                    h('td', { class: 'mono' }, specimen ? h('a', { href: routeHash('specimen', [specimen.accession_number]) }, specimen.accession_number) : ''),
                    h('td', { class: 'value' }, r.result.value ? `${r.result.value.reported} ${r.result.value.unit}` : ''),
                    h('td', null, flagBadge(r.result.flag)),
                    h('td', null, statusBadge(r.result.status)),
                  );
                }),
          ),
        ),
      ),
    );
  };
  draw();
  if (document.getElementById('action-accession')) document.getElementById('action-accession')!.focus();
  // Live: a tube of this order received or rejected, or its results, elsewhere.
  ctx.onEvent((event) => {
    if (!detail.specimens.some((s) => s.accession_number === event.accession)) return;
    void get<OrderDetail>(`/api/orders/${seg(number)}`)
      .then((fresh) => {
        detail = fresh;
        const typing = document.activeElement instanceof HTMLInputElement && ctx.main.contains(document.activeElement);
        if (ctx.alive() && !document.querySelector('dialog[open]') && !typing) draw();
      })
      .catch(() => {});
  });
}
