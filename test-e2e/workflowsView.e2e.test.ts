// End-to-end: the packaged extension in a real VS Code (code-server) driven by Chromium: the Workflows view
// lists the recorded workflows, a checkout expands into its steps, a step opens its recorded JSON. Test process.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { chromium, type Page } from 'playwright-core';
import { readTraceFile } from '../history/src/trace/traceFile.js';
import { CHROMIUM_ARGS, repoRoot } from './codeServerHarness.js';
import { startWorkbench, type Workbench } from './workbenchScenario.js';

const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'e2e');
const log = (m: string) => process.stderr.write(m + '\n');

interface Expected {
  recent: { id: string; name: string }[];
  target: { id: string; name: string };
  steps: { functionId: number; name: string; output: string | null; error: string | null }[];
}

/** What the view must show, read straight from the database (not through the extension's reader). */
async function expectedFromDatabase(url: string): Promise<Expected> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const recent = (
      await c.query(
        'SELECT workflow_uuid AS id, name FROM dbos.workflow_status ORDER BY created_at DESC, workflow_uuid DESC LIMIT 5',
      )
    ).rows;
    // The checkout that succeeded, else any finished workflow with recorded steps.
    const target = (
      await c.query(`SELECT s.workflow_uuid AS id, s.name FROM dbos.workflow_status s
        WHERE EXISTS (SELECT 1 FROM dbos.operation_outputs o WHERE o.workflow_uuid = s.workflow_uuid AND o.output IS NOT NULL)
        ORDER BY (s.workflow_uuid = 'checkout-ok') DESC, (s.status = 'SUCCESS') DESC, s.created_at DESC LIMIT 1`)
    ).rows[0];
    assert.ok(target, `no recorded workflow with steps in ${new URL(url).pathname}`);
    const steps = (
      await c.query(
        `SELECT function_id AS "functionId", function_name AS name, output, error
        FROM dbos.operation_outputs WHERE workflow_uuid = $1 ORDER BY function_id`,
        [target.id],
      )
    ).rows;
    return { recent, target, steps };
  } finally {
    await c.end();
  }
}

/** The checkout's lens numbers and its runs, read straight from the database (the server's rule: ERROR and MAX_RECOVERY… fail). */
async function checkoutRunsFromDatabase(url: string): Promise<{ recorded: number; failed: number; ids: string[] }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const counts = (
      await c.query(`SELECT count(*)::int AS recorded,
        count(*) FILTER (WHERE status IN ('ERROR', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'))::int AS failed
        FROM dbos.workflow_status WHERE name = 'checkout' AND class_name = 'Shop'`)
    ).rows[0];
    const ids = (
      await c.query(`SELECT workflow_uuid AS id FROM dbos.workflow_status WHERE name = 'checkout' AND class_name = 'Shop'
        ORDER BY created_at DESC`)
    ).rows.map((r) => r.id as string);
    return { recorded: counts.recorded, failed: counts.failed, ids };
  } finally {
    await c.end();
  }
}

/** A workflow file crafted for the test (the fixture's own sources stay untouched): Date.now() in a workflow body. */
const CRAFTED_FILE = 'src/workflows/e2eClock.ts';
const CRAFTED_SOURCE = `// Crafted by the end-to-end test: a workflow that reads the clock directly (not deterministic).
import { DBOS } from '@dbos-inc/dbos-sdk';

export class E2eClock {
  @DBOS.workflow()
  static async stamp(label: string): Promise<string> {
    const at = Date.now();
    return \`\${label} at \${at}\`;
  }
}
`;

/** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
async function openFile(page: Page, relative: string): Promise<void> {
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 700, y: 400 } })
    .catch(() => {});
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relative);
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(relative) })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page
    .locator(`.tabs-container .tab.active[aria-label*=${JSON.stringify(path.basename(relative))}]`)
    .first()
    .waitFor({ state: 'visible' });
}

/** A text the pretty-printed document must contain: the first primitive leaf of the recorded value. */
function expectedSnippet(serialized: string): string {
  let value: unknown = JSON.parse(serialized);
  if (value && typeof value === 'object' && '__dbos_serializer' in value)
    value = (value as unknown as { json: unknown }).json;
  const leaf = (v: unknown, key?: string): string | undefined => {
    if (v === null || typeof v !== 'object')
      return key === undefined ? JSON.stringify(v) : `${JSON.stringify(key)}: ${JSON.stringify(v)}`;
    for (const [k, child] of Object.entries(v)) {
      const found = leaf(child, Array.isArray(v) ? undefined : k);
      if (found) return found;
    }
    return undefined;
  };
  return leaf(value) ?? '{';
}

/** The first file under dir whose path matches (the extension's LogOutputChannel file lives deep in the logs). */
function findFile(dir: string, pattern: RegExp): string | undefined {
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = findFile(p, pattern);
        if (found) return found;
      } else if (pattern.test(p)) return p;
    }
  } catch {
    // no logs yet
  }
  return undefined;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  log(`e2e: screenshot test-artifacts/e2e/${name}.png`);
}

/** A tree row of the DBOS Replay view whose accessible label contains text. */
function row(page: Page, text: string) {
  return page
    .locator('.monaco-list-row[role="treeitem"]')
    .filter({ has: page.locator(`xpath=self::*[contains(@aria-label, ${JSON.stringify(text)})]`) });
}

/**
 * Shows the Run and Debug view (Ctrl+Shift+D). Not a click on its activity bar icon: VS Code opens the view by itself
 * when a session breaks (debug.openDebug), and a click on the icon of the view already shown hides the side bar.
 */
async function showRunAndDebug(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+D');
  await page.locator('.part.sidebar .pane-header', { hasText: 'Call Stack' }).first().waitFor({ state: 'visible' });
}

/** A row of the Variables view whose name is exactly `name` (scopes and variables alike); `state` narrows it. */
function variable(page: Page, name: string, state = '') {
  const escaped = name.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
  return page
    .locator(`.debug-variables .monaco-list-row${state}`)
    .filter({ has: page.locator('.name, .scope', { hasText: new RegExp(`^\\s*${escaped}\\s*[:=]?\\s*$`) }) })
    .first();
}

/** Expands (or collapses) a Variables view row, scope or object, unless it is so already. */
async function expand(page: Page, name: string, expanded = true): Promise<void> {
  const r = variable(page, name);
  await r.waitFor({ state: 'visible' });
  if ((await r.getAttribute('aria-expanded')) !== String(expanded)) await r.locator('.monaco-tl-twistie').click();
  await variable(page, name, `[aria-expanded="${expanded}"]`).waitFor({ state: 'visible', timeout: 15_000 });
}

/** Waits until the Variables view shows a row `name` whose value contains `value` (after a stop, the view reloads). */
async function variableShows(page: Page, name: string, value: string): Promise<void> {
  await variable(page, name).filter({ hasText: value }).waitFor({ state: 'visible', timeout: 30_000 });
}

/** The 1-based line the editor marks as the paused frame's (the top-stack-frame line decoration). */
async function pausedLine1(page: Page): Promise<number | undefined> {
  return page.evaluate(() => {
    const editor = [...document.querySelectorAll('.editor-instance .monaco-editor')].find((e) =>
      e.querySelector('.debug-top-stack-frame-line'),
    );
    const mark = editor?.querySelector('.debug-top-stack-frame-line')?.getBoundingClientRect();
    if (!editor || !mark) return undefined;
    const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')];
    const middle = mark.top + mark.height / 2;
    const hit = numbers.find((n) => {
      const box = n.getBoundingClientRect();
      return box.top <= middle && middle <= box.bottom;
    });
    return hit ? Number((hit.textContent ?? '').trim()) : undefined;
  });
}

/**
 * Sets a breakpoint on the checkout's `const charge = await Payments.charge(order);` in shop.ts (F9 on that line, as a
 * user does), replays the workflow from the Workflows view, and checks the stop, the Variables view (the recorded
 * reservation, the Workflow scope's consumed `#0 reserve`), a step over (the recorded charge), then ends the session.
 */
