// @vitest-environment happy-dom
import { it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildScenes, type Scene } from '../../test/support/gallery-scenes';

/**
 * `npm run gallery`: pictures of every view and dialog, rendered by the real plugin classes in
 * the built main.js, then photographed by headless Chromium with Obsidian-like CSS variables in
 * the light and the dark theme, into docs/gallery/<scene>-<theme>.png. `GALLERY_SCENES=inbox,map`
 * renders only those scenes (a change to one view need not re-encode every picture).
 */

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'docs/gallery');
const THEMES = ['light', 'dark'] as const;

function page(scene: Scene, theme: (typeof THEMES)[number]): string {
  const base = readFileSync(path.join(__dirname, 'obsidian-like.css'), 'utf8');
  const plugin = readFileSync(path.join(ROOT, 'styles.css'), 'utf8');
  const body = scene.kind === 'modal' ? `<div class="gallery-modal-page">${scene.html}</div>` : scene.html;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${scene.title}</title><style>${base}</style><style>${plugin}</style></head><body class="theme-${theme}">${body}</body></html>`;
}

function chromium(): string {
  for (const c of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [c], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('No Chromium found: install Debian\'s "chromium" package');
}

it('renders the gallery', { timeout: 600_000 }, async () => {
  const browser = chromium();
  const only = process.env.GALLERY_SCENES?.split(',').map((s) => s.trim()).filter(Boolean);
  const scenes = (await buildScenes()).filter((s) => !only || only.includes(s.name));
  if (only && scenes.length !== only.length) throw new Error(`GALLERY_SCENES names a scene that does not exist: ${only.join(', ')}`);
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'groundwork-gallery-'));
  try {
    for (const scene of scenes) {
      for (const theme of THEMES) {
        const html = path.join(tmp, `${scene.name}-${theme}.html`);
        writeFileSync(html, page(scene, theme));
        const png = path.join(OUT, `${scene.name}-${theme}.png`);
        execFileSync(
          browser,
          ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1', `--user-data-dir=${path.join(tmp, 'profile')}`, `--window-size=${scene.width},${scene.height}`, `--screenshot=${png}`, pathToFileURL(html).href],
          { stdio: 'pipe', timeout: 60_000 },
        );
        console.log(`${path.relative(ROOT, png)}  ${scene.title}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
