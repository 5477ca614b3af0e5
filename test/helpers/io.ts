/** What a command writes to its stdout and stderr, gathered for a test (`runImport(argv, io)`, `runCheckSources(argv, io)`). */
export function capture() {
  const io = {
    out: '',
    err: '',
    stdout: { write: (s: string) => ((io.out += s), true) },
    stderr: { write: (s: string) => ((io.err += s), true) },
  };
  return io;
}
