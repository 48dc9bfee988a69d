/** Index URLs at the contract's edge (issue 16 item 5): what is refused, with which message, and redaction. */
import { describe, expect, it } from 'vitest';
import { BringUpOptions } from './bringup';
import {
  indexUrlProblem,
  isPlainHttpIndex,
  redactCredentialsInText,
  redactIndexUrl,
} from './package-source';

const sourceIssue = (url: string) => {
  const r = BringUpOptions.safeParse({ source: { kind: 'index', url } });
  return r.success
    ? null
    : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('package index URLs at the edge', () => {
  it.each([
    ['ftp://mirror.example/simple', 'must start with https://'],
    ['file:///etc/passwd', 'must start with https://'],
    ['javascript:alert(1)', 'must start with https://'],
    ['https://mirror example/simple', 'spaces'],
    ['https://mirror.example/sim\nple', 'line breaks'],
    ['https://mirror.example/\tsimple', 'spaces, tabs'],
    ['https://mirror.example/simple --trusted-host evil', 'spaces'],
    ['https:///simple', 'must name a host'],
    ['https://mirror.example:99999/simple', 'port from 1 to 65535'],
    ['https://mirror.example/%zz', '"%"'],
    ['https://mirröre.example/simple', 'URL characters'],
    ['https://$(touch%20x)/simple', 'host name'],
    ['https://u:p@/simple', 'must name a host'],
    ['https://[fd00::1/simple', 'closing'],
  ])('refuses %j naming the field', (url, message) => {
    expect(sourceIssue(url)).toMatch(
      new RegExp(`^source\\.url: .*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  it.each([
    'https://pypi.example/simple',
    'http://10.0.0.5:8080/simple/',
    'https://user:p%40ss@mirror.example/simple',
    'http://[fd00::1]:3141/root/pypi/+simple/',
    'https://[::1]/simple',
  ])('accepts %j (IPv6 hosts included)', (url) => {
    expect(sourceIssue(url)).toBeNull();
    expect(indexUrlProblem(url)).toBeNull();
  });

  it('redacts passwords wherever a URL is shown', () => {
    expect(redactIndexUrl('https://alice:s3cret@mirror.example/simple')).toBe(
      'https://alice:****@mirror.example/simple',
    );
    expect(redactIndexUrl('https://tokenonly@mirror.example/simple')).toBe(
      'https://****@mirror.example/simple',
    );
    expect(redactIndexUrl('http://[fd00::1]:3141/simple')).toBe('http://[fd00::1]:3141/simple');
    expect(
      redactCredentialsInText(
        'ERROR: cannot reach https://alice:s3cret@mirror.example/simple/ray/ (timeout)',
      ),
    ).toBe('ERROR: cannot reach https://alice:****@mirror.example/simple/ray/ (timeout)');
    expect(isPlainHttpIndex('HTTP://x.example/')).toBe(true);
    expect(isPlainHttpIndex('https://x.example/')).toBe(false);
  });
});
