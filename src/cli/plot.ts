// Placeholder until the `plot` command lands.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("mixed-models plot: not available yet\n");
  return 2;
}