async function replayToBreakpoint(page: Page, folder: string, workflowId: string): Promise<void> {
  const file = path.join('src', 'workflows', 'shop.ts');
  const source = readFileSync(path.join(folder, file), 'utf8').split('\n');
  const line1 = source.findIndex((l) => l.trim() === 'const charge = await Payments.charge(order);') + 1;
  assert.ok(line1 > 0, 'shop.ts has no `const charge = await Payments.charge(order);` line');
  await page.locator('.part.activitybar [aria-label^="Explorer"]').first().click();
  await openFile(page, 'src/workflows/shop.ts');
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').fill(`:${line1}`);
  // Enter before the widget has read the typed line does nothing: wait for its "go to line N" first.
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: `line ${line1}` })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page
    .locator('.statusbar-item', { hasText: `Ln ${line1},` })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('F9');
  // The breakpoint's red dot in the gutter, on that line.
  const dotLine1 = await page.waitForFunction(
    (want) => {
      const editor =
        document.querySelector('.editor-instance .monaco-editor.focused') ??
        document.querySelector('.editor-instance .monaco-editor');
      // The glyph margin's breakpoint decoration (VS Code renders it as a codicon), matched to a line number by height.
      const dot = editor?.querySelector('.margin .codicon-debug-breakpoint')?.getBoundingClientRect();
      if (!editor || !dot) return false;
      const middle = dot.top + dot.height / 2;
      const hit = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find((n) => {
        const box = n.getBoundingClientRect();
        return box.top <= middle && middle <= box.bottom;
      });
      return hit && Number((hit.textContent ?? '').trim()) === want ? want : false;
    },
    line1,
    { timeout: 15_000 },
  );
  assert.equal(await dotLine1.jsonValue(), line1);
  await shot(page, '11a-breakpoint-set');
  log(`e2e: breakpoint set at shop.ts:${line1}`);

  // Replay from the Workflows view: the session runs to the breakpoint.
  await page.locator('.part.activitybar [aria-label^="DBOS Replay"]').first().click();
  const targetRow = row(page, `workflow ${workflowId},`).first();
  await targetRow.hover();
  await targetRow.locator('.action-label[aria-label="Replay Workflow"]').click();
  await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 90_000 });
  await showRunAndDebug(page);
  await page
    .locator('.pane-header', { hasText: 'Call Stack' })
    .filter({ hasText: /Paused/ })
    .first()
    .waitFor({ state: 'visible', timeout: 90_000 });
  const top = page.locator('.debug-call-stack .monaco-list-row').filter({ hasText: 'shop.ts' }).first();
  await top.waitFor({ state: 'visible' });
  // Each frame row reads "<function> <file> <line>:<column>" (one session, one thread: no rows above the frames).
  const frames = await page.locator('.debug-call-stack .monaco-list-row').evaluateAll((rows) =>
    rows.map(
      (r) =>
        [...r.querySelectorAll('.label, .file-name, .line-number')]
          .map((e) => (e.textContent ?? '').trim())
          .filter(Boolean)
          .join(' ') || (r.textContent ?? '').trim(),
    ),
  );
  assert.match(
    frames[0] ?? '',
    new RegExp(`^checkout\\s*shop\\.ts\\s*${line1}:`),
    `the top frame is not checkout at shop.ts:${line1}: ${frames.join(' | ')}`,
  );
  // The editor shows shop.ts with the paused line marked.
  await page.locator('.tabs-container .tab.active[aria-label*="shop.ts"]').first().waitFor({ state: 'visible' });
  await page.waitForFunction(
    () => !!document.querySelector('.editor-instance .monaco-editor .debug-top-stack-frame-line'),
    undefined,
    { timeout: 30_000 },
  );
  assert.equal(await pausedLine1(page), line1, `the editor marks another line than shop.ts:${line1} as paused`);
  await shot(page, '11b-stopped-at-breakpoint');
  log(`e2e: replay stopped at shop.ts:${line1}; call stack: ${frames.slice(0, 3).join(' | ')}`);

  // Variables: `reservation` holds the recorded output of step 0 (reserve); expanded, its fields. The empty Watch
  // pane folds away so the Variables view has the room (it only renders the rows it has room for).
  const watch = page.locator('.pane-header[aria-expanded="true"]', { hasText: 'Watch' }).first();
  if (await watch.isVisible()) {
    await watch.click();
    await page
      .locator('.pane-header[aria-expanded="false"]', { hasText: 'Watch' })
      .first()
      .waitFor({ state: 'visible' });
  }
  await variable(page, 'Local').waitFor({ state: 'visible' });
  await expand(page, 'reservation');
  await variableShows(page, 'reservationId', '"res-A-1001"');
  await shot(page, '11c-variables-reservation');
  // The adapter's Workflow scope lists the operations consumed so far: #0 reserve. (Local folds away first: the
  // Variables view only renders the rows it has room for.)
  await expand(page, 'Local', false);
  await expand(page, 'Workflow');
  await expand(page, 'operations');
  await variable(page, '#0 reserve').waitFor({ state: 'visible' });
  await variable(page, '#0 reserve').scrollIntoViewIfNeeded();
  await shot(page, '11d-workflow-scope');
  log('e2e: Variables show reservation.reservationId "res-A-1001"; the Workflow scope lists #0 reserve');

  // Step over (F10): `charge` now holds the recorded payment.
  await expand(page, 'Workflow', false);
  await expand(page, 'Local');
  await page.keyboard.press('F10');
  await page.waitForFunction(
    (want) => {
      const frame = document.querySelector('.debug-call-stack .monaco-list-row .line-number');
      return frame && !(frame.textContent ?? '').startsWith(`${want}:`) ? true : false;
    },
    line1,
    { timeout: 60_000 },
  );
  await page
    .locator('.pane-header', { hasText: 'Call Stack' })
    .filter({ hasText: /Paused/ })
    .first()
    .waitFor({ state: 'visible' });
  // The view reloads after the stop: `charge` shows the recorded payment (until then it is the old `undefined` row).
  await variableShows(page, 'charge', 'pay_A-1001');
  await expand(page, 'reservation', false);
  await expand(page, 'charge');
  await variableShows(page, 'paymentId', '"pay_A-1001"');
  await variable(page, 'charge').scrollIntoViewIfNeeded();
  await shot(page, '11e-stepped-over-charge');
  log(`e2e: after a step over (now at shop.ts:${await pausedLine1(page)}), charge.paymentId is "pay_A-1001"`);

  // Step Back (the toolbar shows it because the adapter supports stepBack): the breakpoint line again, charge unset.
  await page.locator('.debug-toolbar .action-item .codicon-debug-step-back').click();
  await page.waitForFunction(
    (want) => {
      const frame = document.querySelector('.debug-call-stack .monaco-list-row .line-number');
      return (frame?.textContent ?? '').startsWith(`${want}:`);
    },
    line1,
    { timeout: 60_000 },
  );
  await variableShows(page, 'charge', 'undefined');
  await shot(page, '11f-stepped-back');
  log(`e2e: after Step Back (now at shop.ts:${await pausedLine1(page)}), charge is undefined again`);

  await page.keyboard.press('Shift+F5');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  await shot(page, '11g-breakpoint-session-ended');
}

