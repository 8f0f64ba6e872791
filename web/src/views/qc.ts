// Quality control (#/qc?instrument=...&test=...&level=...): the Levey-Jennings chart of one
// control level (GET /api/qc/chart: mean and ±1, 2, 3 SD lines, rejected runs marked) and the
// runs as judged (GET /api/qc/runs).

import { get, messageOf, query } from '../api';
import { navigate, type ViewContext } from '../app';
import { leveyJenningsChart } from '../charts';
import { field, h, replace } from '../dom';
import { formatTime, monthOf, routeHash } from '../format';
import type { QcChart, QcMaterial, QcPoint, QcRun, QcTarget } from '../types';
import { emptyRow, time } from './parts';

function listOf<T>(answer: unknown, key: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  if (answer && typeof answer === 'object' && Array.isArray((answer as Record<string, unknown>)[key])) {
    return (answer as Record<string, T[]>)[key];
  }
  return [];
}

// A rule as the API names it: "1-3s", or {rule:"1-3s", ...}.
function ruleNames(rules: unknown): string {
  const list = Array.isArray(rules) ? rules : typeof rules === 'string' && rules ? [rules] : [];
  return list
    .map((r) => (typeof r === 'string' ? r : r && typeof r === 'object' && 'rule' in r ? String((r as { rule: unknown }).rule) : ''))
    .filter(Boolean)
    .join(', ');
}

