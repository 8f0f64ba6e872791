// The bench web UI: hash routes (#/worklist/chemistry, #/result/260000001K/K, ...) so that the
// server serves one page and needs no catch-all route.

import './style.css';

import { ApiError, del, get, messageOf, setCsrfToken, setUnauthenticatedHandler } from './api';
import { app, hooks, navigate, type View, type ViewContext } from './app';
import { h, replace } from './dom';
import { keepsStaffRecords, normalizeScan, parseRoute, routeHash } from './format';
import { addGlobal, clearViewShortcuts, installShortcuts, setViewShortcuts, showHelp } from './shortcuts';
import type { LabEvent, SessionInfo } from './types';
import { clearErrors, clearNotices, toast, toastError } from './ui';
import { dashboardView } from './views/dashboard';
import { loginView } from './views/login';
import { orderView } from './views/order';
import { patientView, reportView } from './views/patient';
import { personView } from './views/person';
import { qcView } from './views/qc';
import { resultView } from './views/result';
import { specimenView } from './views/specimen';
import { staffView } from './views/staff';
import { worklistView } from './views/worklist';

const VIEWS: Record<string, View> = {
  login: loginView,
  worklist: worklistView,
  result: resultView,
  specimen: specimenView,
  order: orderView,
  patient: patientView,
  report: reportView,
  qc: qcView,
  tat: dashboardView,
  staff: staffView,
  person: personView,
};

const main = document.getElementById('main') as HTMLElement;
const header = document.getElementById('app-header') as HTMLElement;

let current: { cleanups: (() => void)[]; alive: boolean } | null = null;

function signIn(session: SessionInfo): void {
  clearNotices();
  app.session = session;
  setCsrfToken(session.csrf_token);
  renderHeader();
  app.live.start();
}

function signedOut(message?: string): void {
  clearNotices();
  app.live.stop();
  app.forget();
  setCsrfToken('');
  header.hidden = true;
  const route = parseRoute(location.hash);
  const next = route.name && route.name !== 'login' ? location.hash.slice(1) : '';
  navigate(routeHash('login', [], { next, why: message }));
}

async function logOut(): Promise<void> {
  try {
    await del('/api/session');
  } catch (error) {
    // The session may already have ended; going to the log-in page is right either way.
    if (!(error instanceof ApiError && error.status === 401)) toastError(error);
  }
  signedOut();
  toast('Logged out.');
}

// `staffOnly`: for the roles that keep the lab's personnel records.
const NAV: { name: string; label: string; key: string; hash: () => string; staffOnly?: boolean }[] = [
  { name: 'worklist', label: 'Worklist', key: 'w', hash: () => lastWorklist },
  { name: 'order', label: 'Order entry', key: 'n', hash: () => '#/order' },
  { name: 'patient', label: 'Patient', key: 'p', hash: () => '#/patient' },
  { name: 'qc', label: 'QC', key: 'q', hash: () => '#/qc' },
  { name: 'tat', label: 'Turnaround', key: 't', hash: () => '#/tat' },
  { name: 'staff', label: 'Staff', key: 'u', hash: () => '#/staff', staffOnly: true },
];

function navVisible(item: (typeof NAV)[number]): boolean {
  return !item.staffOnly || (app.session !== null && keepsStaffRecords(app.session.user.role));
}
let lastWorklist = '#/worklist';

let scanInput: HTMLInputElement | null = null;
let liveBadge: HTMLElement | null = null;

function renderHeader(): void {
  const session = app.session;
  if (!session) return;
  scanInput = h('input', {
    id: 'scan',
    type: 'text',
    class: 'scan-input',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'scan or type accession',
    'aria-keyshortcuts': '/',
    onkeydown: (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      scanInput!.value = '';
      scanInput!.blur();
      main.querySelector<HTMLElement>('h1')?.focus();
    },
  });
  const scanForm = h(
    'form',
    {
      class: 'scan',
      role: 'search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const accession = normalizeScan(scanInput!.value);
        scanInput!.value = '';
        if (!accession) return;
        navigate(routeHash('specimen', [accession]));
      },
    },
    h('label', { for: 'scan' }, 'Scan', h('kbd', { 'aria-hidden': 'true' }, '/')),
    scanInput,
  );
  liveBadge = h('span', { class: 'live', id: 'live-indicator', role: 'status', title: 'Live updates' }, '…');
  app.live.onState((state) => {
    if (!liveBadge) return;
    liveBadge.className = `live live-${state}`;
    liveBadge.textContent = state === 'live' ? 'live' : state === 'stopped' ? 'offline' : state === 'connecting' ? 'connecting' : 'reconnecting';
    liveBadge.setAttribute('aria-label', `live updates: ${liveBadge.textContent}`);
  });
  replace(
    header,
    h('a', { class: 'brand', href: lastWorklist }, 'aliquot'),
    h(
      'nav',
      { 'aria-label': 'Screens' },
      h(
        'ul',
        null,
        NAV.filter(navVisible).map((item) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: item.hash(), 'data-nav': item.name, 'aria-keyshortcuts': item.key },
              item.label,
              h('kbd', { 'aria-hidden': 'true' }, item.key),
            ),
          ),
        ),
      ),
    ),
    scanForm,
    liveBadge,
    h(
      'div',
      { class: 'who' },
      h(
        'a',
        { class: 'who-name', id: 'who', href: routeHash('person', [session.user.username]), title: 'My qualifications' },
        session.user.display_name || session.user.username,
      ),
      h('span', { class: 'role', id: 'who-role' }, session.user.role),
    ),
    h('button', { type: 'button', class: 'help-button', onclick: showHelp, 'aria-label': 'Keyboard shortcuts', 'aria-keyshortcuts': '?' }, '?'),
    h('button', { type: 'button', class: 'logout', onclick: () => void logOut() }, 'Log out'),
  );
  header.hidden = false;
}

