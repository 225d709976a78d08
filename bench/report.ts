/**
 * Turns cell outcomes into the markdown that `npm run bench` prints and
 * writes to bench/results.md: per workload, one table per variant and
 * figure, with a row per client, and an overview across variants when a
 * workload has several (so growth with size or rate shows at a glance).
 *
 * The "vs" columns say how many times better a client is than the
 * baseline whatever the unit: for throughput, its figure divided by the
 * baseline's; for times, costs and memory, the baseline's divided by its.
 * A figure from a capped run is a bound (the true value is worse), shown
 * with ≥ or ≤, and ratios built on it are bounds too.
 */
import type { CellOutcome } from "./cell-protocol.js";
import {
  type ClientName,
  PHOENIX_BASELINE,
  RAW_BASELINE,
} from "./clients/registry.js";
import { formatFigure } from "./format.js";
import { type Spread, spreadOf } from "./stats.js";
import type {
  BenchSettings,
  MetricSpec,
  Variant,
  Workload,
} from "./workloads/types.js";

/** The outcome of one variant on every client. */
export interface VariantResult {
  variant: Variant;
  outcomes: Map<ClientName, CellOutcome>;
}

/** Everything measured for one workload. */
export interface WorkloadResult {
  workload: Workload;
  variants: VariantResult[];
}

/** About the run as a whole, for the report's header. */
export interface RunInfo {
  settings: BenchSettings;
  clients: ClientName[];
  startedAt: Date;
  elapsedMs: number;
  machine: string;
}

/** One client's figure for one metric, reduced over its runs. */
interface Figure {
  spread: Spread;
  runs: number;
  /** The true value is worse than shown: the run hit its cap. */
  bound: boolean;
}

const MISSING = "—";

/**
 * The report's markdown header: what ran, where, and how to read it.
 *
 * @example
 * process.stdout.write(renderHeader(info));
 */
export function renderHeader(info: RunInfo): string {
  const { settings } = info;
  const mode = settings.quick ? "quick (smoke run)" : "full";

  return [
    "# atomemo-transporter benchmarks",
    "",
    `- date: ${info.startedAt.toISOString()}, ` +
      `total ${Math.round(info.elapsedMs / 1000)} s`,
    `- machine: ${info.machine}`,
    `- mode: ${mode}; ${settings.runs} measured runs per cell ` +
      `(f: ${settings.streamRuns} of ${settings.streamDurationMs} ms), ` +
      "after one warm-up run",
    `- clients: ${info.clients.join(", ")}`,
    "",
    "Every cell (workload × variant × client) runs in its own Node.js " +
      "process against one server process. Figures are the median of " +
      "the runs, with min and max. The **vs** columns say how many times " +
      "better than the baseline (> 1 is better, < 1 is worse), whatever " +
      "the unit. ≥/≤ mark a capped run: the true value is worse. " +
      `${MISSING} means the client has no adapter yet.`,
    "",
  ].join("\n");
}

/**
 * The markdown for one workload: heading, description, tables.
 *
 * @example
 * process.stdout.write(renderWorkload(result, ["raw-ws", "phoenix-js"]));
 */
export function renderWorkload(
  result: WorkloadResult,
  clients: readonly ClientName[],
): string {
  const { workload } = result;
  const sections = [`## ${workload.title}`, "", workload.description, ""];

  for (const variantResult of result.variants) {
    for (const metric of workload.metrics) {
      if (!metric.overviewOnly) {
        sections.push(renderDetailTable(variantResult, metric, clients));
      }
    }
  }

  if (result.variants.length > 1) {
    for (const metric of workload.metrics) {
      sections.push(renderOverviewTable(result, metric, clients));
    }
  }

  return sections.join("\n");
}

function renderDetailTable(
  result: VariantResult,
  metric: MetricSpec,
  clients: readonly ClientName[],
): string {
  const title =
    `### ${result.variant.label}: ${metric.label} ` +
    `(${metric.better} is better)`;
  const header = [
    "client",
    "median",
    "min",
    "max",
    "runs",
    `vs ${RAW_BASELINE}`,
    `vs ${PHOENIX_BASELINE}`,
    "peak RSS MiB",
  ];
  const rawFigure = figureOf(result.outcomes.get(RAW_BASELINE), metric);
  const phoenixFigure = figureOf(result.outcomes.get(PHOENIX_BASELINE), metric);

  const rows = clients.map((client) => {
    const outcome = result.outcomes.get(client);
    const figure = figureOf(outcome, metric);
    if (outcome?.status !== "ok" || !figure) {
      return [client, describeFailure(outcome), "", "", "", "", "", ""];
    }

    const value = (number: number) => boundedValue(number, figure, metric);
    return [
      client,
      value(figure.spread.median),
      value(figure.spread.min),
      value(figure.spread.max),
      String(figure.runs),
      ratio(figure, rawFigure, metric),
      ratio(figure, phoenixFigure, metric),
      formatFigure(outcome.peakRssMiB),
    ];
  });

  const notes = cappedNotes(result, clients);
  return [title, "", markdownTable(header, rows), ...notes, ""].join("\n");
}

