// Loads the source map of each parsed script (file next to it, or inline data: URL) and maps positions both ways.
// Runs in the debug adapter process. All lines and columns here are 0-based.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  SourceMapConsumer,
  type BasicSourceMapConsumer,
  type IndexedSourceMapConsumer,
  type RawSourceMap,
} from 'source-map';
import { log } from '../logger';
import { findFiles } from './glob';

export interface SourcePosition {
  /** Absolute path of the original (TypeScript) source. */
  path: string;
  line0: number;
  column0: number;
}

export interface GeneratedPosition {
  line0: number;
  column0: number;
}

/** One loaded map: a generated script and the original sources it was compiled from. */
export class LoadedSourceMap {
  /** Absolute original path → the source string as written in the map. */
  private readonly sourceKeys = new Map<string, string>();

  constructor(
    readonly generatedPath: string,
    private readonly consumer: BasicSourceMapConsumer | IndexedSourceMapConsumer,
    mapLocation: string,
  ) {
    for (const s of consumer.sources) this.sourceKeys.set(resolveSourcePath(s, mapLocation), s);
  }

  get sources(): string[] {
    return [...this.sourceKeys.keys()];
  }

  hasSource(sourcePath: string): boolean {
    return this.sourceKeys.has(path.resolve(sourcePath));
  }

  /**
   * Generated position of the first code on `line0` of `sourcePath`, or of the first later line that has code
   * (a breakpoint on a blank line moves down, as in every JS debugger). Undefined when no later line has code.
   */
  generatedFor(sourcePath: string, line0: number, column0?: number): GeneratedPosition | undefined {
    const key = this.sourceKeys.get(path.resolve(sourcePath));
    if (key === undefined) return undefined;
    const lastLine0 = this.lastMappedLine0(key);
    for (let l0 = line0; l0 <= lastLine0; l0++) {
      // Without a column, source-map returns every mapping of the line; with one, only that column's (or the next).
      const exact =
        column0 !== undefined && l0 === line0
          ? this.consumer
              .allGeneratedPositionsFor({ source: key, line: l0 + 1, column: column0 })
              .filter((p) => p.line === null || p.line >= 0)
          : [];
      const candidates =
        exact.length > 0
          ? exact
          : this.consumer.allGeneratedPositionsFor({ source: key, line: l0 + 1 } as {
              source: string;
              line: number;
              column: number;
            });
      const valid = candidates.filter((p) => p.line !== null && p.column !== null) as {
        line: number;
        column: number;
      }[];
      if (valid.length === 0) continue;
      valid.sort((a, b) => a.line - b.line || a.column - b.column);
      return { line0: valid[0].line - 1, column0: valid[0].column };
    }
    return undefined;
  }

  /** Original position of a generated position, or undefined when that code has no mapping (generated helpers). */
  originalFor(line0: number, column0: number): SourcePosition | undefined {
    let p = this.consumer.originalPositionFor({
      line: line0 + 1,
      column: column0,
      bias: SourceMapConsumer.GREATEST_LOWER_BOUND,
    });
    if (p.source === null)
      p = this.consumer.originalPositionFor({
        line: line0 + 1,
        column: column0,
        bias: SourceMapConsumer.LEAST_UPPER_BOUND,
      });
    if (p.source === null || p.line === null) return undefined;
    const resolved = [...this.sourceKeys].find(([, k]) => k === p.source)?.[0];
    if (!resolved) return undefined;
    return { path: resolved, line0: p.line - 1, column0: p.column ?? 0 };
  }

  private lastLineCache = new Map<string, number>();
  private lastMappedLine0(key: string): number {
    let last = this.lastLineCache.get(key);
    if (last === undefined) {
      last = -1;
      this.consumer.eachMapping((m) => {
        if (m.source === key && m.originalLine - 1 > last!) last = m.originalLine - 1;
      });
      this.lastLineCache.set(key, last);
    }
    return last;
  }

  dispose(): void {
    this.consumer.destroy();
  }
}

/** The scripts a debuggee parsed (URLs and maps, keyed by CDP scriptId), plus maps predicted from `outFiles`. */
export class SourceMapStore {
  private readonly byScript = new Map<string, Promise<LoadedSourceMap | undefined>>();
  private readonly urls = new Map<string, string>();
  private predicted: { key: string; maps: LoadedSourceMap[] } | undefined;
  /** Every map loaded, by script URL and map URL: a re-run of the same program parses the same scripts again. */
  private readonly byUrl = new Map<string, Promise<LoadedSourceMap | undefined>>();

  /** Starts loading the map of a parsed script; later lookups for that scriptId await it. */
  loadForScript(
    scriptId: string,
    scriptUrl: string,
    sourceMapURL: string | undefined,
  ): Promise<LoadedSourceMap | undefined> {
    const existing = this.byScript.get(scriptId);
    if (existing) return existing;
    let loading: Promise<LoadedSourceMap | undefined> = Promise.resolve(undefined);
    if (sourceMapURL) {
      const key = `${scriptUrl}\n${sourceMapURL}`;
      loading = this.byUrl.get(key) ?? loadSourceMap(scriptUrl, sourceMapURL);
      this.byUrl.set(key, loading);
    }
    this.byScript.set(scriptId, loading);
    return loading;
  }

