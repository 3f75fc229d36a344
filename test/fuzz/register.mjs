/** `node --import ./test/fuzz/register.mjs`: lets the fuzz child import the TypeScript sources (ts-hooks.mjs). */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
