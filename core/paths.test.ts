import { describe, expect, it } from 'vitest';
import { resolveRaydeckHome } from './paths';

describe('resolveRaydeckHome', () => {
  it('prefers $RAYDECK_HOME, else the platform config folder', () => {
    expect(resolveRaydeckHome({ RAYDECK_HOME: '/srv/rd' }, 'linux', '/home/u')).toBe('/srv/rd');
    expect(resolveRaydeckHome({}, 'linux', '/home/u')).toBe('/home/u/.config/raydeck');
    expect(resolveRaydeckHome({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/raydeck');
    expect(resolveRaydeckHome({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/Raydeck',
    );
  });
});
