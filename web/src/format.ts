// Pure helpers: formatting, parsing of routes and scans, small computations. No DOM here, so
// that format.test.ts runs them under node.

import type { Flag, HoldReason, Patient, PersonRecord, Priority } from './types';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// "2026-03-04 14:05" in the workstation's time zone (the lab's wall clock); '' for null.
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

// The value of a datetime-local input for `t`: "2026-03-04T14:05".
export function localInputValue(t: Date): string {
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}T${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

// A datetime-local input's value (the workstation's local time) as the API's RFC 3339 UTC
// instant, to the second: "2026-03-04T13:05:00Z". null when empty or unreadable.
export function toApiInstant(local: string): string | null {
  if (!local) return null;
  const t = new Date(local);
  if (Number.isNaN(t.getTime())) return null;
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Age at `at` from a birth date "YYYY-MM-DD", as the bench reads it: years from 2 years on,
// months under 2 years, days under a month.
export function ageAt(birthDate: string, at: Date = new Date()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return '';
  const born = { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) };
  let months = (at.getFullYear() - born.y) * 12 + (at.getMonth() + 1 - born.mo);
  if (at.getDate() < born.d) months -= 1;
  if (months < 0) return '';
  if (months >= 24) return `${Math.floor(months / 12)} y`;
  if (months >= 1) return `${months} mo`;
  const bornAt = new Date(born.y, born.mo - 1, born.d);
  const days = Math.floor((at.getTime() - bornAt.getTime()) / 86_400_000);
  return `${Math.max(days, 0)} d`;
}

export function patientName(p: Pick<Patient, 'family_name' | 'given_name'>): string {
  return p.given_name ? `${p.family_name.toUpperCase()}, ${p.given_name}` : p.family_name.toUpperCase();
}

const SEX: Record<string, string> = { F: 'female', M: 'male', O: 'other', U: 'unknown' };
export function sexLabel(code: string): string {
  return SEX[code] ?? code;
}

export function isCritical(flag: Flag | string | null | undefined): boolean {
  return flag === 'HH' || flag === 'LL';
}

// A flag as the bench speaks of it, with the CSS class that colours it.
export function flagLabel(flag: Flag | string | null | undefined): { text: string; cls: string } {
  switch (flag) {
    case 'HH':
      return { text: 'critical high', cls: 'flag flag-critical' };
    case 'LL':
      return { text: 'critical low', cls: 'flag flag-critical' };
    case 'H':
      return { text: 'high', cls: 'flag flag-abnormal' };
    case 'L':
      return { text: 'low', cls: 'flag flag-abnormal' };
    case 'A':
      return { text: 'abnormal', cls: 'flag flag-abnormal' };
    default:
      return { text: '', cls: 'flag' };
  }
}

const PRIORITY_RANK: Record<string, number> = { stat: 0, asap: 1, routine: 2 };
export function priorityRank(priority: Priority | string): number {
  return PRIORITY_RANK[priority] ?? 3;
}

export function isReleased(status: string): boolean {
  return status === 'final' || status === 'corrected';
}

// What a barcode scanner typed (a keyboard wedge): the accession number without surrounding
// white space, control characters, a Code 39 start/stop '*' or an AIM symbology identifier
// ("]C0"), in capitals as the lab prints them.
export function normalizeScan(raw: string): string {
  let text = Array.from(raw)
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  text = text.replace(/^\][A-Za-z][0-9A-Za-z]/, '');
  text = text.replace(/^\*+|\*+$/g, '');
  return text.replace(/\s+/g, '').toUpperCase();
}

export interface Route {
  name: string; // 'login', 'worklist', 'result', ... ('' for the default)
  params: string[]; // decoded path segments after the name
  query: Record<string, string>;
}

