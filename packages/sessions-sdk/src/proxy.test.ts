import { describe, expect, it } from 'vitest';
import { proxyFor, withoutCredentials, type ProxySettings } from './proxy.js';

const settings = (over: Partial<ProxySettings>): ProxySettings => ({
  httpProxy: undefined,
  httpsProxy: undefined,
  noProxy: undefined,
  ...over,
});

describe('proxyFor', () => {
  it('sends https URLs through HTTPS_PROXY, else HTTP_PROXY, and http URLs through HTTP_PROXY only', () => {
    const both = settings({ httpProxy: 'http://plain:3128', httpsProxy: 'http://secure:3128' });
    const secure = { url: 'http://secure:3128', setting: 'HTTPS_PROXY' };
    expect(proxyFor('https://api.example.com/v1', both)).toMatchObject(secure);
    expect(proxyFor('http://api.example.com/v1', both)).toMatchObject({
      url: 'http://plain:3128',
      setting: 'HTTP_PROXY',
    });
    const httpOnly = settings({ httpProxy: 'http://plain:3128' });
    expect(proxyFor('https://api.example.com/v1', httpOnly)).toMatchObject({ setting: 'HTTP_PROXY' });
    expect(proxyFor('http://api.example.com/v1', settings({ httpsProxy: 'http://secure:3128' }))).toBeUndefined();
    expect(proxyFor('https://api.example.com/v1', settings({}))).toBeUndefined();
  });

  it.each([
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://api.example.com/', true],
    ['.example.com', 'https://api.example.com/', true],
    ['*.example.com', 'https://api.example.com/', true],
    ['example.com', 'https://notexample.com/', false],
    ['EXAMPLE.com', 'https://Api.Example.COM/', true],
    ['example.com:443', 'https://api.example.com/', true],
    ['example.com:8443', 'https://api.example.com/', false],
    ['example.com:8443', 'https://api.example.com:8443/', true],
    ['localhost, 127.0.0.1', 'http://127.0.0.1:4010/', true],
    ['other.org example.com', 'https://example.com/', true],
    ['*', 'https://anything.example/', true],
    ['', 'https://example.com/', false],
  ])('with NO_PROXY=%j goes direct to %s: %s', (noProxy, url, direct) => {
    const route = proxyFor(url, settings({ httpProxy: 'http://proxy:3128', httpsProxy: 'http://proxy:3128', noProxy }));
    expect(route === undefined).toBe(direct);
  });

  it('never shows the credentials of a proxy URL', () => {
    expect(proxyFor('https://api.example.com', settings({ httpsProxy: 'http://user:s3cret@proxy:3128' }))?.shown).toBe(
      'http://proxy:3128',
    );
    expect(withoutCredentials('user:s3cret@proxy:3128')).toBe('proxy:3128');
    expect(withoutCredentials('http://proxy.example')).toBe('http://proxy.example');
  });
});
