// The ecosystem page's data island: a relate report of many projects (RelateDocument with its "sparse" part, C#
// SparseSummary), as Kashika.Reports.Relate writes it when each project keeps only its strongest pairs.
import type { PairSummary, PeriodSummary, RelateDocument } from "../relate/data.js";

export interface SparseSummary {
  top: number;
  above: number | null;
  allPairs: number;
  keptPairs: number;
  /** Per project, the projects it keeps, strongest first. */
  neighbours: number[][];
  /** Per project, its community (0 the largest). */
  communities: number[];
  /** Per project, [x, y] as laid out (ForceAtlas2). */
  positions?: number[][];
  /** How many projects a chord diagram draws: a project and its first neighbours, or a community's biggest. */
  chord: number;
  /** The pairs among a chord diagram's projects that were not kept: [a, b, Σ min commits, shared developers]. */
  chordPairs: number[][];
}

/** A sparse report has no matrices, in the whole history or in a period: only the kept pairs. */
export interface EcosystemDocument extends Omit<RelateDocument, "matrix" | "sumMin" | "periods"> {
  sparse: SparseSummary;
  periods?: (Omit<PeriodSummary, "matrix" | "sumMin"> & { chordPairs: number[][] })[];
}

export type { PairSummary };
