import { defineConfig } from 'wxt';

/** One config, two targets: `wxt build` (Chrome, MV3) and `wxt build -b firefox`. */
export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  // BACKSTORY_OUT lets parallel work build into separate folders (the launchers read it too).
  outDir: process.env.BACKSTORY_OUT ?? '.output',
  // Explicit imports keep the one-way dependency direction visible and lintable (STYLE.md).
  imports: false,
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { chunkSizeWarningLimit: 1024 },
  }),
  hooks: {
    // A content script's stylesheet goes into an entry of its own that runs at document_start.
    // Firefox injects a content script's CSS at the script's run_at: at document_idle that is a new
    // stylesheet on a laid-out page, and the next style query restyles the whole page (measured on
    // the saved Wikipedia page: 80-140 ms in the content script's first task, none with the sheet
    // injected before the page is built). Chromium injects it before the DOM either way.
    'build:manifestGenerated': (_wxt, manifest) => {
      const scripts = manifest.content_scripts ?? [];
      manifest.content_scripts = scripts.flatMap(({ css, ...script }) =>
        css?.length && script.run_at !== 'document_start' ? [{ matches: script.matches, css, run_at: 'document_start' }, script] : [{ css, ...script }],
      );
    },
  },
  manifest: ({ browser }) => ({
    name: 'Backstory',
    description:
      'Marks the people, armed groups and events your news corpus knows on any page, and quotes what the corpus says about them.',
    // The content script needs no host permission of its own; 'storage' keeps settings; 'alarms'
    // schedules sync checks.
    permissions: ['storage', 'alarms'],
    // Sync fetches from a source the reader adds in options: its origin is asked for at that moment
    // (permissions.request from the click that adds it), never at install. Without it the source must
    // send CORS headers. MV3 names these optional_host_permissions; Firefox's MV2 build takes origins
    // in optional_permissions.
    ...(browser === 'firefox'
      ? { optional_permissions: ['http://*/*', 'https://*/*'] }
      : { optional_host_permissions: ['http://*/*', 'https://*/*'] }),
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 96: 'icon/96.png', 128: 'icon/128.png' },
    action: { default_title: 'Backstory' },
    // Keyboard access to the hover card; needs no permission (changeable in the browser's shortcuts page).
    commands: {
      'open-card': {
        suggested_key: { default: 'Alt+Shift+B' },
        description: 'Open the Backstory card for the name at or after the selection',
      },
    },
    // Chromium 148+ sends messages by structured clone instead of JSON when asked (Firefox always
    // does; older Chromium ignores the key, so every message stays JSON-safe). A page's text crossing
    // to the matcher (2.5 MB on the bench's 50,000-node page) is then copied, not stringified and parsed.
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'backstory@backstory.invalid', strict_min_version: '128.0' } } }
      : { message_serialization: 'structured_clone' }),
  }),
});
