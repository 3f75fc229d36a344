import { parseCommandArgs, positiveInteger, stringOption, UsageError } from '../args.js';
import type { Command } from '../command.js';
import type { Io } from '../io.js';
import { startUiServer, type UiServer } from '../ui-server.js';

/**
 * Starts the server and says where it is, with a warning on stderr when other machines can reach it; undefined (and
 * exit code 1) when it cannot start.
 */
export function serveUi(options: { port: number; host: string; root?: string }, io: Io): Promise<UiServer | undefined> {
  return startUiServer(options).then(
    (s) => {
      if (s.warning) io.err(`tpusim: warning: ${s.warning}`);
      io.out(`tpusim UI on ${s.url} (Ctrl-C to stop)`);
      return s;
    },
    (error: Error) => {
      io.err(`tpusim: ${error.message}`);
      process.exitCode = 1;
      return undefined;
    },
  );
}

export const uiCommand: Command = {
  name: 'ui',
  summary: 'the web UI on http://127.0.0.1:8737/ (chip, systolic array, model, cluster, economics)',
  usage: `tpusim ui [--port P] [--host H]

  Serves the built web UI (dist-web/) on 127.0.0.1 (--host to change it) at port 8737 (--port; 0
  picks a free one) until interrupted. The UI runs the tpusim library in the browser, in a Web
  Worker: no request leaves the machine, and the server only hands out the UI's files (GET and HEAD;
  on a loopback address only to requests whose Host is localhost, 127.0.0.1 or [::1] with the port).
  A non-loopback --host (0.0.0.0) makes it reachable from other machines, without authentication:
  tpusim warns on stderr. See docs/ui.md and docs/reliability.md.`,
  run(argv: readonly string[], io: Io): number {
    const { values, positionals } = parseCommandArgs('ui', argv, {
      port: { type: 'string' },
      host: { type: 'string' },
    });
    if (values['help']) {
      io.out(this.usage);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`ui takes no positional arguments, got '${positionals[0]}'`);
    const portText = stringOption(values, 'port');
    const port = portText === '0' ? 0 : positiveInteger('--port', portText ?? '8737', 65535);
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    void serveUi({ port, host }, io);
    return 0;
  },
};
