import { describe, expect, it } from "vitest";
import { syntaxDiagramsHtml } from "../../grammar/diagram.js";
import { formulaParser } from "../../grammar/rules.js";

describe("syntax diagrams", () => {
  it("draw every rule of the parser", () => {
    const html = syntaxDiagramsHtml();
    const rules = formulaParser.getSerializedGastProductions().map((r) => (r as unknown as { name: string }).name);
    expect(rules).toEqual(["formula", "expr", "sum", "product", "special", "interaction", "unary", "power", "atom", "nameOrCall", "argument", "parenthesised"]);
    for (const r of rules) expect(html).toContain(`"name": "${r}"`);
  });
});
