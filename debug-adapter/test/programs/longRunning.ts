// Test program: keeps running until killed, ticking once in a while.
// Runs in the debuggee (user's program).
let ticks = 0;
function tick(): void {
  ticks++;
}
setInterval(tick, 50);
console.log(`running (${ticks} ticks)`);