function renderOverviewTable(
  result: WorkloadResult,
  metric: MetricSpec,
  clients: readonly ClientName[],
): string {
  const title =
    `### all variants: ${metric.label}, median ` +
    `(${metric.better} is better)`;
  const header = [
    "client",
    ...result.variants.map((variant) => variant.variant.label),
  ];

  const rows = clients.map((client) => [
    client,
    ...result.variants.map((variant) => {
      const outcome = variant.outcomes.get(client);
      const figure = figureOf(outcome, metric);
      if (!figure) {
        return describeFailure(outcome);
      }

      return boundedValue(figure.spread.median, figure, metric);
    }),
  ]);

  return [title, "", markdownTable(header, rows), ""].join("\n");
}

function figureOf(
  outcome: CellOutcome | undefined,
  metric: MetricSpec,
): Figure | undefined {
  if (outcome?.status !== "ok") {
    return undefined;
  }

  const values = outcome.samples
    .map((sample) => sample.metrics[metric.key])
    .filter((value): value is number => typeof value === "number");
  if (values.length === 0) {
    return undefined;
  }

  return {
    spread: spreadOf(values),
    runs: values.length,
    bound: outcome.samples.some((sample) => sample.capped !== undefined),
  };
}

function boundedValue(
  value: number,
  figure: Figure,
  metric: MetricSpec,
): string {
  if (!figure.bound) {
    return formatFigure(value);
  }

  // Capped: the true figure is worse, so higher for times, lower for rates.
  const sign = metric.better === "lower" ? "≥" : "≤";
  return `${sign} ${formatFigure(value)}`;
}

function ratio(
  figure: Figure,
  baseline: Figure | undefined,
  metric: MetricSpec,
): string {
  if (!baseline || (figure.bound && baseline.bound)) {
    return MISSING;
  }

  const mine = figure.spread.median;
  const theirs = baseline.spread.median;
  const timesBetter =
    metric.better === "higher" ? mine / theirs : theirs / mine;
  const text = `${formatRatio(timesBetter)}×`;

  // A capped row is at most this much better; a capped baseline, at least.
  if (figure.bound) {
    return `≤ ${text}`;
  }

  return baseline.bound ? `≥ ${text}` : text;
}

function formatRatio(value: number): string {
  if (value >= 100) {
    return value.toFixed(0);
  }

  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function describeFailure(outcome: CellOutcome | undefined): string {
  if (!outcome || outcome.status === "missing") {
    return MISSING;
  }

  if (outcome.status === "error") {
    return `error: ${outcome.message}`;
  }

  return "no figure";
}

function cappedNotes(
  result: VariantResult,
  clients: readonly ClientName[],
): string[] {
  const notes: string[] = [];

  for (const client of clients) {
    const outcome = result.outcomes.get(client);
    if (outcome?.status !== "ok") {
      continue;
    }

    for (const sample of outcome.samples) {
      if (sample.capped) {
        notes.push(`- ${client}: capped, ${sample.capped}`);
      }
    }
  }

  return notes.length > 0 ? ["", ...notes] : [];
}

function markdownTable(header: string[], rows: string[][]): string {
  const escapeCell = (cell: string) =>
    cell.replaceAll("|", "\\|").replaceAll(/\s+/g, " ");
  const cells = [header, ...rows].map((row) => row.map(escapeCell));
  const widths = header.map((_, column) =>
    Math.max(3, ...cells.map((row) => (row[column] ?? "").length)),
  );

  // Padded like the project's formatter pads tables, so the written file
  // passes `biome check` as it is. The first column is text, the others
  // figures: left- and right-aligned.
  const pad = (cell: string, column: number) => {
    const width = widths[column] as number;
    return column === 0 ? cell.padEnd(width) : cell.padStart(width);
  };
  const line = (row: string[]) => {
    const padded = widths.map((_, column) => pad(row[column] ?? "", column));
    return `| ${padded.join(" | ")} |`;
  };
  const rule = widths.map((width, column) =>
    column === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`,
  );

  return [
    line(cells[0] as string[]),
    `| ${rule.join(" | ")} |`,
    ...cells.slice(1).map(line),
  ].join("\n");
}
