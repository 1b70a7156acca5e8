// Node module hooks that print every module URL a process loads (one `loaded: URL` line on stderr each), for
// the tests that check what a command imports: `node --import ./test/helpers/loaded-modules.mjs bin/marginlab.js …`.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function load(url, context, next) {
  const r = await next(url, context);
  process.stderr.write('loaded: ' + url + '\\n');
  return r;
}`));
