import { describe, expect, it, vi } from 'vitest';

import {
  ageAt,
  daysBetween,
  daysLeftText,
  debounce,
  experienceLines,
  expiryWindow,
  flagLabel,
  formatDelta,
  formatMinutes,
  holdSummary,
  isCritical,
  limitsOf,
  ljLines,
  normalizeScan,
  parseRoute,
  routeHash,
  toApiInstant,
  judgesQualification,
  keepsStaffRecords,
  recordsCeFor,
} from './format';
import type { HoldReason } from './types';

describe('normalizeScan', () => {
  it('keeps the accession a scanner typed, in capitals, without white space', () => {
    expect(normalizeScan('  260000001k\r\n')).toBe('260000001K');
  });
  it('drops a Code 39 start/stop and an AIM symbology identifier', () => {
    expect(normalizeScan('*260000001K*')).toBe('260000001K');
    expect(normalizeScan(']C0260000001K')).toBe('260000001K');
  });
  it('drops control characters a wedge may send', () => {
    expect(normalizeScan('\u0002260000001K\u0003')).toBe('260000001K');
  });
  it('gives nothing for nothing', () => {
    expect(normalizeScan('  \t')).toBe('');
  });
});

describe('parseRoute and routeHash', () => {
  it('reads the screen, its parameters and the query', () => {
    expect(parseRoute('#/result/260000001K/K?from=worklist')).toEqual({
      name: 'result',
      params: ['260000001K', 'K'],
      query: { from: 'worklist' },
    });
  });
  it('decodes what routeHash encodes', () => {
    const hash = routeHash('patient', ['MRN 1/2'], { next: '/worklist/chemistry' });
    expect(parseRoute(hash)).toEqual({ name: 'patient', params: ['MRN 1/2'], query: { next: '/worklist/chemistry' } });
  });
  it('gives the default screen for an empty hash', () => {
    expect(parseRoute('')).toEqual({ name: '', params: [], query: {} });
  });
  it('leaves out empty query values', () => {
    expect(routeHash('qc', [], { instrument: 'c311', lot: '' })).toBe('#/qc?instrument=c311');
  });
});

describe('toApiInstant', () => {
  it('turns a local datetime-local value into RFC 3339 UTC to the second', () => {
    const local = '2026-03-04T14:05';
    const expected = new Date(2026, 2, 4, 14, 5).toISOString().replace('.000Z', 'Z');
    expect(toApiInstant(local)).toBe(expected);
  });
  it('refuses what is not a time', () => {
    expect(toApiInstant('')).toBeNull();
    expect(toApiInstant('yesterday')).toBeNull();
  });
});

describe('ageAt', () => {
  const at = new Date(2026, 5, 15);
  it('says years from two years on', () => {
    expect(ageAt('1970-06-16', at)).toBe('55 y');
    expect(ageAt('1970-06-15', at)).toBe('56 y');
  });
  it('says months under two years and days under a month', () => {
    expect(ageAt('2025-01-15', at)).toBe('17 mo');
    expect(ageAt('2026-06-01', at)).toBe('14 d');
  });
  it('says nothing for a malformed date', () => {
    expect(ageAt('15/06/2026', at)).toBe('');
  });
});

describe('flags', () => {
  it('knows the critical flags', () => {
    expect(isCritical('HH')).toBe(true);
    expect(isCritical('LL')).toBe(true);
    expect(isCritical('H')).toBe(false);
    expect(isCritical('')).toBe(false);
  });
  it('names them as the bench does', () => {
    expect(flagLabel('HH').text).toBe('critical high');
    expect(flagLabel('L').text).toBe('low');
    expect(flagLabel('').text).toBe('');
  });
});

describe('formatDelta', () => {
  it('signs the change with the decimals of the test', () => {
    expect(formatDelta(7.1, 4.0, 1)).toBe('+3.1');
    expect(formatDelta(3.9, 4.2, 1)).toBe('-0.3');
    expect(formatDelta(140, 140, 0)).toBe('0');
  });
  it('is empty when a value is not a number', () => {
    expect(formatDelta(null, 4, 1)).toBe('');
    expect(formatDelta(4, 'negative', 1)).toBe('');
    expect(formatDelta(4, null, 1)).toBe('');
  });
  it('reads a previous value sent as text', () => {
    expect(formatDelta(5, '4.5', 1)).toBe('+0.5');
  });
});

describe('formatMinutes', () => {
  it('reads as people say it', () => {
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(125)).toBe('2 h 05 min');
    expect(formatMinutes(1500)).toBe('1 d 1 h');
    expect(formatMinutes(null)).toBe('');
  });
});

describe('ljLines', () => {
  it('draws the mean and one, two and three SD either side', () => {
    const lines = ljLines(100, 2.5);
    expect(lines.map((l) => l.value)).toEqual([92.5, 95, 97.5, 100, 102.5, 105, 107.5]);
    expect(lines[3].label).toBe('mean');
    expect(lines[6].label).toBe('+3 SD');
  });
});

