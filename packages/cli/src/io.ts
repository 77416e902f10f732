/** What a command may touch, so tests can run commands in-process with captured output. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes shared by every command (documented in each command's --help). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** The process's real streams. */
export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