// '#/result/260000001K/K?x=1' -> {name:'result', params:['260000001K','K'], query:{x:'1'}}
export function parseRoute(hash: string): Route {
  let text = hash.startsWith('#') ? hash.slice(1) : hash;
  let queryText = '';
  const q = text.indexOf('?');
  if (q >= 0) {
    queryText = text.slice(q + 1);
    text = text.slice(0, q);
  }
  const parts = text
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const query: Record<string, string> = {};
  for (const pair of queryText.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq >= 0 ? pair.slice(0, eq) : pair;
    const value = eq >= 0 ? pair.slice(eq + 1) : '';
    try {
      query[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      query[key] = value;
    }
  }
  return { name: parts[0] ?? '', params: parts.slice(1), query };
}

// The hash of a route: routeHash('result', ['260000001K', 'K']) -> '#/result/260000001K/K'.
export function routeHash(
  name: string,
  params: (string | number)[] = [],
  query: Record<string, string | number | undefined> = {},
): string {
  const path = [name, ...params.map((p) => encodeURIComponent(String(p)))].join('/');
  const q = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `#/${path}${q ? `?${q}` : ''}`;
}

// Calls `fn` once, `ms` after the last of a burst of calls.
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
  debounced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return debounced;
}

// The change from a previous value, with the decimals of the test: "+1.3", "-0.2", "0.0"; ''
// when either is not a number.
export function formatDelta(current: number | null | undefined, previous: unknown, decimals: number): string {
  const prev = typeof previous === 'number' ? previous : typeof previous === 'string' ? Number(previous) : NaN;
  if (current === null || current === undefined || !Number.isFinite(current) || !Number.isFinite(prev)) return '';
  const d = current - prev;
  const text = Math.abs(d).toFixed(Math.max(0, Math.min(decimals, 6)));
  if (Number(text) === 0) return text;
  return `${d > 0 ? '+' : '-'}${text}`;
}

// Minutes as "45 min", "2 h 05 min", "3 d 4 h"; '' for null.
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '';
  const total = Math.round(minutes);
  if (total < 60) return `${total} min`;
  if (total < 24 * 60) return `${Math.floor(total / 60)} h ${pad(total % 60)} min`;
  const days = Math.floor(total / 1440);
  return `${days} d ${Math.floor((total % 1440) / 60)} h`;
}

// The horizontal lines of a Levey-Jennings chart: the mean and ±1, 2, 3 SD.
export function ljLines(mean: number, sd: number): { k: number; value: number; label: string }[] {
  const lines = [];
  for (let k = -3; k <= 3; k += 1) {
    lines.push({ k, value: mean + k * sd, label: k === 0 ? 'mean' : `${k > 0 ? '+' : '−'}${Math.abs(k)} SD` });
  }
  return lines;
}

// The reference interval and critical limits a result review answer carries, whatever the
// route calls them: {reference_interval|reference|reference_range, critical_low|critical:{low},
// ...}. Missing ones are null.
export interface Limits {
  reference: string | null;
  criticalLow: number | null;
  criticalHigh: number | null;
}

export function limitsOf(review: Record<string, unknown>, fallbackReference = ''): Limits {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const objectAt = (v: unknown): Record<string, unknown> | null =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  const limits = objectAt(review.limits) ?? {};
  const pick = (...names: string[]): unknown => {
    for (const name of names) {
      if (review[name] !== undefined && review[name] !== null) return review[name];
      if (limits[name] !== undefined && limits[name] !== null) return limits[name];
    }
    return undefined;
  };
  let reference: string | null = null;
  const ref = pick('reference_interval', 'reference', 'reference_range');
  if (typeof ref === 'string' && ref) reference = ref;
  const refObject = objectAt(ref);
  if (refObject) {
    if (typeof refObject.text === 'string' && refObject.text) reference = refObject.text;
    else {
      const low = num(refObject.low);
      const high = num(refObject.high);
      if (low !== null && high !== null) reference = `${low}–${high}`;
      else if (low !== null) reference = `≥ ${low}`;
      else if (high !== null) reference = `≤ ${high}`;
    }
  }
  if (!reference && fallbackReference) reference = fallbackReference;
  const critical = objectAt(pick('critical', 'critical_limits'));
  const criticalLow = num(pick('critical_low')) ?? num(critical?.low);
  const criticalHigh = num(pick('critical_high')) ?? num(critical?.high);
  return { reference, criticalLow, criticalHigh };
}

