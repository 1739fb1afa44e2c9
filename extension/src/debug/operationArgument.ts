// Which recorded operation a "Run to Recorded Operation" invocation names. Runs in the extension host; pure (no 'vscode').

/** The function_id a step row of the Workflows view ({ op }) or a number names; undefined when it names none. */
export function functionIdFromArgument(arg: unknown): number | undefined {
  if (typeof arg === 'number' && Number.isInteger(arg) && arg >= 0) return arg;
  if (arg && typeof arg === 'object') {
    const op = (arg as { op?: { function_id?: unknown } }).op;
    const id = Number(op?.function_id);
    if (Number.isInteger(id) && id >= 0) return id;
  }
  return undefined;
}
