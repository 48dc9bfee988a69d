/** `raydeck cluster up --index http://…` warns that the index is plain http (issue 16 item 5), with credentials redacted. */
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness, type CliHarness } from '../cli-test-kit';

let h: CliHarness;
afterEach(() => h.cleanup());

describe('cluster up --index', () => {
  it('warns about a plain-http index, showing it without its password', async () => {
    h = cliHarness();
    const res = await h.run([
      'cluster',
      'up',
      'ghost',
      '--index',
      'http://bob:pw-123@10.0.0.9:8080/simple',
    ]);
    expect(res.err[0]).toBe(
      'raydeck: warning: http://bob:****@10.0.0.9:8080/simple is plain http: pip will trust it, and anyone on the network path can swap the packages (or read its credentials). Use https:// unless this network is yours.',
    );
    expect(res.err.join('\n')).not.toContain('pw-123');
  });

  it('says nothing about an https index', async () => {
    h = cliHarness();
    const res = await h.run(['cluster', 'up', 'ghost', '--index', 'https://mirror.example/simple']);
    expect(res.err).toEqual(['raydeck: No cluster named "ghost".']);
  });
});
