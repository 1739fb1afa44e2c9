// Unit tests of hit conditions, logpoint message expressions and globs.
// Runs in the test process (node:test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logMessageExpression, parseHitCondition } from './breakpoints';
import { globToRegExp } from './glob';
import { SkipFiles } from './skipFiles';

describe('parseHitCondition', () => {
  it('understands the usual forms', () => {
    assert.deepEqual([1, 2, 3, 4].map(parseHitCondition('3')!), [false, false, true, true]);
    assert.deepEqual([1, 2, 3, 4].map(parseHitCondition('==3')!), [false, false, true, false]);
    assert.deepEqual([1, 2, 3, 4].map(parseHitCondition('>2')!), [false, false, true, true]);
    assert.deepEqual([1, 2, 3, 4].map(parseHitCondition('<3')!), [true, true, false, false]);
    assert.deepEqual([1, 2, 3, 4].map(parseHitCondition('%2')!), [false, true, false, true]);
  });
  it('rejects nonsense', () => {
    assert.equal(parseHitCondition('often'), undefined);
    assert.equal(parseHitCondition('%0'), undefined);
  });
});

describe('logMessageExpression', () => {
  it('interpolates expressions and renders objects and bigints', () => {
    const i = 2;
    const o = { a: 1n };
    const text = eval(logMessageExpression('i={i} o={o} {missing}'));
    assert.equal(text, 'Logpoint error: missing is not defined');
    assert.equal(eval(logMessageExpression('i={i} o={o}')), 'i=2 o={"a":"1n"}');
    void i;
    void o;
  });
  it('keeps plain text', () => {
    assert.equal(eval(logMessageExpression('just text')), 'just text');
  });
});

describe('globs and skipFiles', () => {
  it('matches ** and *', () => {
    assert.ok(globToRegExp('/a/**/*.js').test('/a/b/c/d.js'));
    assert.ok(globToRegExp('/a/**/*.js').test('/a/d.js'));
    assert.ok(!globToRegExp('/a/**/*.js').test('/a/d.ts'));
    assert.ok(globToRegExp('/a/*.{js,mjs}').test('/a/x.mjs'));
  });
  it('skips node internals and node_modules', () => {
    const skip = new SkipFiles(['<node_internals>/**', '**/node_modules/**']);
    assert.ok(skip.matches('node:internal/modules/cjs/loader'));
    assert.ok(skip.matches('file:///x/node_modules/tsx/dist/loader.mjs'));
    assert.ok(!skip.matches('file:///x/src/main.ts'));
    assert.ok(new RegExp(skip.blackboxPatterns()[0]).test('file:///x/node_modules/y.js'));
  });
});
