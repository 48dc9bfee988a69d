/** `raydeck api [--json]`: the contract's methods and events, for scripting and docs. */
import { events, methods } from '../../../shared';
import type { CliCommand } from '../cli-types';
import { printResult } from '../output';

export const apiCommand: CliCommand = {
  words: ['api'],
  usage: 'raydeck api [--json]',
  summary: 'List the core methods and events of the contract.',
  options: { json: { type: 'boolean' } },
  positionals: [],
  async run({ values }, ctx) {
    const listing = {
      methods: Object.entries(methods).map(([name, m]) => ({
        name,
        summary: m.summary,
        longRunning: m.longRunning,
      })),
      events: Object.entries(events).map(([name, e]) => ({ name, summary: e.summary })),
    };
    printResult(ctx.io, values.json === true, listing, () => [
      'Methods:',
      ...listing.methods.map(
        (m) => `  ${m.name.padEnd(20)} ${m.summary}${m.longRunning ? ' (operation)' : ''}`,
      ),
      'Events:',
      ...listing.events.map((e) => `  ${e.name.padEnd(20)} ${e.summary}`),
    ]);
    return 0;
  },
};
