/**
 * Hostile text for every free-text field of the API and the CLI: shell metacharacters that would
 * create a marker file if anything ever handed them to a shell, option injection, path
 * traversal, control characters, markup, oversized and odd Unicode text. `marker(dir)` makes each
 * shell-ish string point at its own file under `dir`, so the suite can prove none ran.
 */
export function hostileStrings(markerDir: string): string[] {
  const m = (n: number) => `${markerDir}/m${n}`;
  return [
    `$(touch ${m(1)})`,
    `\`touch ${m(2)}\``,
    `; touch ${m(3)}`,
    `| touch ${m(4)}`,
    `&& touch ${m(5)}`,
    `\ntouch ${m(6)}\n`,
    `-oProxyCommand=touch ${m(7)}`,
    `x' ; touch ${m(8)}; echo '`,
    `x" ; touch ${m(9)}; echo "`,
    `$(IFS=_;cmd=touch_${m(10)};$cmd)`,
    `%0atouch ${m(11)}`,
    `\r\ntouch ${m(12)}`,
    `{{7*7}}\${7*7}<%= 7*7 %>`,
    '../../../../../../etc/passwd',
    '..\\..\\..\\windows\\system32',
    '/proc/self/environ',
    '/dev/zero',
    '~root/.ssh/id_rsa',
    '\u0000',
    'a\u0000b',
    '\u202egnp.exe',
    '\ud800',
    '💥'.repeat(40),
    '<img src=x onerror=alert(1)>',
    "'; DROP TABLE clusters; --",
    '--help',
    '-h',
    ' ',
    '',
    '\t',
    'x'.repeat(300),
    'y'.repeat(70_000),
    'http://evil.example/',
    'file:///etc/passwd',
    '//evil.example/',
    '\r\nSet-Cookie: raydeck=evil',
    '%',
    '%E0%A4%A',
    '[',
    'Include /etc/*',
    'host\nProxyCommand touch ' + m(13),
    '*',
    '?',
    '-',
  ];
}

/** Index URLs a user might paste or an attacker might craft: each must be refused at the edge. */
export function hostileIndexUrls(markerDir: string): string[] {
  return [
    'ftp://mirror.example/simple',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'https://mirror example/simple',
    'https://mirror.example/simple\n--trusted-host evil',
    'https://mirror.example/\tsimple',
    `https://mirror.example/$(touch ${markerDir}/u1)`,
    `https://$(touch%20${markerDir}/u2)/simple`,
    'https://mirror.example/simple --index-url http://evil',
    '-i http://evil/simple',
    'https:///simple',
    'https://:pw@mirror.example/',
    'https://mirror.example:0/simple',
    'https://mirror.example:99999/simple',
    'https://[fd00::1/simple',
    'https://[nothex]/simple',
    'https://mirror.example/%zz',
    'https://mirröre.example/simple',
    'https://mirror.example/simple#frag',
    'https://a@b@mirror.example/simple',
    'http://' + 'a'.repeat(3000) + '.example/',
    '',
    ' ',
    'https://mirror.example/sim\u0000ple',
    'HTTPS://',
  ];
}