  /** A new debuggee of the same program (time travel): its script ids are new, its files and maps are not. */
  forgetScripts(): void {
    this.byScript.clear();
    this.urls.clear();
  }

  /** A parsed script: its URL is kept; its map loads unless it has none or is not the user's (`withMap` false). */
  scriptParsed(
    scriptId: string,
    url: string,
    sourceMapURL: string | undefined,
    withMap: boolean,
  ): Promise<LoadedSourceMap | undefined> {
    this.urls.set(scriptId, url);
    return withMap ? this.loadForScript(scriptId, url, sourceMapURL) : Promise.resolve(undefined);
  }

  urlOf(scriptId: string): string | undefined {
    return this.urls.get(scriptId);
  }

  /**
   * The maps of the compiled files `outFiles` names, read before those files load so breakpoints bind first; `reuse`
   * (a time travel re-run of the same program) keeps what was read for these globs.
   */
  async outFilesMaps(globs: string[], reuse: boolean): Promise<LoadedSourceMap[]> {
    if (globs.length === 0) return [];
    const key = JSON.stringify(globs);
    if (this.predicted?.key === key && reuse) return this.predicted.maps;
    for (const m of this.predicted?.maps ?? []) m.dispose();
    const files = (await findFiles(globs)).filter((f) => /\.[cm]?js$/.test(f));
    const maps: LoadedSourceMap[] = [];
    for (const file of files) {
      const mapUrl = await readSourceMappingUrl(file).catch(() => undefined);
      const map = mapUrl ? await loadSourceMap(file, mapUrl) : undefined;
      if (map) maps.push(map);
    }
    this.predicted = { key, maps };
    log('sourcemap', `outFiles: ${files.length} files scanned`);
    return maps;
  }

  forScript(scriptId: string): Promise<LoadedSourceMap | undefined> {
    return this.byScript.get(scriptId) ?? Promise.resolve(undefined);
  }

  /** Resolves once every map started so far has loaded (or failed). */
  async settled(): Promise<void> {
    await Promise.all(this.byScript.values());
  }

  async dispose(): Promise<void> {
    const maps = await Promise.all([...this.byScript.values(), ...this.byUrl.values()]);
    maps.push(...(this.predicted?.maps ?? []));
    this.predicted = undefined;
    this.byScript.clear();
    this.byUrl.clear();
    this.urls.clear();
    for (const m of new Set(maps)) m?.dispose();
  }
}

/** Loads and parses a source map referenced by a script; logs and returns undefined when it cannot be read. */
export async function loadSourceMap(scriptUrl: string, sourceMapURL: string): Promise<LoadedSourceMap | undefined> {
  const generatedPath = urlToPath(scriptUrl);
  try {
    let raw: string;
    let mapLocation: string;
    if (sourceMapURL.startsWith('data:')) {
      raw = decodeDataUrl(sourceMapURL);
      mapLocation = generatedPath;
    } else {
      mapLocation = sourceMapURL.startsWith('file:')
        ? fileURLToPath(sourceMapURL)
        : path.resolve(path.dirname(generatedPath), sourceMapURL);
      raw = await readFile(mapLocation, 'utf8');
    }
    const parsed = JSON.parse(raw) as RawSourceMap;
    const consumer = await new SourceMapConsumer(parsed);
    const loaded = new LoadedSourceMap(generatedPath, consumer, mapLocation);
    log('sourcemap', `${generatedPath}: ${loaded.sources.length} sources`);
    return loaded;
  } catch (e) {
    log('sourcemap', `cannot load the source map of ${generatedPath}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** The `//# sourceMappingURL=` of a generated file on disk (for outFiles prediction), or undefined. */
export async function readSourceMappingUrl(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8');
  const m = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(text.slice(-4096).trimEnd());
  return m?.[1];
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  const meta = url.slice(0, comma);
  const data = url.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}

/** Script URLs are file URLs (ESM, and CJS in Node 20) or plain paths (older CJS). */
export function urlToPath(url: string): string {
  if (url.startsWith('file:')) return fileURLToPath(url);
  return url;
}

/** A regex matching the script URL of an absolute path in either form V8 may report. */
export function urlRegexForPath(filePath: string): string {
  const forms = [filePath, pathToFileURL(filePath).href];
  return `^(?:${forms.map(escapeRegex).join('|')})$`;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function resolveSourcePath(source: string, mapLocation: string): string {
  if (source.startsWith('file:')) return fileURLToPath(source);
  if (path.isAbsolute(source)) return path.normalize(source);
  return path.resolve(path.dirname(mapLocation), source);
}
