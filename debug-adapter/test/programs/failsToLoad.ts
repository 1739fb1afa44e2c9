// Test module: throws while it is being imported (a missing setting), like a misconfigured app.
// Runs in the debuggee (user's program).
function required(name: string): string {
  throw new Error(`settings: ${name} is not set (thrown at import)`);
}

export const settings = { name: required('SHOP_NAME') };
