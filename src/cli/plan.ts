// Placeholder until the `plan` command lands.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("mixed-models plan: not available yet\n");
  return 2;
}
