// Placeholder until the `check` command lands.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("mixed-models check: not available yet\n");
  return 2;
}
