import { describe, expect, it } from 'vitest';
import { checkFetchableUrl, extractUrls } from '../../src/sources/urls';

describe('extractUrls', () => {
  it('finds bare URLs, autolinks and markdown links, once each, punctuation trimmed', () => {
    const md = [
      'See https://example.org/a. And (https://example.org/b), also <https://example.org/c>!',
      '[paper](https://arxiv.org/abs/2106.09685 "LoRA") and [again](https://example.org/a)',
      'Wiki: https://en.wikipedia.org/wiki/Rank_(linear_algebra); done',
      '[https://example.org/d](https://example.org/d)',
      'HTTP://EXAMPLE.ORG/Upper and https://example.org/a#section',
    ].join('\n');
    expect(extractUrls(md)).toEqual([
      'https://example.org/a',
      'https://example.org/b',
      'https://example.org/c',
      'https://arxiv.org/abs/2106.09685',
      'https://en.wikipedia.org/wiki/Rank_(linear_algebra)',
      'https://example.org/d',
      'http://example.org/Upper',
    ]);
  });

  it('never returns other schemes, code or images', () => {
    const md = [
      '[x](javascript:alert(1)) [y](file:///etc/passwd) [z](data:text/html,hi) [o](obsidian://open?vault=v)',
      '`https://example.org/inline-code`',
      '```',
      'curl https://example.org/fenced',
      '```',
      '![diagram](https://example.org/img.png)',
      'ftp://example.org/file',
    ].join('\n');
    expect(extractUrls(md)).toEqual([]);
  });
});

describe('checkFetchableUrl', () => {
  it('allows http(s) and refuses the rest with a plain reason', () => {
    expect(checkFetchableUrl('https://example.org/')).toBeNull();
    expect(checkFetchableUrl('http://127.0.0.1:8080/x')).toBeNull();
    expect(checkFetchableUrl('javascript:alert(1)')).toBe('only http(s) URLs are fetched');
    expect(checkFetchableUrl('file:///etc/passwd')).toBe('only http(s) URLs are fetched');
    expect(checkFetchableUrl('data:text/plain,hi')).toBe('only http(s) URLs are fetched');
    expect(checkFetchableUrl('https://user:secret@example.org/')).toMatch(/user name or password/);
    expect(checkFetchableUrl('not a url')).toBe('not a valid URL');
  });
});
