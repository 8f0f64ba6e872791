// Charts with uPlot: a patient's trend of one analyte, and the Levey-Jennings chart of a control
// (mean and ±1, 2, 3 SD lines, rejected runs marked). Each chart sits in a figure whose caption
// says what it shows; the same numbers are in the table beside it for those who cannot see it.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { ljLines } from './format';

const seconds = (iso: string) => new Date(iso).getTime() / 1000;

// A time axis around a single point would span years: half a day either side instead.
const timeRange: uPlot.Range.Function = (_u, min, max) => (min === max ? [min - 43_200, max + 43_200] : [min, max]);

function widthOf(container: HTMLElement): number {
  return Math.max(320, Math.floor(container.clientWidth || container.parentElement?.clientWidth || 900) - 8);
}

// Keeps a chart as wide as its container; returns the cleanup.
function fit(chart: uPlot, container: HTMLElement, height: number): () => void {
  const observer = new ResizeObserver(() => chart.setSize({ width: widthOf(container), height }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}

export function trendChart(
  container: HTMLElement,
  points: { at: string; value: number | null }[],
  options: { label: string; unit: string; low?: number | null; high?: number | null },
): () => void {
  const height = 260;
  const xs = points.map((p) => seconds(p.at));
  const ys = points.map((p) => (typeof p.value === 'number' ? p.value : null));
  const series: uPlot.Series[] = [
    {},
    { label: `${options.label} (${options.unit})`, stroke: '#1f5fa8', width: 2, points: { show: true, size: 7, fill: '#1f5fa8' }, spanGaps: true },
  ];
  const data: (number | null)[][] = [xs, ys];
  if (typeof options.low === 'number') {
    series.push({ label: 'reference low', stroke: '#6b8f71', dash: [6, 4], width: 1, points: { show: false } });
    data.push(xs.map(() => options.low as number));
  }
  if (typeof options.high === 'number') {
    series.push({ label: 'reference high', stroke: '#6b8f71', dash: [6, 4], width: 1, points: { show: false } });
    data.push(xs.map(() => options.high as number));
  }
  const chart = new uPlot(
    {
      width: widthOf(container),
      height,
      scales: {
        x: { time: true, range: timeRange },
        y: { range: (_u, min, max) => (min === max ? [min - Math.abs(min) * 0.2 - 1, max + Math.abs(max) * 0.2 + 1] : [min - (max - min) * 0.1, max + (max - min) * 0.1]) },
      },
      series,
      axes: [{}, { label: options.unit, size: 60 }],
      cursor: { drag: { x: false, y: false } },
    },
    data as uPlot.AlignedData,
    container,
  );
  return fit(chart, container, height);
}

export function leveyJenningsChart(
  container: HTMLElement,
  points: { at: string; value: number; rejected: boolean }[],
  options: { mean: number; sd: number; unit: string; label: string },
): () => void {
  const height = 340;
  const sorted = [...points].sort((a, b) => seconds(a.at) - seconds(b.at));
  const xs = sorted.map((p) => seconds(p.at));
  const values = sorted.map((p) => p.value);
  const rejected = sorted.map((p) => (p.rejected ? p.value : null));
  const lines = ljLines(options.mean, options.sd);
  const colour = (k: number) => (k === 0 ? '#222' : Math.abs(k) === 1 ? '#6b8f71' : Math.abs(k) === 2 ? '#c28a00' : '#b3261e');
  const series: uPlot.Series[] = [
    {},
    { label: options.label, stroke: '#1f5fa8', width: 1.5, points: { show: true, size: 7, fill: '#1f5fa8' } },
    {
      label: 'rejected run',
      stroke: '#b3261e',
      width: 0,
      paths: () => null,
      points: { show: true, size: 13, fill: '#b3261e', stroke: '#fff', width: 2 },
    },
    ...lines.map((line) => ({
      label: line.label,
      stroke: colour(line.k),
      width: line.k === 0 ? 1.5 : 1,
      dash: line.k === 0 ? undefined : [6, 4],
      points: { show: false },
    })),
  ];
  const data = [xs, values, rejected, ...lines.map((line) => xs.map(() => line.value))];
  // At least ±4 SD, so that the ±3 SD lines and a point just beyond them are inside the chart.
  const low = options.mean - 4 * options.sd;
  const high = options.mean + 4 * options.sd;
  const chart = new uPlot(
    {
      width: widthOf(container),
      height,
      scales: {
        x: { time: true, range: timeRange },
        y: {
          range: (_u, min, max) => {
            const bottom = Math.min(min ?? low, low);
            const top = Math.max(max ?? high, high);
            const pad = (top - bottom) * 0.04;
            return [bottom - pad, top + pad];
          },
        },
      },
      series,
      axes: [{}, { label: options.unit, size: 64 }],
      cursor: { drag: { x: false, y: false } },
    },
    data as uPlot.AlignedData,
    container,
  );
  return fit(chart, container, height);
}