test(
  'Workflows view in a real VS Code: list, expand a checkout, open a recorded output, export its trace, replay it',
  { timeout: 900_000 },
  async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    let workbench: Workbench | undefined;
    let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
    const t0 = Date.now();
    let passed = false;
    try {
      workbench = await startWorkbench({ log, connect: false, copyWorkspace: true });
      const expected = await expectedFromDatabase(workbench.db.url);
      if (workbench.db.origin === 'fixture app-v5')
        writeFileSync(path.join(workbench.db.folder, CRAFTED_FILE), CRAFTED_SOURCE);
      log(`e2e: expecting ${expected.target.id} (${expected.target.name}) with ${expected.steps.length} steps`);

      browser = await chromium.launch({ executablePath: workbench.chromium, args: CHROMIUM_ARGS, headless: true });
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      page.setDefaultTimeout(60_000);
      const tRun = Date.now();
      await page.goto(workbench.url);
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 120_000 });
      await shot(page, '01-workbench');

      // Stage 1: no connection yet, so the view welcomes with a Connect button and says where it looks.
      await page.locator('.part.activitybar [aria-label^="DBOS Replay"]').first().click();
      const welcome = page.locator('.welcome-view-content', { hasText: 'No DBOS system database is connected' });
      await welcome.waitFor({ state: 'visible', timeout: 90_000 });
      await welcome.getByRole('button', { name: 'Connect to a DBOS System Database' }).waitFor({ state: 'visible' });
      await shot(page, '02-welcome');

      // Stage 2: the setting names the recorded database; the view lists its workflows, newest first.
      // The workbench watches settings.json; a write it misses (seen once in five runs, right after start-up) is
      // written again, as a person would save the file again. Each try waits 30 s, three tries at most.
      for (let attempt = 1; ; attempt++) {
        workbench.connect();
        const listed = await row(page, expected.recent[0].id)
          .first()
          .waitFor({ state: 'visible', timeout: 30_000 })
          .then(
            () => true,
            (e: unknown) => {
              if (attempt >= 3) throw e;
              return false;
            },
          );
        if (listed) break;
        log(`e2e: the workbench did not pick up the setting (try ${attempt}); saving settings.json again`);
      }
      for (const wf of expected.recent) await row(page, wf.id).first().waitFor({ state: 'visible' });
      const labels = await page
        .locator('.monaco-list-row[role="treeitem"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
      const order = expected.recent.map((wf) => labels.findIndex((l) => l.includes(`workflow ${wf.id},`)));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `workflows not newest first: ${labels.join(' | ')}`,
      );
      await shot(page, '03-workflows');
      await row(page, `workflow ${expected.target.id},`).first().hover();
      await page
        .locator('.monaco-hover, .workbench-hover', { hasText: expected.target.id })
        .first()
        .waitFor({ state: 'visible' });
      await shot(page, '04-tooltip');
      await page.mouse.move(700, 500);

      // Stage 3: expanding the checkout shows its recorded steps, in order.
      const target = row(page, `workflow ${expected.target.id},`).first();
      await target.click();
      for (const step of expected.steps)
        await row(page, `Step ${step.functionId} ${step.name}`).first().waitFor({ state: 'visible' });
      await shot(page, '05-steps');

      // Stage 4: selecting a step opens its recorded output as a read-only JSON document.
      const step =
        expected.steps.find((s) => s.output !== null && s.output.includes('{')) ??
        expected.steps.find((s) => s.output !== null)!;
      await row(page, `Step ${step.functionId} ${step.name}`).first().click();
      const tabName = `${step.functionId}-${step.name.replace(/[^\w.-]+/g, '_')}.json`;
      await page
        .locator(`.tabs-container .tab[aria-label*=${JSON.stringify(tabName)}]`)
        .first()
        .waitFor({ state: 'visible' });
      const snippet = expectedSnippet(step.output!);
      const editorLines = page.locator('.editor-instance .monaco-editor .view-lines').first();
      await editorLines.waitFor({ state: 'visible' });
      await page.waitForFunction(
        (want) =>
          [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines')].some((el) =>
            (el.textContent ?? '').replace(/\u00a0/g, ' ').includes(want),
          ),
        snippet,
        { timeout: 30_000 },
      );
      await shot(page, '06-recorded-output');
      log(`e2e: document ${tabName} shows ${snippet}`);

      // Stage 5: Export Trace… from the workflow's context menu writes a valid trace file where the save dialog says.
      const traceFile = path.join(
        workbench.profileDir,
        `${expected.target.id.replace(/[^\w.-]+/g, '_')}-e2e.trace.json`,
      );
      rmSync(traceFile, { force: true });
      await row(page, `workflow ${expected.target.id},`).first().click({ button: 'right' });
      const exportItem = page.getByRole('menuitem', { name: /Export Trace/ }).first();
      await exportItem.click();
      const dialogInput = page.locator('.quick-input-widget .quick-input-box input');
      // Under load the workbench's context menu can take the click as a hover only (seen on a cold CI run): the item
      // is then focused and still open, and Enter runs it.
      await dialogInput.waitFor({ state: 'visible', timeout: 5_000 }).catch(async () => {
        if (await exportItem.isVisible()) await page.keyboard.press('Enter');
        await dialogInput.waitFor({ state: 'visible' });
      });
      await shot(page, '07-export-dialog');
      await dialogInput.fill(traceFile);
      // The simple dialog reads the typed folder before it accepts: wait for its listing, then press OK.
      await page
        .locator('.quick-input-widget .monaco-list-row', { hasText: 'user-data' })
        .first()
        .waitFor({ state: 'visible' });
      await page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click();
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      await page
        .locator('.notifications-toasts', { hasText: 'Exported the trace of' })
        .first()
        .waitFor({ state: 'visible' });
      await shot(page, '08-exported');
      const trace = await readTraceFile(traceFile);
      assert.equal(trace.rootWorkflowId, expected.target.id);
      assert.equal(trace.workflows[0].operation_outputs.length, expected.steps.length);
      log(`e2e: exported ${traceFile} (${trace.workflows.length} workflows)`);

      // Stage 6: Replay (inline action) starts a dbos-replay debug session: the debug toolbar and Call Stack show it.
      if (workbench.db.origin === 'fixture app-v5') {
        const targetRow = row(page, `workflow ${expected.target.id},`).first();
        await targetRow.hover();
        await targetRow.locator('.action-label[aria-label="Replay Workflow"]').click();
        await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 90_000 });
        const dbName = new URL(workbench.db.url).pathname.slice(1);
        await page
          .locator('.statusbar-item', { hasText: `DBOS Replay` })
          .filter({ hasText: dbName })
          .first()
          .waitFor({ state: 'visible' });
        await shot(page, '09-replay-paused');
        // The Run and Debug view's Call Stack names the session, paused on entry: no breakpoint is set yet, and the
        // dbosReplay.stopOnEntry default (whenNoBreakpoints) pauses a replay on entry only then. The adapter pauses at
        // the program's first line (dist/main.js) today, at the workflow's first line (shop.ts) once it stops there.
        await showRunAndDebug(page);
        const callStack = page.locator('.debug-call-stack');
        await page
          .locator('.pane-header', { hasText: 'Call Stack' })
          .filter({ hasText: /Paused/ })
          .first()
          .waitFor({ state: 'visible' });
        await callStack
          .locator('.monaco-list-row', { hasText: /main\.js|shop\.ts/ })
          .first()
          .waitFor({ state: 'visible' });
        await shot(page, '10-replay-call-stack');
        const statusText = await page.locator('.statusbar-item', { hasText: 'DBOS Replay' }).first().textContent();
        assert.ok(
          statusText && !statusText.includes('postgres:') && !statusText.includes('@'),
          `status bar shows credentials: ${statusText}`,
        );
        log(`e2e: replay session started; status bar: ${statusText?.trim()}`);
        await page.keyboard.press('Shift+F5');
        await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
        await shot(page, '11-replay-stopped');

        // Stage 6b: a breakpoint in the workflow's TypeScript. F9 on the checkout's `const charge = …` line, then Replay:
        // with a breakpoint set the replay runs to it (no stop on entry), and the Variables view shows recorded outputs.
        await replayToBreakpoint(page, workbench.db.folder, expected.target.id);
      } else {
        log("e2e: no fixture app workspace (mini recording): the Replay stage needs the app's program, skipped");
      }

      // Stage 7: the language server. shop.ts shows a "Replay ▸ (N recorded · M failed)" lens right above the checkout
      // workflow, with the numbers the database has; "Show runs" filters the Workflows view to the checkout's runs.
      if (workbench.db.origin === 'fixture app-v5') {
        const runs = await checkoutRunsFromDatabase(workbench.db.url);
        const lensTitle = `Replay ▸ (${runs.recorded} recorded · ${runs.failed} failed)`;
        const shopSource = readFileSync(path.join(workbench.db.folder, 'src', 'workflows', 'shop.ts'), 'utf8').split(
          '\n',
        );
        const checkoutLine1 = shopSource.findIndex((l) => l.includes('static async checkout(')) + 1;
        assert.ok(
          checkoutLine1 > 1 && shopSource[checkoutLine1 - 2].includes('@DBOS.workflow('),
          'shop.ts: checkout is not a @DBOS.workflow() method',
        );
        await page.locator('.part.activitybar [aria-label^="Explorer"]').first().click();
        await openFile(page, 'src/workflows/shop.ts');
        // Scroll the checkout into view (Go to Line), then find the lens with the expected counts.
        await page.keyboard.press('Control+G');
        await page.locator('.quick-input-widget .quick-input-box input').fill(`:${checkoutLine1}`);
        await page.keyboard.press('Enter');
        const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: lensTitle }).first();
        await lens.waitFor({ state: 'visible', timeout: 90_000 });
        await lens.locator('a', { hasText: 'Show runs' }).waitFor({ state: 'visible' });
        // Above the checkout: the lens sits right over the line holding the checkout's @DBOS.workflow() decorator.
        const placement = await lens.evaluate((el, want) => {
          const lensBox = el.getBoundingClientRect();
          const editor = el.closest('.monaco-editor')!;
          const lines = [...editor.querySelectorAll('.view-lines .view-line')]
            .map((l) => ({ text: (l.textContent ?? '').replace(/\u00a0/g, ' '), box: l.getBoundingClientRect() }))
            .sort((a, b) => a.box.top - b.box.top);
          const below = lines.find((l) => l.box.top >= lensBox.bottom - 1);
          const next = below ? lines[lines.indexOf(below) + 1] : undefined;
          return {
            below: below?.text.trim(),
            next: next?.text.trim(),
            gap: below ? below.box.top - lensBox.bottom : -1,
            want,
          };
        }, lensTitle);
        assert.equal(
          placement.below,
          '@DBOS.workflow()',
          `lens ${lensTitle} is not above the checkout's decorator: ${JSON.stringify(placement)}`,
        );
        assert.match(
          placement.next ?? '',
          /static async checkout\(/,
          `lens not on the checkout: ${JSON.stringify(placement)}`,
        );
        await shot(page, '12-codelens-checkout');
        log(`e2e: CodeLens "${lensTitle}" above Shop.checkout (line ${checkoutLine1})`);

        await lens.locator('a', { hasText: 'Show runs' }).click();
        // The view's message line names the filter.
        await page
          .locator('.part.sidebar')
          .getByText('Filtered: name=checkout · class=Shop')
          .first()
          .waitFor({ state: 'visible' });
        for (const id of runs.ids.slice(0, 8)) await row(page, `workflow ${id},`).first().waitFor({ state: 'visible' });
        // The view reloads after the message shows: wait until its workflow rows are the checkout's runs alone.
        const workflowRows = () =>
          page
            .locator('.part.sidebar .monaco-list-row[role="treeitem"]')
            .evaluateAll((rows) =>
              rows
                .map((r) => r.getAttribute('aria-label') ?? '')
                .filter((l) => / workflow [^,]+,/.test(l) && !l.startsWith('Step ')),
            );
        await page
          .waitForFunction(
            ({ ids }) =>
              [...document.querySelectorAll('.part.sidebar .monaco-list-row[role="treeitem"]')]
                .map((r) => r.getAttribute('aria-label') ?? '')
                .filter((l) => / workflow [^,]+,/.test(l) && !l.startsWith('Step '))
                .every((l) => ids.some((id: string) => l.includes(` workflow ${id},`))),
            { ids: runs.ids },
            { timeout: 30_000 },
          )
          .catch(() => {});
        const shownWorkflows = await workflowRows();
        const others = shownWorkflows.filter((l) => !runs.ids.some((id) => l.includes(`workflow ${id},`)));
        assert.deepEqual(
          others,
          [],
          `the filtered view shows workflows other than the checkout's: ${others.join(' | ')}`,
        );
        assert.ok(
          shownWorkflows.length >= Math.min(runs.ids.length, 8),
          `the filtered view shows ${shownWorkflows.length} of ${runs.ids.length} checkout runs`,
        );
        await shot(page, '13-show-runs-filtered');
        log(`e2e: Show runs filtered the Workflows view to ${shownWorkflows.length} checkout runs`);

        // "Replay ▸" asks which of the checkout's recorded runs to replay (Escape: no session this time).
        await lens.locator('a', { hasText: 'Replay ▸' }).click();
        const pick = page.locator('.quick-input-widget');
        await pick.getByText('Replay which run of Shop.checkout?').waitFor({ state: 'visible' });
        for (const id of runs.ids.slice(0, 5))
          await pick.locator('.monaco-list-row', { hasText: id }).first().waitFor({ state: 'visible' });
        const picked = await pick.locator('.monaco-list-row').allTextContents();
        assert.ok(
          picked.every((t) => runs.ids.some((id) => t.includes(id))),
          `the pick lists other runs: ${picked.join(' | ')}`,
        );
        await shot(page, '13b-replay-lens-pick');
        await page.keyboard.press('Escape');
        await pick.waitFor({ state: 'hidden' });

        // Stage 8: a determinism warning from the server in the crafted workflow, in the editor and in Problems,
        // with its quick fix offered (the fixture sources stay untouched: the file is in the workspace copy only).
        await openFile(page, CRAFTED_FILE);
        const squiggle = page.locator('.monaco-editor .squiggly-warning').first();
        await squiggle.waitFor({ state: 'visible', timeout: 60_000 });
        await page.keyboard.press('Control+Shift+M');
        const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Date.now()' }).first();
        await problem.waitFor({ state: 'visible' });
        const problemText = (await problem.getAttribute('aria-label')) ?? (await problem.textContent()) ?? '';
        assert.match(problemText, /stamp/, `the warning does not name the workflow: ${problemText}`);
        await shot(page, '14-determinism-warning');
        // Put the cursor on the flagged expression (a click on the squiggle) and ask for code actions there.
        const box = await squiggle.boundingBox();
        assert.ok(box, 'the warning squiggle has no box');
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        // The light bulb VS Code shows for the server's quick fix; clicking it lists the fixes.
        await page.locator('.monaco-editor .lightBulbWidget').first().waitFor({ state: 'visible' });
        await page.locator('.monaco-editor .lightBulbWidget').first().click();
        await page
          .getByText(/Replace with .await DBOS\.now\(\)./)
          .first()
          .waitFor({ state: 'visible' });
        await shot(page, '15-quick-fix');
        await page.keyboard.press('Escape');
        log(`e2e: determinism warning shown: ${problemText.slice(0, 160)}`);
      }
      log(
        `e2e: timings — install/check ${(workbench.timings.installMs / 1000).toFixed(1)} s, code-server start ${(workbench.timings.startMs / 1000).toFixed(1)} s, ` +
          `browser run ${((Date.now() - tRun) / 1000).toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      passed = true;
    } catch (e) {
      if (browser) {
        const page = browser.contexts()[0]?.pages()[0];
        if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png') }).catch(() => {});
      }
      if (workbench) {
        writeFileSync(path.join(ARTIFACTS, 'code-server.log'), workbench.codeServer.log);
        const extLog = findFile(path.join(workbench.profileDir, 'user-data', 'logs'), /DBOS Replay\.log$/);
        if (extLog) log(`--- extension log ${extLog} ---\n${readFileSync(extLog, 'utf8').slice(-4000)}`);
        log(
          `--- code-server output (also test-artifacts/e2e/code-server.log; extension logs under ${workbench.profileDir}/user-data/logs) ---\n` +
            workbench.codeServer.log.slice(-6000),
        );
      }
      throw e;
    } finally {
      await browser?.close().catch(() => {});
      await workbench?.stop();
      // A failed run keeps its profile (settings, extension logs) for a look; a passing one leaves nothing behind.
      if (passed && workbench) {
        rmSync(workbench.profileDir, { recursive: true, force: true });
        if (workbench.db.temporary) rmSync(workbench.db.folder, { recursive: true, force: true });
      }
    }
  },
);
