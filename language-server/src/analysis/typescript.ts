// The one import of the TypeScript compiler API for the language server: a real parser, never regular expressions.
// Runs in the language server process (bundled into dist/language-server.js by esbuild).
//
// Pinned to typescript@5.9.3 on purpose: the `latest` tag is 7.x, the native Go port, which has no stable JS
// compiler API yet; 5.9 is the last line whose `ts.createSourceFile` / AST / `ts.forEachChild` API we can rely on.
import ts from 'typescript';

export { ts };
