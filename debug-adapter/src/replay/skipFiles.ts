// Which scripts are "not my code": Node internals and node_modules by default (skipFiles), as URL tests and V8 blackbox patterns.
// Runs in the debug adapter process.
import { globToRegExp } from './glob';
import { urlToPath } from './sourceMaps';

export class SkipFiles {
  private readonly pathRegexes: RegExp[];
  private readonly skipInternals: boolean;

  constructor(globs: string[]) {
    this.skipInternals = globs.some((g) => g.startsWith('<node_internals>'));
    this.pathRegexes = globs
      .filter((g) => !g.startsWith('<node_internals>'))
      .map((g) => globToRegExp(g.replace(/\\/g, '/')));
  }

  /** Whether a script URL (or a mapped source path) is skipped. */
  matches(urlOrPath: string): boolean {
    if (urlOrPath.startsWith('node:') || (!urlOrPath.includes('/') && !urlOrPath.includes('\\') && urlOrPath !== ''))
      return this.skipInternals;
    const p = urlToPath(urlOrPath).replace(/\\/g, '/');
    return this.pathRegexes.some((r) => r.test(p));
  }

  /** Patterns for Debugger.setBlackboxPatterns, so V8 steps through skipped code instead of into it. */
  blackboxPatterns(): string[] {
    const patterns = this.pathRegexes.map((r) => `^(?:file://)?${r.source.slice(1)}`);
    if (this.skipInternals) patterns.push('^node:');
    return patterns;
  }
}