export async function qcView(ctx: ViewContext): Promise<void> {
  ctx.title('Quality control');
  const q = ctx.route.query;
  const params = { instrument: q.instrument ?? '', test: q.test ?? '', level: q.level ?? '', lot: q.lot ?? '', month: q.month ?? '' };

  // What there is to choose from: the materials (lots and levels), and once an instrument and a
  // test are named, their targets (GET /api/qc/targets needs both).
  const [targets, materials] = await Promise.all([
    params.instrument && params.test
      ? get<unknown>(`/api/qc/targets${query({ instrument: params.instrument, test: params.test })}`)
          .then((a) => listOf<QcTarget>(a, 'targets'))
          .catch(() => [] as QcTarget[])
      : Promise.resolve([] as QcTarget[]),
    get<unknown>('/api/qc/materials')
      .then((a) => listOf<QcMaterial>(a, 'materials'))
      .catch(() => [] as QcMaterial[]),
  ]);
  if (!ctx.alive()) return;

  const datalist = (id: string, values: string[]) => h('datalist', { id }, [...new Set(values.filter(Boolean))].sort().map((v) => h('option', { value: v })));
  const instrument = h('input', { type: 'text', id: 'qc-instrument', list: 'qc-instruments', value: params.instrument, required: true, autocomplete: 'off' });
  const test = h('input', { type: 'text', id: 'qc-test', list: 'qc-tests', value: params.test, required: true, autocomplete: 'off' });
  const level = h('input', { type: 'text', id: 'qc-level', list: 'qc-levels', value: params.level, required: true, autocomplete: 'off' });
  const lot = h('input', { type: 'text', id: 'qc-lot', list: 'qc-lots', value: params.lot, autocomplete: 'off' });
  const month = h('input', { type: 'month', id: 'qc-month', value: params.month });
  const form = h(
    'form',
    {
      class: 'card qc-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        navigate(
          routeHash('qc', [], {
            instrument: instrument.value.trim(),
            test: test.value.trim(),
            level: level.value.trim(),
            lot: lot.value.trim(),
            month: month.value,
          }),
        );
      },
    },
    datalist('qc-instruments', targets.map((t) => t.instrument)),
    datalist('qc-tests', targets.map((t) => t.test_code)),
    datalist('qc-levels', [...targets.map((t) => String(t.level ?? '')), ...materials.map((m) => String(m.level))]),
    datalist('qc-lots', [...targets.map((t) => t.lot ?? ''), ...materials.map((m) => m.lot)]),
    h('div', { class: 'row' }, field('Instrument', instrument), field('Test', test), field('Level', level), field('Lot (optional)', lot), field('Month (optional)', month)),
    h('button', { type: 'submit', class: 'primary' }, 'Show chart'),
    h('button', { type: 'button', onclick: () => (month.value = monthOf(new Date())) }, 'This month'),
  );

  ctx.shortcuts('Quality control', [{ key: 'i', description: 'Focus the instrument field', run: () => instrument.focus() }]);

  const body = h('div', { class: 'qc-body' });
  replace(ctx.main, h('h1', { tabindex: '-1' }, 'Quality control — Levey-Jennings'), form, body);
  if (!params.instrument || !params.test || !params.level) {
    body.appendChild(h('p', { class: 'sub' }, 'Choose an instrument, a test and a control level.'));
    if (!params.instrument) instrument.focus();
    return;
  }

  const args = { instrument: params.instrument, test: params.test, level: params.level, lot: params.lot, month: params.month };
  let chart: QcChart;
  let runsAnswer: unknown;
  try {
    [chart, runsAnswer] = await Promise.all([get<QcChart>(`/api/qc/chart${query(args)}`), get<unknown>(`/api/qc/runs${query(args)}`)]);
  } catch (error) {
    if (ctx.alive()) replace(body, h('p', { class: 'form-error', role: 'alert' }, messageOf(error)));
    return;
  }
  if (!ctx.alive()) return;
  const runs = listOf<QcRun>(runsAnswer, 'runs');
  const points: QcPoint[] = chart.points ?? [];
  const rejectedCount = points.filter((p) => p.rejected).length;

  const chartBox = h('div', {
    class: 'chart',
    id: 'lj-chart',
    role: 'img',
    'aria-label': `Levey-Jennings chart of ${params.test} level ${params.level} on ${params.instrument}: ${points.length} values, mean ${chart.mean}, SD ${chart.sd}, ${rejectedCount} rejected`,
  });
  const zOf = new Map(points.map((p) => [p.run_id, p]));

  replace(
    body,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'lj-title' },
      h('h2', { id: 'lj-title' }, `${params.test} level ${params.level} on ${params.instrument}`),
      h(
        'p',
        { class: 'summary' },
        `Mean ${chart.mean} ${chart.unit ?? ''}, SD ${chart.sd}; ${points.length} value${points.length === 1 ? '' : 's'}; `,
        h('span', { class: rejectedCount ? 'critical-text' : '' }, `${rejectedCount} rejected`),
      ),
      chartBox,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'runs-title' },
      h('h2', { id: 'runs-title' }, 'Runs'),
      h(
        'table',
        { class: 'grid compact' },
        h('thead', null, h('tr', null, ['Run', 'Measured', 'Values (level/lot = value)', 'z', 'Verdict', 'Rules', 'Corrective action', 'Recorded by'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          runs.length === 0
            ? emptyRow(8, 'No runs for this choice.')
            : runs.map((run) => {
                const point = zOf.get(run.id);
                return h(
                  'tr',
                  { class: run.status === 'reject' || run.status === 'rejected' ? 'row-critical' : '' },
                  h('td', { class: 'mono' }, String(run.id)),
                  h('td', null, time(run.measured_at)),
                  h('td', null, (run.values ?? []).map((v) => `${v.level}/${v.lot} = ${v.value}`).join('; ')),
                  h('td', { class: 'value' }, point && typeof point.z === 'number' ? point.z.toFixed(2) : ''),
                  h('td', null, h('span', { class: `status status-qc-${run.status}` }, run.status)),
                  h('td', null, ruleNames(run.violations) || ruleNames(point?.rules)),
                  h('td', null, run.corrective_action, run.corrected_at ? h('div', { class: 'sub' }, `${formatTime(run.corrected_at)} ${run.corrected_by}`) : null),
                  h('td', null, run.recorded_by),
                );
              }),
        ),
      ),
    ),
  );
  if (points.length && Number.isFinite(chart.mean) && Number.isFinite(chart.sd)) {
    ctx.onCleanup(leveyJenningsChart(chartBox, points, { mean: chart.mean, sd: chart.sd, unit: chart.unit ?? '', label: `${params.test} L${params.level}` }));
  } else {
    chartBox.appendChild(h('p', { class: 'sub' }, 'No values to chart.'));
  }
}
