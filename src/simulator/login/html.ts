/**
 * The HTML frame of every login page. Everything that came from a request or from state goes through
 * {@link escapeHtml}; the pages have no script, so a browser without JavaScript can log in.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Options of {@link renderDocument}. */
export interface DocumentOptions {
  /** Page title, plain text. */
  title: string;
  /** The `id` of the `<html>` element (the legacy pages carry `LoginPage`). @default none */
  htmlId?: string;
  /** The page's language. @default 'nl' (Exact's Dutch pages) */
  lang?: string;
  /** Already-escaped body markup. */
  body: string;
}

/** A complete, minimal, styled HTML document. */
export function renderDocument({ title, htmlId, lang = 'nl', body }: DocumentOptions): string {
  const idAttr = htmlId === undefined ? '' : ` id="${escapeHtml(htmlId)}"`;
  return `<!DOCTYPE html>
<html${idAttr} lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: sans-serif; max-width: 28rem; margin: 3rem auto; color: #222; }
label { display: block; margin-top: 1rem; }
input[type=text], input[type=password], input[type=email] { width: 100%; padding: .4rem; box-sizing: border-box; }
button, input[type=submit] { margin-top: 1rem; padding: .4rem 1.2rem; }
.errors, .error.pageLevel { color: #b00020; margin-top: 1rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page shown when a request cannot go on; it says what is wrong and never redirects anywhere. */
export function renderErrorPage(heading: string, detail: string): string {
  return renderDocument({
    title: heading,
    body: `<h1>${escapeHtml(heading)}</h1>\n<p id="ErrorDetail">${escapeHtml(detail)}</p>`,
  });
}
