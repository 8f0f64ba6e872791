// A specimen label drawn in HTML/CSS at tube-label size (50 × 25 mm): the accession number in
// large monospace (what a person reads when the barcode will not scan), its Code 128 barcode as
// the server encoded it, the patient's two
// identifiers (name and MRN) with the birth date, what the tube holds, the tests and the
// collection time. Printing prints the labels alone (@media print in style.css).

import { h } from '../dom';
import { formatTime } from '../format';
import type { Barcode, Label } from '../types';

const SVG = 'http://www.w3.org/2000/svg';

// The bars as an SVG scaled to the label's width, with the quiet zone a scanner needs on each
// side. Drawn with DOM calls, never from markup.
export function barcodeElement(barcode: Barcode, accession: string): SVGSVGElement {
  const width = barcode.modules + 2 * barcode.quiet_zone;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'label-barcode');
  svg.setAttribute('viewBox', `0 0 ${width} 24`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `barcode ${accession}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  for (const [x, w] of barcode.bars) {
    const bar = document.createElementNS(SVG, 'rect');
    bar.setAttribute('x', String(x + barcode.quiet_zone));
    bar.setAttribute('width', String(w));
    bar.setAttribute('height', '24');
    svg.appendChild(bar);
  }
  return svg;
}

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
    label.barcode ? barcodeElement(label.barcode, label.accession) : null,
    h('div', { class: 'label-name' }, label.patient_name),
    h('div', { class: 'label-ids' }, h('span', null, 'MRN ', h('b', { class: 'mono' }, label.mrn)), h('span', null, 'DOB ', h('b', null, label.birth_date))),
    h('div', { class: 'label-tube' }, `${label.specimen_type} · ${label.container} · coll. `, formatTime(label.collected_at)),
    h('div', { class: 'label-tests' }, label.tests.join(' ')),
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
