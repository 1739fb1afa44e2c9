// Source breakpoints in original (TypeScript) files: binds them to generated scripts through source maps, before the code runs.
// Runs in the debug adapter process. Lines and columns are 0-based.
import path from 'node:path';
import { log } from '../logger';
import type { CdpClient } from './cdpClient';
import type { Location } from './cdpTypes';
import { Emitter } from './emitter';
import { urlRegexForPath, type LoadedSourceMap } from './sourceMaps';
import { gatedCondition } from './travelGate';

export interface BreakpointSpec {
  line0: number;
  column0?: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface BreakpointState {
  id: number;
  verified: boolean;
  path: string;
  line0: number;
  column0?: number;
  message?: string;
}

interface UserBreakpoint {
  readonly id: number;
  readonly path: string;
  readonly spec: BreakpointSpec;
  readonly hitTest: ((hits: number) => boolean) | undefined;
  state: BreakpointState;
  /** CDP breakpoint id → the map it was bound through. */
  readonly cdpIds: Map<string, LoadedSourceMap>;
  /** Generated files this breakpoint is bound in. */
  readonly boundIn: Set<string>;
  /** Resolved generated locations, to notice a breakpoint at the spot the debuggee is paused on. */
  readonly locations: Location[];
  hits: number;
  /** Set once setBreakpoints has answered with this breakpoint; changes before that travel in the answer. */
  announced: boolean;
}

export class BreakpointManager {
  private nextId = 1;
  private readonly bySource = new Map<string, UserBreakpoint[]>();
  /**
   * Breakpoints the user removed or replaced that time travel still needs: a re-run must stop where the first run
   * stopped, so they are bound again in every new debuggee (their gate keeps them from stopping elsewhere).
   */
  private readonly retiredBySource = new Map<string, UserBreakpoint[]>();
  /** Replay: bind every breakpoint through the time travel gate (see travelGate.ts). */
  private gated = false;
  private readonly byCdpId = new Map<string, UserBreakpoint>();
  /** Original path → CDP id of the breakpoint at 0:0 of that file, which pauses a tsx-compiled module before it runs. */
  private readonly entryBreakpoints = new Map<string, string>();
  private readonly maps = new Map<string, LoadedSourceMap>();
  private cdp: CdpClient | undefined;
  private work: Promise<unknown> = Promise.resolve();
  private readonly changedEmitter = new Emitter<BreakpointState>();
  /** A breakpoint's verified state or line changed after setBreakpoints answered. */
  readonly onChanged = this.changedEmitter.event;

  /** Replaces all breakpoints of one source file; returns where each landed (or why it did not). */
  setForSource(sourcePath: string, specs: BreakpointSpec[]): Promise<BreakpointState[]> {
    return this.serialize(async () => {
      const key = path.resolve(sourcePath);
      for (const old of this.bySource.get(key) ?? []) {
        await this.unbind(old);
        if (this.gated) this.retire(key, old);
      }
      const created = specs.map((spec) => this.create(key, spec));
      this.bySource.set(key, created);
      if (this.cdp) await this.bindSource(key);
      for (const b of created) b.announced = true;
      return created.map((b) => ({ ...b.state }));
    });
  }

  /** Connects to a (new) debuggee: forgets CDP ids of the previous one and binds every breakpoint again. */
  attach(cdp: CdpClient): Promise<void> {
    return this.serialize(async () => {
      this.cdp = cdp;
      this.byCdpId.clear();
      this.entryBreakpoints.clear();
      this.maps.clear();
      for (const bps of [...this.bySource.values(), ...this.retiredBySource.values()]) {
        for (const bp of bps) {
          bp.cdpIds.clear();
          bp.boundIn.clear();
          bp.locations.length = 0;
          bp.hits = 0;
        }
      }
      cdp.on('Debugger.breakpointResolved', (e) => this.onResolved(e.breakpointId, e.location));
      for (const key of new Set([...this.bySource.keys(), ...this.retiredBySource.keys()])) await this.bindSource(key);
    });
  }

  detach(): void {
    this.cdp = undefined;
  }

  /** Replay sessions bind breakpoints through the time travel gate (set before the first attach). */
  setGated(gated: boolean): void {
    this.gated = gated;
  }

  /** The ids of the breakpoints the user has now (valid ones). */
  currentIds(): number[] {
    return [...this.bySource.values()]
      .flat()
      .filter((b) => b.spec.line0 >= 0)
      .map((b) => b.id);
  }

  /** A current or retired breakpoint by id. */
  byId(id: number): UserBreakpoint | undefined {
    return [...this.bySource.values(), ...this.retiredBySource.values()].flat().find((b) => b.id === id);
  }

  isCurrent(id: number): boolean {
    return [...this.bySource.values()].flat().some((b) => b.id === id);
  }

