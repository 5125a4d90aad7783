/**
 * Small helpers the inference subcommands (anova, emmeans) share: taking their own options out of
 * the argument list before the rest goes to fit's parser, and a flushed write to stdout.
 */

/** Remove `--name value` or `--name=value` from args and return the value (null when absent).
 *  Throws when the option is given without a value or more than once. */
export function takeOption(args: string[], name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let v: string | undefined;
    if (a === name) {
      v = args[i + 1];
      if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
      args.splice(i, 2);
    } else if (a.startsWith(`${name}=`)) {
      v = a.slice(name.length + 1);
      args.splice(i, 1);
    } else continue;
    if (value !== null) throw new Error(`${name} is given twice`);
    value = v;
    i--;
  }
  return value;
}

/** Write to stdout and wait until it is flushed (the bin exits right after). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}
