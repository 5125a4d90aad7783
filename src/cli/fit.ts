// Placeholder until the `fit` command lands.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("mixed-models fit: not available yet\n");
  return 2;
}