  /** Forgets retired breakpoints that no part of the time travel history needs any more. */
  retain(ids: ReadonlySet<number>): void {
    for (const [key, bps] of this.retiredBySource) {
      const kept = bps.filter((b) => ids.has(b.id));
      if (kept.length) this.retiredBySource.set(key, kept);
      else this.retiredBySource.delete(key);
    }
  }

  /** A map became known (a parsed script's, or one predicted from outFiles): bind the breakpoints of its sources. */
  addSourceMap(map: LoadedSourceMap): Promise<void> {
    return this.serialize(async () => {
      if (this.maps.has(map.generatedPath)) return;
      this.maps.set(map.generatedPath, map);
      for (const source of map.sources) {
        if (this.bySource.has(source) || this.retiredBySource.has(source)) await this.bindSource(source);
      }
    });
  }

  /** Resolves when every bind started so far is done. */
  settled(): Promise<void> {
    return this.serialize(async () => undefined);
  }

  isEntryBreakpoint(cdpId: string): boolean {
    return [...this.entryBreakpoints.values()].includes(cdpId);
  }

  /** User breakpoints a pause's hitBreakpoints belong to. */
  userBreakpointsFor(cdpIds: string[]): UserBreakpoint[] {
    return [...new Set(cdpIds.map((id) => this.byCdpId.get(id)).filter((b): b is UserBreakpoint => !!b))];
  }

  /** User breakpoints whose resolved location is exactly this one (paused at it before it was set). */
  userBreakpointsAt(location: Location): UserBreakpoint[] {
    return [...this.bySource.values()]
      .flat()
      .filter((b) =>
        b.locations.some(
          (l) =>
            l.scriptId === location.scriptId &&
            l.lineNumber === location.lineNumber &&
            (l.columnNumber ?? 0) === (location.columnNumber ?? 0),
        ),
      );
  }

  /** Counts a hit and says whether the hit condition lets it stop. */
  countHit(bp: UserBreakpoint): boolean {
    bp.hits++;
    return bp.hitTest ? bp.hitTest(bp.hits) : true;
  }

  dispose(): void {
    this.changedEmitter.dispose();
    this.cdp = undefined;
  }

  private create(key: string, spec: BreakpointSpec): UserBreakpoint {
    const id = this.nextId++;
    let hitTest: ((hits: number) => boolean) | undefined;
    let message = 'Not bound yet: no loaded script was compiled from this file.';
    let invalid = false;
    if (spec.hitCondition !== undefined && spec.hitCondition.trim() !== '') {
      hitTest = parseHitCondition(spec.hitCondition);
      if (!hitTest) {
        invalid = true;
        message = `Invalid hit count ${JSON.stringify(spec.hitCondition)}: use a number (stop from that hit on), or >N, >=N, <N, <=N, ==N, %N.`;
      }
    }
    const state: BreakpointState = {
      id,
      verified: false,
      path: key,
      line0: spec.line0,
      column0: spec.column0,
      message,
    };
    const bp: UserBreakpoint = {
      id,
      path: key,
      spec: invalid ? { ...spec, line0: -1 } : spec,
      hitTest,
      state,
      cdpIds: new Map(),
      boundIn: new Set(),
      locations: [],
      hits: 0,
      announced: false,
    };
    return bp;
  }

  private async bindSource(key: string): Promise<void> {
    const bps = [...(this.bySource.get(key) ?? []), ...(this.retiredBySource.get(key) ?? [])].filter(
      (b) => b.spec.line0 >= 0,
    );
    let bound = false;
    for (const map of this.maps.values()) {
      if (!map.hasSource(key)) continue;
      bound = true;
      for (const bp of bps) await this.bind(bp, map);
    }
    if (!bound && bps.length > 0) await this.ensureEntryBreakpoint(key);
  }

