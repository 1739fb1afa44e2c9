// Unit tests of source-map lookups: TypeScript line → generated position and back, blank lines, inline data: maps.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { loadSourceMap } from './sourceMaps';

const src = path.join(__dirname, '..', '..', 'test', 'programs', 'sample.ts');

describe('source maps', () => {
  it('maps a TypeScript line to generated code and back, through an inline map', async () => {
    const r = ts.transpileModule(readFileSync(src, 'utf8'), {
      fileName: src,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        inlineSourceMap: true,
        inlineSources: true,
      },
    });
    const dataUrl = /\/\/# sourceMappingURL=(\S+)/.exec(r.outputText)![1];
    const generated = src.replace(/\.ts$/, '.js');
    const map = await loadSourceMap(pathToFileURL(generated).href, dataUrl);
    assert.ok(map);
    assert.deepEqual(map.sources, [src]);
    const pos = map.generatedFor(src, 21)!; // line1 22: console.log('order', …)
    assert.ok(pos);
    assert.equal(r.outputText.split('\n')[pos.line0].trim().startsWith('console.log'), true);
    const back = map.originalFor(pos.line0, pos.column0)!;
    assert.equal(back.path, src);
    assert.equal(back.line0, 21);
    // A blank line moves down to the next line with code; past the end there is none.
    assert.equal(map.originalFor(map.generatedFor(src, 28)!.line0, map.generatedFor(src, 28)!.column0)!.line0, 29);
    assert.equal(map.generatedFor(src, 200), undefined);
    map.dispose();
  });

  it('returns undefined for an unreadable map', async () => {
    assert.equal(await loadSourceMap('file:///nowhere/x.js', 'x.js.map'), undefined);
  });
});
