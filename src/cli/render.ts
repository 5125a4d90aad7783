/**
 * SVG → PNG for `plot --out file.png`, with @resvg/resvg-js (resvg compiled to a Node addon; the
 * binary ships in its npm package, so no system library is needed). It is an optional dependency,
 * loaded only when a PNG is asked for; without it the command refuses instead of writing an SVG
 * under a .png name.
 */
import { createRequire } from "node:module";

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RenderError";
  }
}

interface ResvgModule {
  Resvg: new (svg: string, options?: object) => { render(): { asPng(): Uint8Array } };
}

/** A PNG of the SVG at `scale`× its size, with system fonts for the text. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  let resvg: ResvgModule;
  try {
    resvg = createRequire(import.meta.url)("@resvg/resvg-js") as ResvgModule;
  } catch (e) {
    throw new RenderError(`writing PNG needs the optional dependency @resvg/resvg-js (npm install @resvg/resvg-js), or write .svg: ${(e as Error).message.split("\n")[0]}`);
  }
  const width = Number(/width="([\d.]+)"/.exec(svg)?.[1] ?? 600);
  const r = new resvg.Resvg(svg, { fitTo: { mode: "width", value: Math.round(width * scale) }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, background: "white" });
  return r.render().asPng();
}
