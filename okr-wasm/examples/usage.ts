// A typed use of okr-wasm in a web dashboard. Checked with `tsc --noEmit` in CI
// (`npm run typecheck`); the types come from the Rust types through tsify.

import init, { Document, type Finding, type Scores, type ScoreReport, type TreeRow } from "okr-wasm";

export async function dashboard(url: string, asOf: string): Promise<string[]> {
  await init();
  // Bytes go into the module in one copy (a string is copied character by character).
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const format = url.endsWith(".json") ? "json" : url.endsWith(".toml") ? "toml" : "yaml";

  let doc: Document;
  try {
    doc = Document.fromBytes(bytes, format);
  } catch (e) {
    // Load errors carry every problem with its path and position.
    const problems = (e as Error & { problems?: { path: string; line: number | null; column: number | null; message: string }[] }).problems ?? [];
    return problems.map((p) => `${p.line ?? "?"}:${p.column ?? "?"}: ${p.path}: ${p.message}`);
  }

  const card = doc.score(asOf, { staleDays: 21, severities: { sandbagging: "off" } });
  const report: ScoreReport = card.report();
  const offTrack = report.objectives.filter((o) => o.status === "off_track").map((o) => o.id);

  // A check-in updates the key result, its objective and every ancestor.
  const rescored: number = card.checkIn("pipeline-minutes", asOf, 12, 0.8);
  const top: Scores = card.objective("tools-leverage");
  const score: number | null = top.score;

  const rows: TreeRow[] = card.tree();
  const findings: Finding[] = card.validate();
  const lines = rows.map((r) => `${"  ".repeat(r.depth)}${r.title}: ${r.scores.score?.toFixed(2) ?? "–"} (${r.scores.status})`);
  lines.push(`${rescored} objectives rescored; tools-leverage now ${score ?? "unscored"}`);
  lines.push(...findings.filter((f) => f.severity !== "info").map((f) => `${f.severity}[${f.code}] ${f.message}`));
  lines.push(`off track: ${offTrack.join(", ") || "none"}`);
  return lines;
}
