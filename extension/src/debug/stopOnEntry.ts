// Whether a replay without "stopOnEntry" in its configuration pauses on entry, from the dbosReplay.stopOnEntry setting.
// Runs in the extension host; pure (no 'vscode'), unit-tested.

/** The dbosReplay.stopOnEntry setting: pause on entry only when no breakpoint would stop the replay, always, or never. */
export type StopOnEntrySetting = 'whenNoBreakpoints' | 'always' | 'never';

export const DEFAULT_STOP_ON_ENTRY: StopOnEntrySetting = 'whenNoBreakpoints';

/**
 * A replay runs to the user's breakpoints; with none, it pauses on entry so there is something to step through.
 * `true` / `false` are what the setting held before it became a choice of three (always / never).
 */
export function stopOnEntryFor(setting: unknown, enabledBreakpoints: number): boolean {
  const mode: StopOnEntrySetting =
    setting === true
      ? 'always'
      : setting === false
        ? 'never'
        : setting === 'always' || setting === 'never' || setting === 'whenNoBreakpoints'
          ? setting
          : DEFAULT_STOP_ON_ENTRY;
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return enabledBreakpoints === 0;
}
