/**
 * PostgreSQL through `pg` (node-postgres), loaded by dynamic import. One client, so temporary
 * tables live for the whole fit. Numbers come back as doubles: the model's queries cast every
 * numeric expression to DOUBLE PRECISION (pg's text form of a double round-trips exactly), and
 * COUNT(*) is cast as well.
 */
import type { SqlColumns, SqlEngine } from "./engine.js";

export class PostgresEngine implements SqlEngine {
  readonly name = "postgres";
  readonly temporaryTables = true;
  private constructor(private readonly client: import("pg").Client) {}

  /** `connection`: a postgres:// URL or pg's client configuration (typed loosely here so that the
   *  package's declarations do not need pg's types). */
  static async open(connection: string | Record<string, unknown>): Promise<PostgresEngine> {
    // a computed specifier: bundlers (the browser build) leave it alone
    const specifier = ["p", "g"].join("");
    const pg = (await (import(specifier) as Promise<typeof import("pg")>).catch((e: Error) => {
      throw new Error(`PostgreSQL needs the 'pg' package (npm install pg): ${e.message}`);
    })) as typeof import("pg") & { default?: typeof import("pg") };
    const Client = (pg.default ?? pg).Client;
    const client = new Client(typeof connection === "string" ? { connectionString: connection } : (connection as import("pg").ClientConfig));
    await client.connect();
    return new PostgresEngine(client);
  }

  async query(sql: string): Promise<SqlColumns> {
    const res = await this.client.query({ text: sql, rowMode: "array" });
    const names = res.fields.map((f) => f.name);
    // float8 (701), float4 (700), int2/4/8 (21, 23, 20), numeric (1700)
    const numeric = res.fields.map((f) => [700, 701, 20, 21, 23, 1700].includes(f.dataTypeID));
    const rows = res.rows as unknown[][];
    const rowCount = rows.length;
    const columns = names.map((_, j) => {
      if (numeric[j]) {
        const out = new Float64Array(rowCount);
        for (let i = 0; i < rowCount; i++) {
          const v = rows[i][j];
          out[i] = v === null ? NaN : Number(v);
        }
        return out;
      }
      return rows.map((r) => (r[j] === null ? null : String(r[j])));
    });
    return { names, columns, rowCount };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
