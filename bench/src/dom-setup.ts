// A DOM for the in-repo obsidian module (it installs Obsidian's DOM helpers on import).
import { Window } from 'happy-dom';

const win = new Window({ url: 'http://localhost/' });
const g = globalThis as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(win)) {
  if (key in g) continue;
  try {
    g[key] = (win as unknown as Record<string, unknown>)[key];
  } catch {
    // a getter that needs a real window: not needed by the shim
  }
}
g.window = win;
g.document = win.document;
export const happyWindow = win;
