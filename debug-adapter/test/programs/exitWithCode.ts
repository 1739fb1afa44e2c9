// Test program: prints a line, then ends with process.exit(3).
// Runs in the debuggee (user's program).
console.log('about to exit');
process.exit(3);
