import { Readability } from '@mozilla/readability';

/**
 * A web page reduced to the text a person would read: Readability picks the article out of the
 * navigation and ads; the page's body is the fallback when it finds none. The DOMParser is
 * passed in because it differs per platform (Obsidian's `window.DOMParser`, linkedom's in the CLI
 * and tests). A DOMParser document is inert: its scripts never run and its images never load.
 */

export interface HtmlPage {
  title: string;
  text: string;
}

/** May answer later: the CLI loads its HTML parser only when a page is first converted. */
export type HtmlToText = (html: string, url: string) => HtmlPage | Promise<HtmlPage>;

/** The one thing needed from a DOMParser class. */
export type DomParserConstructor = new () => { parseFromString(markup: string, type: 'text/html'): Document };

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'head', 'button', 'select', 'input', 'textarea', 'form']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary',
  'table', 'tbody', 'thead', 'tfoot', 'tr', 'ul', 'caption',
]);
const ELEMENT = 1;
const TEXT = 3;

/**
 * Text of a DOM subtree with paragraph breaks kept: blocks are separated by a blank line,
 * headings keep their markdown level and list items a dash, so the distiller sees structure.
 */
export function domText(root: Node): string {
  const blocks: string[] = [];
  let line = '';
  const flush = (): void => {
    const t = line.replace(/[ \t\f\v\r\n\u00a0]+/g, ' ').trim();
    if (t !== '') blocks.push(t);
    line = '';
  };
  const visit = (node: Node, pre: boolean): void => {
    if (node.nodeType === TEXT) {
      line += pre ? (node.nodeValue ?? '') : (node.nodeValue ?? '').replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== ELEMENT) return;
    const el = node as Element;
    const tag = (el.localName ?? el.tagName ?? '').toLowerCase();
    if (SKIP.has(tag)) return;
    if (typeof el.hasAttribute === 'function' && (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true')) return;
    if (tag === 'br') {
      line += pre ? '\n' : ' ';
      return;
    }
    if (tag === 'pre') {
      flush();
      const saved = line;
      line = '';
      for (const c of Array.from(node.childNodes)) visit(c, true);
      const code = line.replace(/\s+$/, '');
      line = saved;
      if (code.trim() !== '') blocks.push(code);
      return;
    }
    const block = BLOCK.has(tag) || tag === 'td' || tag === 'th';
    if (block && tag !== 'td' && tag !== 'th') flush();
    if (/^h[1-6]$/.test(tag)) line += `${'#'.repeat(Number(tag[1]))} `;
    else if (tag === 'li') line += '- ';
    for (const c of Array.from(node.childNodes)) visit(c, pre);
    if (tag === 'td' || tag === 'th') line += ' | ';
    else if (block) flush();
  };
  visit(root, false);
  flush();
  const kept = blocks.map((b) => b.replace(/\s*\|\s*$/, '')).filter((b) => !/^(#+|-)$/.test(b));
  // Items of one list stay on consecutive lines, as markdown writes them.
  return kept.map((b, i) => (i === 0 ? b : (b.startsWith('- ') && kept[i - 1]!.startsWith('- ') ? '\n' : '\n\n') + b)).join('');
}

/** Collapses runs of blank lines and trailing spaces that survive from odd markup. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function makeHtmlToText(DOMParserCtor: DomParserConstructor): (html: string, url: string) => HtmlPage {
  const parse = (html: string): Document => {
    const doc = new DOMParserCtor().parseFromString(html, 'text/html');
    // A fragment without <html> (some servers send just the markup of a post) leaves linkedom
    // without <html> and <body>; browsers add them, so the fragment is wrapped the way they would.
    if (doc.documentElement?.localName?.toLowerCase() === 'html' && doc.body) return doc;
    return new DOMParserCtor().parseFromString(`<!doctype html><html><head></head><body>${html}</body></html>`, 'text/html');
  };
  return (html, url) => {
    const doc = parse(html);
    const pageTitle = (doc.title ?? '').replace(/\s+/g, ' ').trim();
    let title = pageTitle;
    let text = '';
    try {
      // Readability changes the document it reads; the fallback below parses afresh.
      const article = new Readability<Node>(doc, { serializer: (n) => n }).parse();
      if (article?.content) text = tidy(domText(article.content));
      if (article?.title) title = article.title.replace(/\s+/g, ' ').trim();
    } catch {
      // Some markup trips Readability; the body text below is still worth having.
    }
    if (text === '') {
      const fresh = parse(html);
      const root = fresh.body ?? fresh.documentElement;
      text = root ? tidy(domText(root)) : '';
    }
    return { title: title || url, text };
  };
}
