// The bench technician's journey through the web UI, end to end, in headless Chromium:
//
//   a new lab (aliquot init, a technician with a password) and `aliquot serve` with the HTTP API,
//   the web UI (web/dist), ASTM and MLLP listeners on free ports; then, in the browser:
//   log in (a wrong password first: the server's refusal is shown) -> register a patient ->
//   order K and NA, STAT -> accession, label -> scan the tube and receive it -> the chemistry
//   worklist is open when the analyzer's result arrives (an HL7 ORU^R01 with a critical
//   potassium, sent with `aliquot hl7 send`) and shows it live, held as critical -> release is
//   refused without a documented call -> document the call with read-back -> release -> the
//   patient's history and released report show the released value -> the technician's own
//   qualifications -> log out; a supervisor's staff dashboard (30/60/90 days), a person's
//   qualifications and the inspection workbook.
//
// A screenshot of each step goes to $ALIQUOT_ARTIFACTS (default build/e2e-artifacts), with the
// server's log and the browser's console. Exit status 0 when every step passed; 1 with the step
// and the reason otherwise. The server is stopped (SIGTERM) in every case.
//
//   node web/e2e/journey.mjs            (after `make web` and building build/aliquot)
//   ALIQUOT_BINARY=build-perf/aliquot node web/e2e/journey.mjs
//
// Without /usr/bin/chromium it fails, unless ALIQUOT_E2E_OPTIONAL=1: then it prints
// "skipped: chromium not installed" and exits 0.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = path.resolve(repo, process.env.ALIQUOT_BINARY || 'build/aliquot');
const artifacts = path.resolve(repo, process.env.ALIQUOT_ARTIFACTS || 'build/e2e-artifacts');
const webDist = path.join(repo, 'web', 'dist');

