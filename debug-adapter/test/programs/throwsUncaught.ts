// Test program: throws an exception nobody catches (from a timer, so no module loader promise catches it).
// Runs in the debuggee (user's program).
function fail(reason: string): never {
  throw new Error(`boom: ${reason}`);
}

console.log('before');
setTimeout(() => fail('uncaught in test'), 10);
