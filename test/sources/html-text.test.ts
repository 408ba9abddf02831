import { describe, expect, it } from 'vitest';
import { htmlToText } from './helpers';

const para = (s: string) => `<p>${s} ${'Low-rank adapters train a small update to frozen weights, which saves memory. '.repeat(6)}</p>`;

describe('makeHtmlToText (linkedom)', () => {
  it('keeps the article, drops navigation, scripts and styles, keeps paragraph breaks', () => {
    const html = `<!doctype html><html><head><title>LoRA explained | Blog</title>
      <style>.secret-style { color: red }</style><script>window.secretScript = 1</script></head>
      <body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
      <article><h1>LoRA explained</h1>${para('First.')}${para('Second.')}
      <p>Inline <b>bold</b> and <script>alert("inline-secret")</script>text.</p>
      <ul><li>rank</li><li>alpha</li></ul></article>
      <footer>Copyright footer</footer></body></html>`;
    const { title, text } = htmlToText(html, 'https://blog.example/lora');
    expect(title).toContain('LoRA explained');
    expect(text).toContain('First. Low-rank adapters');
    expect(text).toMatch(/First\.[^\n]*\n\nSecond\./);
    expect(text).toContain('Inline bold and text.');
    expect(text).toContain('- rank\n- alpha');
    for (const bad of ['secret-style', 'secretScript', 'inline-secret', 'color: red']) expect(text).not.toContain(bad);
    expect(text).not.toMatch(/ {2,}/);
    expect(text).not.toMatch(/\n{3,}/);
  });

  it('falls back to the body text when there is no article, still without scripts or styles', () => {
    const { title, text } = htmlToText(
      '<html><body><div>Short   note\n\n about   ranks</div><script>evil()</script><style>p{}</style><p>Second block</p></body></html>',
      'https://x.example/',
    );
    expect(text).toBe('Short note about ranks\n\nSecond block');
    expect(title).toBe('https://x.example/');
  });

  it('copes with an empty or broken document', () => {
    expect(htmlToText('', 'https://e.example/').text).toBe('');
    expect(htmlToText('<p>unclosed <b>tags', 'https://e.example/').text).toBe('unclosed tags');
  });
});
