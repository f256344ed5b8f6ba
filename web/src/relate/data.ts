// The relate page's data island (schema "kashika.relate/2"), as Kashika.Reports.Relate.RelateDocument writes it
// (C# records RelateDocument, RelateSettings, ProjectSummary, PairSummary, SharedSummary, PeriodSummary, ExcludedAuthor,
// IdentityJoin, CopiedPair, PersonSummary, MoveSummary, PlaceholderAuthor). A test type-checks real pages' islands
// against these types, so the two cannot drift.

export interface RelateDocument {
  schema: string;
  generator: string;
  options: RelateSettings;
  projects: string[];
  projectDetails: ProjectSummary[];
  matrix: number[][];
  sumMin: number[][];
  pairs: PairSummary[];
  excludedBots: ExcludedAuthor[];
  warnings: string[];
  /** With --by. */
  periods?: PeriodSummary[];
  /** With --identity person. */
  identityJoins?: IdentityJoin[];
  copiedHistory?: CopiedPair[];
  /** With --by: everyone active in two or more projects, and the moves between periods. */
  people?: PersonSummary[];
  moves?: MoveSummary[];
  placeholders?: PlaceholderAuthor[];
}

export interface RelateSettings {
  input: string;
  metric: string;
  identity: string;
  mailmap: boolean;
  aliases: string | null;
  excludeBots: boolean;
  botPattern: string | null;
  countMerges: boolean;
  revision: string | null;
  since: string | null;
  until: string | null;
  compat: string | null;
  by: string | null;
  notSame: string[] | null;
}

export interface ProjectSummary {
  name: string;
  source: string;
  commits: number;
  developers: number;
  excludedBotCommits: number;
  excludedMergeCommits: number;
  shallow: boolean;
}

/** A and B index the projects. */
export interface PairSummary {
  a: number;
  b: number;
  value: number;
  sumMin: number;
  shared: SharedSummary[];
}

export interface SharedSummary {
  name: string;
  id: string;
  commitsA: number;
  commitsB: number;
}

export interface PeriodSummary {
  label: string;
  matrix: number[][];
  sumMin: number[][];
  pairs: PairSummary[];
  commits: number[];
  developers: number[];
}

export interface ExcludedAuthor {
  name: string;
  email: string;
  commits: number;
  reason: string;
}

export interface IdentityJoin {
  person: string;
  name: string;
  keys: string[];
  reason: string;
}

export interface CopiedPair {
  a: number;
  b: number;
  commits: number;
}

/** activity: [project, period, commits] for every period and project the person committed to. */
export interface PersonSummary {
  id: string;
  name: string;
  activity: [number, number, number][];
}

/** From and To: projects, −1 for outside; kind: stayed, moved, arrived, left, "history ends", "history starts". */
export interface MoveSummary {
  period: number;
  from: number;
  to: number;
  people: string[];
  kind: string;
}

export interface PlaceholderAuthor {
  name: string;
  address: string;
  project: string;
  commits: number;
}