  private async bind(bp: UserBreakpoint, map: LoadedSourceMap): Promise<void> {
    const cdp = this.cdp;
    if (!cdp || bp.boundIn.has(map.generatedPath)) return;
    bp.boundIn.add(map.generatedPath);
    const generated = map.generatedFor(bp.path, bp.spec.line0, bp.spec.column0);
    if (!generated) {
      if (!bp.state.verified)
        this.update(bp, { message: `No code at or after line ${bp.spec.line0 + 1} of ${path.basename(bp.path)}.` });
      return;
    }
    try {
      // V8 keys a breakpoint by its URL pattern and position: a retired and a current breakpoint on one line need
      // distinct patterns, so gated ones end in a lookahead (naming the breakpoint) that never fails.
      const result = await cdp.send('Debugger.setBreakpointByUrl', {
        urlRegex: urlRegexForPath(map.generatedPath) + (this.gated ? `(?!#bp${bp.id})` : ''),
        lineNumber: generated.line0,
        columnNumber: generated.column0,
        condition: this.gated
          ? gatedCondition(bp.id, bp.spec.condition)
          : bp.spec.condition?.trim()
            ? bp.spec.condition
            : undefined,
      });
      log(
        'breakpoints',
        `bp ${bp.id} line0 ${bp.spec.line0} → ${path.basename(map.generatedPath)}:${generated.line0}:${generated.column0}, resolved ${JSON.stringify(result.locations)}`,
      );
      bp.cdpIds.set(result.breakpointId, map);
      this.byCdpId.set(result.breakpointId, bp);
      for (const loc of result.locations) this.onResolved(result.breakpointId, loc);
      if (result.locations.length === 0 && !bp.state.verified) {
        this.update(bp, { message: `Waiting for ${path.basename(map.generatedPath)} to load.` });
      }
    } catch (e) {
      log('breakpoints', `cannot set breakpoint ${bp.id}: ${e instanceof Error ? e.message : String(e)}`);
      this.update(bp, {
        message: `The debuggee rejected this breakpoint: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }

  private onResolved(cdpId: string, location: Location): void {
    const bp = this.byCdpId.get(cdpId);
    const map = bp?.cdpIds.get(cdpId);
    if (!bp || !map) return;
    bp.locations.push(location);
    const original = map.originalFor(location.lineNumber, location.columnNumber ?? 0);
    if (!original || path.resolve(original.path) !== bp.path) return;
    if (bp.state.verified && bp.state.line0 === original.line0) return;
    this.update(bp, { verified: true, line0: original.line0, column0: original.column0, message: undefined });
  }

  private update(bp: UserBreakpoint, change: Partial<BreakpointState>): void {
    bp.state = { ...bp.state, ...change };
    if (bp.announced) this.changedEmitter.fire({ ...bp.state });
  }

  private async ensureEntryBreakpoint(key: string): Promise<void> {
    if (!this.cdp || this.entryBreakpoints.has(key)) return;
    try {
      const r = await this.cdp.send('Debugger.setBreakpointByUrl', {
        urlRegex: urlRegexForPath(key),
        lineNumber: 0,
        columnNumber: 0,
      });
      this.entryBreakpoints.set(key, r.breakpointId);
      log('breakpoints', `entry breakpoint for ${key}: ${JSON.stringify(r.locations)}`);
    } catch (e) {
      log('breakpoints', `cannot set the entry breakpoint of ${key}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private retire(key: string, bp: UserBreakpoint): void {
    // Its states are no longer the client's business.
    bp.announced = false;
    this.retiredBySource.set(key, [...(this.retiredBySource.get(key) ?? []), bp]);
  }

  private async unbind(bp: UserBreakpoint): Promise<void> {
    for (const cdpId of bp.cdpIds.keys()) {
      this.byCdpId.delete(cdpId);
      if (this.cdp && !this.cdp.isClosed)
        await this.cdp.send('Debugger.removeBreakpoint', { breakpointId: cdpId }).catch(() => undefined);
    }
    bp.cdpIds.clear();
  }

  /** Breakpoint changes run one at a time, so a setBreakpoints never interleaves with a bind of the same source. */
  private serialize<T>(job: () => Promise<T>): Promise<T> {
    const run = this.work.then(job, job);
    this.work = run.catch(() => undefined);
    return run;
  }
}

/** Parses a DAP hit condition: `N` (from hit N on), `>N`, `>=N`, `<N`, `<=N`, `==N`, `%N`. */
export function parseHitCondition(text: string): ((hits: number) => boolean) | undefined {
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>':
      return (h) => h > n;
    case '<':
      return (h) => h < n;
    case '<=':
      return (h) => h <= n;
    case '==':
    case '=':
      return (h) => h === n;
    case '%':
      return n === 0 ? undefined : (h) => h % n === 0;
    default:
      return (h) => h >= n;
  }
}

export type { UserBreakpoint };

/** Turns a logpoint message with `{expression}` parts into a JS expression producing the line to print. */
export function logMessageExpression(message: string): string {
  const parts: string[] = [];
  let text = '';
  let i = 0;
  while (i < message.length) {
    const c = message[i];
    if (c === '{') {
      const end = message.indexOf('}', i);
      if (end > i) {
        if (text) parts.push(JSON.stringify(text));
        text = '';
        const expr = message.slice(i + 1, end);
        parts.push(`__fmt((() => (${expr}))())`);
        i = end + 1;
        continue;
      }
    }
    text += c;
    i++;
  }
  if (text || parts.length === 0) parts.push(JSON.stringify(text));
  const fmt =
    "(v) => { if (typeof v === 'string') return v; if (typeof v === 'bigint') return `${v}n`; " +
    "if (typeof v === 'object' && v !== null) { try { return JSON.stringify(v, (k, x) => typeof x === 'bigint' ? `${x}n` : x); } catch { return String(v); } } return String(v); }";
  return `((__fmt) => { try { return [${parts.join(', ')}].join(''); } catch (e) { return 'Logpoint error: ' + (e && e.message); } })(${fmt})`;
}
