// Minimal glob support for outFiles and skipFiles: `**`, `*`, `?`, `{a,b}`, leading `!` for exclusion.
// Runs in the debug adapter process.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Converts a glob over absolute paths (forward slashes) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches anything.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files matching the include globs and none of the `!` globs; walks from each glob's static prefix, skipping node_modules unless named. */
export async function findFiles(globs: string[], limit = 20000): Promise<string[]> {
  const includes = globs.filter((g) => !g.startsWith('!')).map((g) => g.replace(/\\/g, '/'));
  const excludes = globs.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1).replace(/\\/g, '/')));
  const found = new Set<string>();
  for (const glob of includes) {
    const re = globToRegExp(glob);
    const staticPart = glob.split('/').findIndex((seg) => /[*?{]/.test(seg));
    const root = staticPart < 0 ? glob : glob.split('/').slice(0, staticPart).join('/') || '/';
    const walkNodeModules = glob.includes('node_modules');
    const stack = [root];
    while (stack.length > 0 && found.size < limit) {
      const dir = stack.pop()!;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if ((e.name === 'node_modules' && !walkNodeModules) || e.name === '.git') continue;
          stack.push(p);
        } else if (re.test(p.replace(/\\/g, '/')) && !excludes.some((x) => x.test(p.replace(/\\/g, '/')))) {
          found.add(p);
        }
      }
    }
  }
  return [...found];
}