// One line about why a result is held: "critical: call caregiver; delta-check".
export function holdSummary(holds: HoldReason[] | undefined): string {
  if (!holds || holds.length === 0) return '';
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const hold of holds) {
    const text = hold.category || hold.rule;
    if (!seen.has(text)) {
      seen.add(text);
      parts.push(text);
    }
  }
  return parts.join('; ');
}

// Rejection reasons (src/core/enums.h RejectionReason; results.md "Rejection reasons").
export const REJECTION_REASONS: { code: string; label: string }[] = [
  { code: 'hemolyzed', label: 'Hemolyzed' },
  { code: 'clotted', label: 'Clotted' },
  { code: 'qns', label: 'Quantity not sufficient' },
  { code: 'unlabeled', label: 'Unlabeled' },
  { code: 'mislabeled', label: 'Mislabeled' },
  { code: 'wrong-container', label: 'Wrong container' },
  { code: 'exceeded-stability', label: 'Exceeded stability' },
  { code: 'leaked', label: 'Leaked' },
  { code: 'incorrect-fill-ratio', label: 'Incorrect fill ratio' },
];

export function rejectionLabel(code: string | null | undefined): string {
  if (!code) return '';
  return REJECTION_REASONS.find((r) => r.code === code)?.label ?? code;
}

// "2026-03" for the month input default.
export function monthOf(t: Date): string {
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}`;
}

// "2026-03-04" in local time.
export function dateOf(t: Date): string {
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

// The staff dashboard's windows: what has lapsed, and what lapses within 30, 60 or 90 days.
export type ExpiryWindow = 'lapsed' | '30' | '60' | '90' | 'later';
export function expiryWindow(daysLeft: number): ExpiryWindow {
  if (daysLeft < 0) return 'lapsed';
  if (daysLeft <= 30) return '30';
  if (daysLeft <= 60) return '60';
  if (daysLeft <= 90) return '90';
  return 'later';
}

// "lapsed 3 days ago", "last valid day today", "1 day left", "45 days left".
export function daysLeftText(daysLeft: number): string {
  if (daysLeft < 0) return `lapsed ${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago`;
  if (daysLeft === 0) return 'last valid day today';
  return `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
}

// Days from `on` to `day` (both "YYYY-MM-DD", calendar days); null when either is unreadable.
export function daysBetween(on: string, day: string): number | null {
  const a = Date.parse(`${on}T00:00:00Z`);
  const b = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.round((b - a) / 86_400_000);
}

// The roles that keep and read the lab's personnel records (src/lab/permissions.cc,
// "view personnel records").
export function keepsStaffRecords(role: string): boolean {
  return role === 'supervisor' || role === 'pathologist' || role === 'admin';
}

// Who assesses competency and grants exceptions (42 CFR 493.1451(b)(8)): supervisors and
// pathologists; an admin keeps the records but does not judge them.
export function judgesQualification(role: string): boolean {
  return role === 'supervisor' || role === 'pathologist';
}

// Whether `user` (with `role`) may record continuing education for `person`: their own, or as
// one who keeps the records.
export function recordsCeFor(user: string, role: string, person: string): boolean {
  return user === person || keepsStaffRecords(role);
}

// A person's clinical experience, one line per period as the record keeps it:
// "County lab, 2021-08-02 to 2023-01-31, half time: chemistry, hematology"; experience known
// only as months says so.
export function experienceLines(education: PersonRecord['education']): string[] {
  const lines = education.experience.map((period) => {
    const share = period.full_time_share === 1 ? '' : period.full_time_share === 0.5 ? ', half time' : `, ${Math.round(period.full_time_share * 100)}% of full time`;
    const areas = period.areas.length > 0 ? `: ${period.areas.join(', ')}` : '';
    return `${period.laboratory}, ${period.from} to ${period.to ?? 'now'}${share}${areas}`;
  });
  if (education.undated_experience_months > 0) {
    lines.push(`${education.undated_experience_months} months without dates`);
  }
  return lines;
}
