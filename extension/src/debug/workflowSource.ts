// Whether a workspace's sources mention a recorded workflow's function (and class), before replaying it.
// Runs in the extension host; pure (no 'vscode'), unit-tested.

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when the text names the function (as an identifier or a registered name) and its class, if it has one. */
export function mentionsWorkflow(text: string, name: string, className: string | null): boolean {
  const has = (word: string) => new RegExp(`(^|[^\\w$])${escapeRe(word)}($|[^\\w$])`).test(text);
  return has(name) && (!className || has(className));
}
