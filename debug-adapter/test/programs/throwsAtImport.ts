// Test program: a module it imports throws while loading, so the program fails before doing anything.
// Runs in the debuggee (user's program).
import { settings } from './failsToLoad';

console.log(`loaded ${settings.name}`);
