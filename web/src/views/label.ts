// A specimen label drawn in HTML/CSS at tube-label size (50 × 25 mm): the accession number in
// large monospace (what a person reads when the barcode will not scan), the patient's two
// identifiers (name and MRN) with the birth date, what the tube holds, the tests and the
// collection time. Printing prints the labels alone (@media print in style.css).

import { h } from '../dom';
import { formatTime } from '../format';
import type { Label } from '../types';

export function labelElement(label: Label): HTMLElement {
  const body = label.check && label.accession.endsWith(label.check) ? label.accession.slice(0, -label.check.length) : label.accession;
  return h(
    'figure',
    { class: 'specimen-label', 'aria-label': `Label for specimen ${label.accession}`, 'data-accession': label.accession },
    h(
      'div',
      { class: 'label-accession mono', 'aria-label': `accession ${label.accession}` },
      body,
      label.check ? h('span', { class: 'label-check' }, label.check) : null,
      label.priority && label.priority !== 'routine' ? h('span', { class: 'label-priority' }, label.priority.toUpperCase()) : null,
    ),
    h('div', { class: 'label-name' }, label.patient_name),
    h('div', { class: 'label-ids' }, h('span', null, 'MRN ', h('b', { class: 'mono' }, label.mrn)), h('span', null, 'DOB ', h('b', null, label.birth_date))),
    h('div', { class: 'label-tube' }, `${label.specimen_type} · ${label.container}`),
    h('div', { class: 'label-tests' }, label.tests.join(' ')),
    h('div', { class: 'label-collected' }, 'Coll. ', formatTime(label.collected_at)),
  );
}

export function printLabels(labels: Label[]): void {
  const area = h('div', { class: 'print-area', 'aria-hidden': 'true' }, labels.map(labelElement));
  document.body.appendChild(area);
  document.body.classList.add('printing-labels');
  const done = () => {
    document.body.classList.remove('printing-labels');
    area.remove();
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  // Browsers without afterprint (or a print dialog that returns at once) still get cleaned up.
  setTimeout(done, 1000);
}
