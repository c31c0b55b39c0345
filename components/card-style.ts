/**
 * The hover card's stylesheet, inside its shadow root: page CSS cannot reach the card and this CSS
 * cannot reach the page. Quiet on light and dark pages; no motion when the reader asks for none.
 */
export const CARD_CSS = `
:host { all: initial; }
.card {
  --bg: #ffffff; --fg: #1f2937; --muted: #6b7280; --rule: #e5e7eb; --link: #1d4ed8; --quote: #f8fafc;
  position: fixed; box-sizing: border-box; width: min(26rem, calc(100vw - 16px)); max-height: min(28rem, calc(100vh - 16px));
  overflow: auto; overscroll-behavior: contain; padding: 12px 14px; border: 1px solid var(--rule); border-radius: 10px;
  background: var(--bg); color: var(--fg); box-shadow: 0 8px 28px rgba(15, 23, 42, 0.18);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left; direction: ltr;
  animation: backstory-in 120ms ease-out;
}
@media (prefers-color-scheme: dark) {
  .card { --bg: #1f2937; --fg: #f3f4f6; --muted: #9ca3af; --rule: #374151; --link: #93c5fd; --quote: #111827; box-shadow: 0 8px 28px rgba(0, 0, 0, 0.5); }
}
@media (prefers-reduced-motion: reduce) { .card { animation: none; } }
@keyframes backstory-in { from { opacity: 0; transform: translateY(2px); } to { opacity: 1; transform: none; } }
header { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; margin: 0 0 4px; }
h2 { font: 600 16px/1.3 inherit; font-family: inherit; margin: 0; }
.type { font-size: 11px; letter-spacing: 0.04em; text-transform: uppercase; color: var(--muted); border: 1px solid var(--rule); border-radius: 999px; padding: 0 6px; }
.type-person { color: #2563eb; } .type-armed-group { color: #dc2626; } .type-party { color: #9333ea; }
.type-institution { color: #0d9488; } .type-event { color: #d97706; }
@media (prefers-color-scheme: dark) {
  .type-person { color: #93c5fd; } .type-armed-group { color: #fca5a5; } .type-party { color: #d8b4fe; }
  .type-institution { color: #5eead4; } .type-event { color: #fcd34d; }
}
.dates { color: var(--muted); font-size: 12px; }
.description { margin: 0 0 8px; }
ol { list-style: none; margin: 0; padding: 0; border-top: 1px solid var(--rule); }
li { padding: 8px 0; border-bottom: 1px solid var(--rule); }
li:last-child { border-bottom: 0; }
blockquote { margin: 0 0 4px; padding: 6px 8px; background: var(--quote); border-radius: 6px; font-size: 13px; }
.source { margin: 0; font-size: 12px; color: var(--muted); }
a { color: var(--link); text-decoration: none; } a:hover, a:focus-visible { text-decoration: underline; }
.status { margin: 6px 0 0; color: var(--muted); font-size: 13px; }
`;