describe('limitsOf', () => {
  it('reads the limits as named fields', () => {
    expect(limitsOf({ reference_interval: '3.5-5.1', critical_low: 2.5, critical_high: 6.5 })).toEqual({
      reference: '3.5-5.1',
      criticalLow: 2.5,
      criticalHigh: 6.5,
    });
  });
  it('reads the limits as objects', () => {
    expect(limitsOf({ limits: { reference: { low: 3.5, high: 5.1 }, critical: { low: 2.5, high: 6.5 } } })).toEqual({
      reference: '3.5–5.1',
      criticalLow: 2.5,
      criticalHigh: 6.5,
    });
  });
  it("falls back to the result's own reference range", () => {
    expect(limitsOf({}, '3.5-5.1')).toEqual({ reference: '3.5-5.1', criticalLow: null, criticalHigh: null });
  });
});

describe('holdSummary', () => {
  const hold = (category: string, rule: string): HoldReason => ({
    category,
    rule,
    action: '',
    observed: '',
    threshold: '',
    message: '',
    suppresses: false,
  });
  it('names each category once', () => {
    expect(holdSummary([hold('critical', 'K critical'), hold('delta-check', 'K delta'), hold('critical', 'x')])).toBe('critical; delta-check');
  });
  it('is empty without holds', () => {
    expect(holdSummary([])).toBe('');
    expect(holdSummary(undefined)).toBe('');
  });
});

describe('debounce', () => {
  it('runs once after a burst', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 150);
    d();
    d();
    vi.advanceTimersByTime(100);
    d();
    vi.advanceTimersByTime(149);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
  it('can be cancelled', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 150);
    d();
    d.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
    vi.useRealTimers();
  });
});

describe('who edits a person\'s record', () => {
  it('lets supervisors and pathologists judge, and admins only keep the records', () => {
    expect(judgesQualification('supervisor')).toBe(true);
    expect(judgesQualification('pathologist')).toBe(true);
    expect(judgesQualification('admin')).toBe(false);
    expect(judgesQualification('technologist')).toBe(false);
    expect(keepsStaffRecords('admin')).toBe(true);
  });
  it('lets each person record their own continuing education', () => {
    expect(recordsCeFor('tech1', 'technician', 'tech1')).toBe(true);
    expect(recordsCeFor('tech1', 'technician', 'mls1')).toBe(false);
    expect(recordsCeFor('sup1', 'supervisor', 'mls1')).toBe(true);
  });
});

describe('the staff dashboard windows', () => {
  it('puts each day left in its window at every boundary', () => {
    expect(expiryWindow(-1)).toBe('lapsed');
    expect(expiryWindow(0)).toBe('30');
    expect(expiryWindow(30)).toBe('30');
    expect(expiryWindow(31)).toBe('60');
    expect(expiryWindow(60)).toBe('60');
    expect(expiryWindow(90)).toBe('90');
    expect(expiryWindow(91)).toBe('later');
  });
  it('says the days left as the bench reads them', () => {
    expect(daysLeftText(-1)).toBe('lapsed 1 day ago');
    expect(daysLeftText(-3)).toBe('lapsed 3 days ago');
    expect(daysLeftText(0)).toBe('last valid day today');
    expect(daysLeftText(1)).toBe('1 day left');
    expect(daysLeftText(45)).toBe('45 days left');
  });
  it('counts calendar days across a month and a year end', () => {
    expect(daysBetween('2026-11-23', '2026-12-23')).toBe(30);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2026-11-23', '2026-11-22')).toBe(-1);
    expect(daysBetween('2026-11-23', 'soon')).toBeNull();
  });
});

describe('experienceLines', () => {
  it('gives each period with its share of full time and areas, and months known without dates', () => {
    expect(
      experienceLines({
        degree: 'associate',
        semester_hours_total: 64,
        experience: [
          { laboratory: 'County lab', from: '2021-08-02', to: '2023-01-31', full_time_share: 0.5, areas: ['chemistry', 'hematology'] },
          { laboratory: 'Core lab', from: '2023-02-01', to: null, full_time_share: 0.8, areas: [] },
          { laboratory: 'Clinic', from: '2024-01-01', to: null, full_time_share: 1, areas: ['urinalysis'] },
        ],
        undated_experience_months: 6,
      }),
    ).toEqual([
      'County lab, 2021-08-02 to 2023-01-31, half time: chemistry, hematology',
      'Core lab, 2023-02-01 to now, 80% of full time',
      'Clinic, 2024-01-01 to now: urinalysis',
      '6 months without dates',
    ]);
  });
  it('is empty when nothing is recorded', () => {
    expect(experienceLines({ degree: 'none', semester_hours_total: 0, experience: [], undated_experience_months: 0 })).toEqual([]);
  });
});
