/**
 * The few pages the engine itself draws around sign-in (a refusal, a revoked display
 * link, a provider that does not answer): plain HTML with the wallboard's stylesheet and
 * no script at all, so they fit the same Content-Security-Policy. Every text is escaped.
 */

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageAction {
  href: string;
  label: string;
  id: string;
}

export interface NoticePage {
  title: string;
  /** Paragraphs, plain text. */
  lines: string[];
  /** Shown as a list under the lines (a user's groups). */
  list?: { caption: string; items: string[] };
  actions: PageAction[];
}

export function noticeHtml(p: NoticePage): string {
  const list = p.list && p.list.items.length > 0
    ? `<p>${escape(p.list.caption)}</p><ul id="signin-groups">${p.list.items.map((i) => `<li><code>${escape(i)}</code></li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(p.title)} · cc-supervisor</title>
  <link rel="stylesheet" href="/styles.css">
</head>
<body>
  <main class="signin notice" id="notice">
    <h1>${escape(p.title)}</h1>
    ${p.lines.map((l) => `<p>${escape(l)}</p>`).join('\n    ')}
    ${list}
    <p class="actions">${p.actions.map((a) => `<a class="button" id="${escape(a.id)}" href="${escape(a.href)}">${escape(a.label)}</a>`).join(' ')}</p>
  </main>
</body>
</html>
`;
}