const TECH = { username: 'tech1', password: 'journey bench password', display: 'Tess Tech' };
const PATIENT = { mrn: `E2E-${Date.now().toString(36).slice(-6).toUpperCase()}`, family: 'Journey', given: 'Kim', birth: '1961-07-14', sex: 'F' };
const SUPERVISOR = { username: 'sup1', password: 'journey supervisor password', display: 'Sam Super' };
const CRITICAL_K = '7.1'; // catalog/core-menu.toml: K critical high at 6.5 mmol/L (inclusive)
const SODIUM = '140';
// Control values of K: the last one is 3.5 SD above the mean, which 1-3s rejects.
const QC = {
  instrument: 'cobas-c311',
  lot: '26451',
  level: '1',
  mean: 4.0,
  sd: 0.1,
  values: [4.02, 3.95, 4.1, 4.05, 3.91, 4.35], // one an hour, the last an hour ago
  from: new Date(Date.now() - 24 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
};
const STEP_TIMEOUT_MS = 15_000;
const OVERALL_TIMEOUT_MS = 180_000;

class JourneyError extends Error {}

// "YYYY-MM-DD" `days` from today (UTC, as the lab's default time zone).
function dayFromToday(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

function fail(message) {
  throw new JourneyError(message);
}

// --- chromium present? --------------------------------------------------------------------

if (!existsSync(CHROMIUM)) {
  if (process.env.ALIQUOT_E2E_OPTIONAL === '1') {
    console.log('skipped: chromium not installed');
    process.exit(0);
  }
  console.error(`journey: FAILED: ${CHROMIUM} not found; install the Debian package chromium (deps/debian-packages.txt), or set ALIQUOT_E2E_OPTIONAL=1 to skip`);
  process.exit(1);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  console.error(`journey: FAILED: cannot load playwright-core (${error.message}); run \`npm ci\` at the repository root`);
  process.exit(1);
}

// --- helpers --------------------------------------------------------------------------------

function run(args, { input, expectStatus = 0 } = {}) {
  const result = spawnSync(binary, args, { cwd: repo, input, encoding: 'utf8', timeout: 60_000 });
  if (result.error) fail(`aliquot ${args.join(' ')}: ${result.error.message}`);
  if (expectStatus !== null && result.status !== expectStatus) {
    fail(`aliquot ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return result;
}

let server = null;
let serverLog = '';
let serverExit = null;

function startServer(db) {
  return new Promise((resolve, reject) => {
    const args = ['--db', db, 'serve', '--http', '127.0.0.1:0', '--astm', '127.0.0.1:0', '--mllp', '127.0.0.1:0', '--web', webDist];
    const logFile = createWriteStream(path.join(artifacts, 'server.log'));
    logFile.write(`$ ${binary} ${args.join(' ')}\n`);
    server = spawn(binary, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    const ports = {};
    const timer = setTimeout(() => reject(new JourneyError(`aliquot serve did not say it listens within 15 s:\n${serverLog}`)), 15_000);
    const onData = (chunk) => {
      const text = chunk.toString();
      serverLog += text;
      logFile.write(text);
      for (const match of serverLog.matchAll(/^listening (http|astm|mllp) ([^\s:]+):(\d+)$/gm)) {
        ports[match[1]] = { host: match[2], port: Number(match[3]) };
      }
      if (ports.http && ports.astm && ports.mllp) {
        clearTimeout(timer);
        resolve(ports);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code, signal) => {
      serverExit = { code, signal };
      logFile.end(`\n[exit ${code ?? signal}]\n`);
      clearTimeout(timer);
      reject(new JourneyError(`aliquot serve exited (${code ?? signal}) before it was ready:\n${serverLog}`));
    });
    server.on('error', (error) => reject(new JourneyError(`cannot start ${binary}: ${error.message}`)));
  });
}

async function stopServer() {
  if (!server || serverExit) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    console.error('journey: the server did not stop within 10 s of SIGTERM; killing it');
    server.kill('SIGKILL');
    await exited;
  }
}

// --- the journey ----------------------------------------------------------------------------

let browser = null; // the persistent context (its own browser process)
let page = null;
let stepNumber = 0;
const consoleLines = [];
const pageErrors = [];

async function step(name, fn) {
  stepNumber += 1;
  const label = `${String(stepNumber).padStart(2, '0')}-${name}`;
  const started = Date.now();
  try {
    await fn();
  } catch (error) {
    if (page) await page.screenshot({ path: path.join(artifacts, `${label}-FAILED.png`), fullPage: true }).catch(() => {});
    const reason = error instanceof JourneyError ? error.message : (error?.message ?? String(error)).split('\n').slice(0, 6).join('\n');
    throw new JourneyError(`step ${label}: ${reason}`);
  }
  if (page) await page.screenshot({ path: path.join(artifacts, `${label}.png`) });
  console.log(`ok ${stepNumber} ${name} (${Date.now() - started} ms)`);
}

// Waits until `locator` shows `text` (the page may still be redrawing).
async function expectText(locator, text, what, timeout = STEP_TIMEOUT_MS) {
  await locator.first().waitFor({ timeout }).catch(() => fail(`${what}: not shown`));
  const deadline = Date.now() + timeout;
  let shown = '';
  for (;;) {
    shown = ((await locator.first().textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (shown.includes(text)) return;
    if (Date.now() > deadline) fail(`${what}: expected "${text}", the page shows "${shown}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function journey() {
  mkdirSync(artifacts, { recursive: true });
  for (const file of readdirSync(artifacts)) {
    if (file.endsWith('.png') || file.endsWith('.log') || file.endsWith('.hl7')) unlinkSync(path.join(artifacts, file));
  }
  if (!existsSync(binary)) fail(`${binary} not found: build aliquot first, or set ALIQUOT_BINARY`);
  if (!existsSync(path.join(webDist, 'index.html'))) fail(`${webDist}/index.html not found: build the web UI first (make web)`);

  const work = mkdtempSync(path.join(tmpdir(), 'aliquot-journey-'));
  const db = path.join(work, 'lab.db');
  try {
    // A new lab with a technician who can log in to the web UI.
    run(['--db', db, 'init', '--lab-name', 'Journey Laboratory']);
    run(['--db', db, '--user', 'admin', 'user', 'add', TECH.username, '--role', 'technician', '--display-name', TECH.display]);
    run(['--db', db, '--user', TECH.username, 'user', 'password', TECH.username], { input: `${TECH.password}\n` });
    // Quality control for the Levey-Jennings screen: set up by a technologist (MLS) from the
    // command line, the runs recorded after the patient's result is released (a rejected run
    // holds the analyte's unreleased results).
    run(['--db', db, '--user', 'admin', 'user', 'add', 'mls1', '--role', 'technologist', '--display-name', 'Max MLS']);
    run(['--db', db, '--user', 'mls1', 'qc', 'material', 'add', '--product', 'Liquichek Chemistry', '--lot', QC.lot, '--level', QC.level, '--expires', '2099-12-31']);
    run(['--db', db, '--user', 'mls1', 'qc', 'target', 'set', '--lot', QC.lot, '--level', QC.level, '--instrument', QC.instrument, '--test', 'K', '--mean', String(QC.mean), '--sd', String(QC.sd), '--from', QC.from]);

    // The lab's people: a supervisor who keeps the records, and the technician's record with a
    // certification lapsing within 30 days, a licence within 90, and a 6-month competency
    // assessment on the analyzer that is overdue.
    run(['--db', db, '--user', 'admin', 'user', 'add', SUPERVISOR.username, '--role', 'supervisor', '--display-name', SUPERVISOR.display]);
    run(['--db', db, '--user', SUPERVISOR.username, 'user', 'password', SUPERVISOR.username], { input: `${SUPERVISOR.password}\n` });
    const techRecord = path.join(work, 'tech1.toml');
    writeFileSync(
      techRecord,
      [
        '[person]',
        `id = "${TECH.username}"`,
        `name = "${TECH.display}"`,
        'role = "technician"',
        '[[certification]]',
        'credential = "MLT(ASCP)"',
        'number = "MLT-2201"',
        `expires = "${dayFromToday(20)}"`,
        '[[licence]]',
        'state = "CA"',
        'type = "MLT"',
        'number = "CA-MLT-88"',
        `expires = "${dayFromToday(75)}"`,
        '',
      ].join('\n'),
    );
    run(['--db', db, '--user', 'admin', 'people', 'save', techRecord]);
    run(['--db', db, '--user', SUPERVISOR.username, 'people', 'competency-event', TECH.username, '--test-system', QC.instrument, '--event', 'started', '--date', dayFromToday(-200)]);

    const ports = await startServer(db);
    const base = `http://${ports.http.host}:${ports.http.port}/`;
    console.log(`server: http ${ports.http.port}, astm ${ports.astm.port}, mllp ${ports.mllp.port}`);

    // A fresh profile in the temporary directory (playwright takes it as the persistent
    // context's directory; it passes it to Chromium as --user-data-dir).
    const profile = path.join(work, 'chromium-profile');
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    browser = context;
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
      consoleLines.push(`[pageerror] ${error.message}`);
    });
    const worklistRequests = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/worklist') worklistRequests.push(Date.now());
    });

    let accession = '';
    let orderNumber = '';

    await step('login-refused', async () => {
      await page.goto(base);
      await page.getByLabel('User name').fill(TECH.username);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectText(page.locator('.login-form [role=alert]'), 'user name or password is wrong', "the server's refusal");
    });

    await step('login', async () => {
      await page.getByLabel('Password').fill(TECH.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectText(page.locator('#who'), TECH.display, 'the signed-in user in the header');
      await expectText(page.locator('#who-role'), 'technician', 'the role in the header');
      await page.locator('#live-indicator.live-live').waitFor().catch(() => fail('the live indicator never said "live" (GET /api/events)'));
    });

    await step('register-patient', async () => {
      await page.keyboard.press('n'); // shortcut: Order entry
      await page.getByRole('heading', { name: 'Order entry' }).waitFor();
      await page.getByLabel('MRN').fill(PATIENT.mrn);
      await page.getByRole('button', { name: 'Find patient' }).click();
      await page.getByLabel('Family name').waitFor().catch(() => fail(`a new MRN ${PATIENT.mrn} did not offer the registration form`));
      await page.getByLabel('Family name').fill(PATIENT.family);
      await page.getByLabel('Given name').fill(PATIENT.given);
      await page.getByLabel('Birth date').fill(PATIENT.birth);
      await page.getByLabel('Sex').selectOption(PATIENT.sex);
      await page.getByRole('button', { name: 'Register patient' }).click();
      await expectText(page.locator('.patient-banner'), PATIENT.mrn, 'the registered patient');
    });

    await step('place-order', async () => {
      const finder = page.getByLabel('Find a test or panel');
      await finder.fill('K');
      await finder.press('Enter');
      await finder.fill('NA');
      await finder.press('Enter');
      await expectText(page.locator('#chosen-tests'), 'K', 'the chosen tests');
      await page.getByLabel('Priority').selectOption('stat');
      await page.getByLabel('Ordering provider').fill('Dr. Rivera');
      await page.getByLabel('Clinical information').fill('weakness, on spironolactone');
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.locator('#order-number').waitFor().catch(async () => {
        const error = await page.locator('.order-form [role=alert]').innerText().catch(() => '');
        fail(`the order was not placed${error ? `: ${error}` : ''}`);
      });
      orderNumber = (await page.locator('#order-number').innerText()).trim();
    });

    await step('accession-label', async () => {
      await page.getByRole('button', { name: /Accession and make labels/ }).click();
      const label = page.locator('figure.specimen-label').first();
      await label.waitFor().catch(() => fail('no label shown after accessioning'));
      accession = (await label.getAttribute('data-accession')) ?? '';
      if (!accession) fail('the label has no accession number');
      await expectText(label, `${PATIENT.family}, ${PATIENT.given}`, 'the patient name on the label');
      await expectText(label, PATIENT.mrn, 'the MRN on the label');
      await expectText(label, PATIENT.birth, 'the birth date on the label');
      await expectText(label, 'K', 'the tests on the label');
      // The Code 128 barcode the tube is scanned by: drawn bars, named for screen readers.
      const bars = await label.locator(`svg.label-barcode[aria-label="barcode ${accession}"] rect`).count();
      if (bars < 20) fail(`the label's barcode has ${bars} bars, a Code 128 symbol has at least 20`);
      console.log(`   order ${orderNumber}, specimen ${accession}`);
    });

    await step('scan-and-receive', async () => {
      // A keyboard-wedge scanner: "/" focuses the scan field, the scanner types and sends Enter.
      await page.keyboard.press('/');
      await page.keyboard.type(`${accession}\n`, { delay: 8 });
      await page.getByRole('heading', { name: new RegExp(`Specimen ${accession}`) }).waitFor();
      await expectText(page.locator('#specimen-status'), 'collected', 'the specimen status before receipt');
      // Focus waits on Receive, so that Enter receives the tube just scanned.
      const focused = await page.evaluate(() => document.activeElement?.id);
      if (focused !== 'action-receive') fail(`after a scan focus should be on Receive, is on #${focused}`);
      await page.keyboard.press('Enter');
      await expectText(page.locator('#specimen-status'), 'received', 'the specimen status after receipt');
    });

    await step('worklist-before-result', async () => {
      // Focus went back to the scan field for the next tube: Alt+w works from there.
      const focused = await page.evaluate(() => document.activeElement?.id);
      if (focused !== 'scan') fail(`after receipt focus should be back in the scan field, is on #${focused}`);
      await page.keyboard.press('Alt+w');
      await page.getByRole('link', { name: 'Clinical chemistry and immunoassay' }).click();
      await page.getByRole('heading', { name: /Worklist — Clinical chemistry/ }).waitFor();
      const row = page.locator(`tr[data-accession="${accession}"][data-test="K"]`);
      await row.waitFor().catch(() => fail(`the received specimen ${accession} (K) is not on the chemistry worklist`));
      const status = await row.getAttribute('data-status');
      if (status !== 'pending') fail(`K on ${accession} should be pending before the analyzer reports, is ${status}`);
      await page.locator('#live-indicator.live-live').waitFor();
    });

    // The analyzer (here an HL7 v2 ORU^R01 over MLLP) reports the specimen's potassium, with
    // the sodium on the first run.
    const sendPotassium = (fileName, withSodium) => {
      const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
      const oru = [
        `MSH|^~\\&|JOURNEY|CHEM|ALIQUOT|LAB|${stamp}||ORU^R01|J-${Date.now()}|P|2.5.1`,
        `PID|1||${PATIENT.mrn}||${PATIENT.family}^${PATIENT.given}||${PATIENT.birth.replace(/-/g, '')}|${PATIENT.sex}`,
        `OBR|1||${accession}|2823-3^Potassium^LN`,
        `OBX|1|NM|2823-3^Potassium^LN||${CRITICAL_K}|mmol/L||||||F`,
        ...(withSodium ? [`OBX|2|NM|2951-2^Sodium^LN||${SODIUM}|mmol/L||||||F`] : []),
      ].join('\r') + '\r';
      const file = path.join(artifacts, fileName);
      writeFileSync(file, oru);
      const sent = run(['--db', db, 'hl7', 'send', file, '--to', `127.0.0.1:${ports.mllp.port}`], { expectStatus: null });
      if (sent.status !== 0 || !/ (AA|CA)\b/.test(sent.stdout)) {
        fail(`the ORU was not accepted (exit ${sent.status}):\n${sent.stdout}${sent.stderr}`);
      }
    };

    await step('result-arrives-live-held-critical', async () => {
      const url = page.url();
      const requestsBefore = worklistRequests.length;
      sendPotassium('oru-critical-k.hl7', true);
      const row = page.locator(`tr[data-accession="${accession}"][data-test="K"][data-flag="HH"]`);
      await row.waitFor({ timeout: 15_000 }).catch(() => fail('the worklist did not show the critical K arrive (no live update within 15 s)'));
      if (page.url() !== url) fail(`the page navigated (${url} -> ${page.url()}) instead of updating live`);
      if (worklistRequests.length <= requestsBefore) fail('the row changed without a worklist refetch: cannot tell it came from the live events');
      if ((await row.getAttribute('data-status')) !== 'preliminary') fail(`K should be preliminary (held), is ${await row.getAttribute('data-status')}`);
      await expectText(row.locator('td.value'), CRITICAL_K, 'the K value on the worklist');
      const heldFor = (await row.locator('td').nth(7).innerText()).trim();
      if (!heldFor) fail('the critical K row does not say why it is held');
      console.log(`   held for: ${heldFor}`);
    });

    await step('result-review', async () => {
      await page.locator(`tr[data-accession="${accession}"][data-test="K"] a`).click();
      await expectText(page.locator('#result-reported'), CRITICAL_K, 'the value on the review');
      await expectText(page.locator('#result-card .flag'), 'HH', 'the flag on the review');
      await page.locator('section.holds').waitFor().catch(() => fail('the review does not show why the result is held'));
      await expectText(page.locator('section.holds'), 'Observed', 'the observed value of the hold');
    });

    await step('release-refused-without-call', async () => {
      await page.keyboard.press('r'); // shortcut: release
      const alert = page.locator('#alerts .toast-error').first();
      await alert.waitFor().catch(() => fail('releasing a critical result without a call was not refused on screen'));
      const text = (await alert.innerText()).trim();
      if (!/call/i.test(text)) fail(`the refusal should name the missing critical call, says "${text}"`);
      console.log(`   refused: ${text.replace(/\s*×$/, '')}`);
      const status = ((await page.locator('#result-card .status').textContent()) ?? '').trim();
      if (status !== 'preliminary') fail(`after the refusal the result should still be preliminary, is ${status}`);
    });

    await step('rerun-requested-and-repeated', async () => {
      // The technologist doubts the value and asks for it again: it may not be released until
      // the analyzer's repeat is in, and the repeat replaces the request.
      await page.keyboard.press('a'); // shortcut: rerun
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Reason').fill('hemolysis not measured, confirm');
      await dialog.getByRole('button', { name: 'Request rerun' }).click();
      await dialog.waitFor({ state: 'detached' }).catch(async () => {
        const error = await dialog.locator('[role=alert]').innerText().catch(() => '');
        fail(`the rerun was not requested${error ? `: ${error}` : ''}`);
      });
      await expectText(page.locator('section.holds'), `rerun requested by ${TECH.username}`, 'the rerun request among the holds');
      await page.screenshot({ path: path.join(artifacts, `${String(stepNumber).padStart(2, '0')}-rerun-requested.png`) });
      sendPotassium('oru-repeat-k.hl7', false);
      const deadline = Date.now() + 15_000;
      while (((await page.locator('section.holds').textContent().catch(() => '')) ?? '').includes('rerun requested')) {
        if (Date.now() > deadline) fail('the repeat value did not replace the rerun request on screen within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await expectText(page.locator('#result-reported'), CRITICAL_K, 'the repeated value on the review');
      // A comment for the report, before release.
      await page.keyboard.press('m'); // shortcut: comment
      const commentDialog = page.getByRole('dialog');
      await commentDialog.waitFor();
      await commentDialog.getByLabel('Comment', { exact: true }).fill('Repeat measurement agrees.');
      await commentDialog.getByLabel(/Print on the report/).check();
      await commentDialog.getByRole('button', { name: 'Add comment' }).click();
      await commentDialog.waitFor({ state: 'detached' }).catch(() => fail('the comment was not added'));
      await expectText(page.locator('#result-comments'), 'Repeat measurement agrees.', 'the comment on the review');
    });

    await step('critical-call-dialog', async () => {
      await page.keyboard.press('c'); // shortcut: critical call
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const calledBy = await dialog.getByLabel('Called by').inputValue();
      if (calledBy !== TECH.username) fail(`"Called by" should default to ${TECH.username}, is "${calledBy}"`);
      if (!(await dialog.getByLabel('Called at').inputValue())) fail('"Called at" should default to now');
      const focused = await page.evaluate(() => document.activeElement?.id);
      if (focused !== 'call-to') fail(`focus should be in "Called to" when the dialog opens, is on #${focused}`);
      await dialog.getByLabel(/Called to/).fill('RN Lee, Emergency Department');
      await dialog.getByLabel('Notes').fill('K 7.1 read back; physician informed');
      // Without read-back the form does not submit (the checkbox is required).
      await dialog.getByRole('button', { name: 'Document call' }).click();
      if (!(await dialog.isVisible())) fail('the call was documented without read-back confirmed');
      await dialog.getByLabel(/Read-back confirmed/).check();
      await page.screenshot({ path: path.join(artifacts, `${String(stepNumber).padStart(2, '0')}-critical-call-dialog-filled.png`) });
      await dialog.getByRole('button', { name: 'Document call' }).click();
      await dialog.waitFor({ state: 'detached' }).catch(async () => {
        const error = await dialog.locator('[role=alert]').innerText().catch(() => '');
        fail(`the call was not documented${error ? `: ${error}` : ''}`);
      });
      await expectText(page.locator('#calls-title + ul'), 'RN Lee, Emergency Department', 'the documented call');
    });

    await step('release', async () => {
      await page.getByRole('button', { name: /^Release/ }).click();
      await expectText(page.locator('#result-card .status'), 'final', 'the status after release');
    });

    await step('patient-history', async () => {
      await page.keyboard.press('h'); // shortcut: the patient's history
      await page.getByRole('heading', { name: 'Patient history' }).waitFor();
      const cumulative = page.locator('table.cumulative tr[data-test="K"]');
      await expectText(cumulative, CRITICAL_K, 'the released K in the cumulative table');
      await page.locator('#trend-chart canvas').waitFor().catch(() => fail('no trend chart drawn'));
      const orderRow = page.locator(`.order-card tr[data-test="K"]`);
      if ((await orderRow.getAttribute('data-status')) !== 'final') fail('K is not final in the patient view');
    });

    await step('released-report', async () => {
      await page.keyboard.press('v'); // shortcut: released report
      await page.getByRole('heading', { name: 'Released report' }).waitFor();
      const row = page.locator('.report-order tr[data-test="K"]');
      await expectText(row, `${CRITICAL_K} mmol/L`, 'the released K on the report');
      await expectText(row, 'HH', 'the flag on the report');
      await expectText(page.locator('.report-order').first(), 'RN Lee, Emergency Department', 'the critical call on the report');
      await expectText(row.locator('.report-comment'), 'Repeat measurement agrees.', 'the comment for the report');
    });

    await step('qc-levey-jennings', async () => {
      const now = Date.now();
      QC.values.forEach((value, index) => {
        const at = new Date(now - (QC.values.length - index) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        run(['--db', db, '--user', 'mls1', 'qc', 'record', '--instrument', QC.instrument, '--test', 'K', '--value', `${QC.lot}/${QC.level}=${value}`, '--at', at], {
          expectStatus: index === QC.values.length - 1 ? 1 : 0, // exit 1: the run was rejected
        });
      });
      await page.keyboard.press('q'); // shortcut: QC
      await page.getByLabel('Instrument').fill(QC.instrument);
      await page.getByLabel('Test', { exact: true }).fill('K');
      await page.getByLabel('Level', { exact: true }).fill(QC.level);
      await page.getByRole('button', { name: 'Show chart' }).click();
      await page.locator('#lj-chart canvas').waitFor().catch(async () => {
        const error = await page.locator('.qc-body [role=alert]').textContent().catch(() => '');
        fail(`no Levey-Jennings chart drawn${error ? `: ${error}` : ''}`);
      });
      await expectText(page.locator('.qc-body .summary'), `${QC.values.length} values`, 'the number of control values');
      await expectText(page.locator('.qc-body .summary'), '1 rejected', 'the rejected run');
      const rejectedRows = await page.locator('.qc-body tbody tr.row-critical').count();
      if (rejectedRows !== 1) fail(`the runs table should mark 1 rejected run, marks ${rejectedRows}`);
    });

    await step('turnaround', async () => {
      await page.keyboard.press('t'); // shortcut: turnaround
      const groups = page.locator('table').first().locator('tbody tr');
      await expectText(groups.first(), 'chemistry', 'the chemistry group on the dashboard');
      await expectText(groups.first(), 'STAT', 'the STAT priority on the dashboard');
    });

    await step('help-overlay', async () => {
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    await step('my-qualifications', async () => {
      if (await page.locator('a[data-nav="staff"]').count()) fail('a technician is offered the staff dashboard');
      await page.locator('#who').click();
      await page.getByRole('heading', { name: `${TECH.display} — qualifications` }).waitFor();
      await expectText(page.locator('#person-credentials'), 'MLT(ASCP)', 'the certification on the own qualifications page');
      await expectText(page.locator('#person-credentials'), '20 days left', 'the days left of the certification');
      const state = await page.locator(`#person-competency tr[data-test-system="${QC.instrument}"]`).getAttribute('data-state');
      if (state !== 'overdue') fail(`competency on ${QC.instrument} shows ${state}, not overdue`);
      // A technician records their own continuing education, and may not judge their competency.
      if (await page.locator('#record-competency').count()) fail('a technician is offered to record competency');
      await page.keyboard.press('a'); // shortcut: CE activity
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Category').selectOption('chemistry');
      await dialog.getByLabel(/^Points/).fill('1.5');
      await dialog.getByLabel('Provider').fill('ASCLS');
      await dialog.getByRole('button', { name: 'Record activity' }).click();
      await dialog.waitFor({ state: 'detached' }).catch(async () => {
        const error = await dialog.locator('[role=alert]').innerText().catch(() => '');
        fail(`the CE activity was not recorded${error ? `: ${error}` : ''}`);
      });
      await expectText(page.locator('#person-ce'), 'ASCLS', 'the recorded CE activity');
      await expectText(page.locator('#ce-title'), '1.5 points recorded', 'the CE points');
    });

    await step('logout', async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('User name').waitFor().catch(() => fail('log out did not return to the log-in page'));
      const session = await page.evaluate(async () => (await fetch('/api/session')).status);
      if (session !== 401) fail(`after log out GET /api/session answers ${session}, not 401`);
    });

    await step('staff-dashboard', async () => {
      await page.getByLabel('User name').fill(SUPERVISOR.username);
      await page.getByLabel('Password').fill(SUPERVISOR.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectText(page.locator('#who-role'), 'supervisor', 'the role in the header');
      await page.keyboard.press('u'); // shortcut: Staff
      await page.getByRole('heading', { name: 'Staff qualifications' }).waitFor();
      const certification = page.locator(`#expiring tr[data-person="${TECH.username}"][data-kind="certification"]`);
      await expectText(certification, '20 days left', 'the certification lapsing within 30 days');
      const competency = page.locator(`#expiring tr[data-person="${TECH.username}"][data-kind="competency"]`);
      await expectText(competency, 'lapsed', 'the overdue competency assessment');
      await expectText(page.locator(`#expiring tr[data-kind="licence"]`), '75 days left', 'the licence within 90 days');
      await page.keyboard.press('1'); // the 30-day window
      await page.getByRole('heading', { name: /within 30 days/ }).waitFor();
      if (await page.locator('#expiring tr[data-kind="licence"]').count()) fail('the 30-day window shows the licence lapsing in 75 days');
      await expectText(page.locator('#expiring-counts'), '1 lapsed · 1 within 30 days · 1 within 60 days · 2 within 90 days', 'the counts of every window');
    });

    await step('staff-person', async () => {
      await page.locator(`#people tr[data-person="${TECH.username}"] a`).click();
      await page.getByRole('heading', { name: `${TECH.display} — qualifications` }).waitFor();
      await expectText(page.locator('#person-credentials'), 'CA licence MLT', 'the licence on the person page');
      await expectText(page.locator('#person-competency'), 'overdue', 'the competency state');
    });

    await step('record-competency-assessment', async () => {
      // The supervisor assesses the overdue competency on the page: the six elements, and the
      // state turns current.
      await page.keyboard.press('c'); // shortcut: competency
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Test system').fill(QC.instrument);
      await dialog.getByLabel('Problem-solving skills').fill('quiz: 5 of 5 correct');
      await dialog.getByRole('button', { name: 'Record' }).click();
      await dialog.waitFor({ state: 'detached' }).catch(async () => {
        const error = await dialog.locator('[role=alert]').innerText().catch(() => '');
        fail(`the assessment was not recorded${error ? `: ${error}` : ''}`);
      });
      const row = page.locator(`#person-competency tr[data-test-system="${QC.instrument}"]`);
      const deadline = Date.now() + 10_000;
      while ((await row.getAttribute('data-state').catch(() => null)) !== 'current') {
        if (Date.now() > deadline) fail(`after the assessment competency on ${QC.instrument} shows ${await row.getAttribute('data-state')}, not current`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await expectText(row, SUPERVISOR.username, 'the assessor in the last event');
    });

    await step('inspection-workbook', async () => {
      await page.goBack();
      await page.getByRole('heading', { name: 'Staff qualifications' }).waitFor();
      const href = await page.locator('#staff-export').getAttribute('href');
      const workbook = await page.evaluate(async (url) => {
        const response = await fetch(url);
        const bytes = new Uint8Array(await response.arrayBuffer());
        return { status: response.status, type: response.headers.get('Content-Type'), zip: bytes[0] === 0x50 && bytes[1] === 0x4b, size: bytes.length };
      }, href);
      if (workbook.status !== 200) fail(`the inspection workbook answered ${workbook.status}`);
      if (!workbook.type?.includes('spreadsheetml')) fail(`the inspection workbook came as ${workbook.type}`);
      if (!workbook.zip || workbook.size < 2000) fail(`the inspection workbook is not an XLSX package (${workbook.size} bytes)`);
    });

    await step('logout-supervisor', async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('User name').waitFor();
      const notices = await page.locator('#toasts .toast').allTextContents();
      if (notices.some((text) => text.includes('released'))) fail(`the next user at the workstation sees the last one's notices: ${notices.join('; ')}`);
    });

    if (pageErrors.length) fail(`the page threw: ${pageErrors.join('; ')}`);
  } finally {
    writeFileSync(path.join(artifacts, 'browser-console.log'), consoleLines.join('\n') + '\n');
    if (browser) await browser.close().catch(() => {});
    await stopServer();
    rmSync(work, { recursive: true, force: true });
  }
}

const overall = setTimeout(async () => {
  console.error(`journey: FAILED: not finished within ${OVERALL_TIMEOUT_MS / 1000} s`);
  await stopServer();
  process.exit(1);
}, OVERALL_TIMEOUT_MS);

try {
  await journey();
  clearTimeout(overall);
  console.log(`journey: passed ${stepNumber} steps; screenshots in ${artifacts}`);
  console.log(`${stepNumber} passed, 0 failed`);
  process.exit(0);
} catch (error) {
  clearTimeout(overall);
  await stopServer();
  console.error(`journey: FAILED: ${error instanceof JourneyError ? error.message : error.stack}`);
  console.error(`${Math.max(stepNumber - 1, 0)} passed, 1 failed`);
  console.error(`artifacts (screenshots, server.log, browser-console.log): ${artifacts}`);
  process.exit(1);
}