function markNav(name: string): void {
  header.querySelectorAll<HTMLAnchorElement>('a[data-nav]').forEach((a) => {
    const item = NAV.find((n) => n.name === a.dataset.nav);
    if (item) a.href = item.hash();
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

async function render(): Promise<void> {
  const route = parseRoute(location.hash);
  if (!app.session && route.name !== 'login') {
    const next = location.hash.replace(/^#/, '');
    navigate(routeHash('login', [], { next: next && next !== '/' ? next : undefined }));
    return;
  }
  if (app.session && route.name === 'login') {
    navigate(route.query.next ? `#${route.query.next}` : lastWorklist);
    return;
  }
  if (!VIEWS[route.name]) {
    navigate(lastWorklist);
    return;
  }
  if (route.name === 'worklist') lastWorklist = location.hash;

  if (current) {
    current.alive = false;
    for (const fn of current.cleanups) fn();
  }
  clearViewShortcuts();
  clearErrors();
  const state = { cleanups: [] as (() => void)[], alive: true };
  current = state;
  const focusedBefore = document.activeElement;
  const ctx: ViewContext = {
    route,
    main,
    alive: () => state.alive,
    onEvent: (listener: (event: LabEvent) => void) => {
      state.cleanups.push(app.live.on(listener));
    },
    onCleanup: (fn) => state.cleanups.push(fn),
    shortcuts: (title, list) => setViewShortcuts(title, list),
    title: (text) => {
      document.title = `${text} — aliquot`;
    },
  };
  markNav(route.name);
  replace(main, h('p', { class: 'loading', 'aria-busy': 'true' }, 'Loading…'));
  try {
    await VIEWS[route.name](ctx);
  } catch (error) {
    if (!state.alive) return;
    replace(
      main,
      h('h1', { tabindex: '-1' }, 'Could not show this screen'),
      h('p', { class: 'form-error', role: 'alert' }, messageOf(error)),
      h('p', null, h('a', { href: lastWorklist }, 'Back to the worklist')),
    );
  }
  if (!state.alive) return;
  // Focus moves to the new screen's heading unless the screen put it somewhere itself.
  const active = document.activeElement;
  if (active === focusedBefore || active === document.body || active === null || !document.contains(active)) {
    main.querySelector<HTMLElement>('h1')?.focus();
  }
}

function installGlobals(): void {
  for (const item of NAV) {
    addGlobal({
      key: item.key,
      description: `Go to ${item.label}${item.staffOnly ? ' (supervisors, pathologists, admins)' : ''}`,
      run: () => {
        if (navVisible(item)) navigate(item.hash());
      },
    });
  }
  addGlobal({
    key: '/',
    description: 'Scan: focus the barcode field (the scanner types the accession and Enter)',
    run: () => {
      scanInput?.focus();
      scanInput?.select();
    },
  });
  addGlobal({ key: '?', description: 'Show this help', run: () => showHelp() });
}

async function boot(): Promise<void> {
  installShortcuts();
  installGlobals();
  setUnauthenticatedHandler(() => {
    if (app.session) signedOut('Your session has ended: log in again.');
  });
  document.getElementById('skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  try {
    signIn(await get<SessionInfo>('/api/session'));
  } catch {
    app.session = null;
  }
  window.addEventListener('hashchange', () => void render());
  await render();
}

hooks.afterLogin = (session: SessionInfo, next: string | undefined) => {
  signIn(session);
  navigate(next ? `#${next}` : lastWorklist);
};

void boot();
