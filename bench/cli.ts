/** Parses a benchmark's arguments; a bad one prints the reason and the usage and exits 2, `--help` prints the usage. */
export function optionsOrExit<T>(parse: (args: string[]) => T | "help", usage: string): T {
  let options: T | "help";
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (options === "help") {
    console.log(usage);
    process.exit(0);
  }
  return options;
}
