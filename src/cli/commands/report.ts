import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { BudgetLine, ModelReport, MonthlyReport, ReportFigures, RunPeriod } from '../../app/report.ts';
import { isMonthName, monthlyReport } from '../../app/report.ts';
import { UsageError } from '../../errors.ts';
import { parseInstantOption, printJson, withDeps } from '../context.ts';
import { formatHours, formatPercent, formatUsd, roundTo } from '../format.ts';
import type { CliIo } from '../io.ts';
import type { Paint } from '../render.ts';
import { painter, renderTable } from '../render.ts';
import { budgetCells, budgetLineOf, renderReportHtml, summaryColumns } from './report-html.ts';

interface ReportOptions {
  month?: string;
  at?: string;
  json?: boolean;
  html?: string;
}

// JSON keeps 4 decimals, as `runs --json` does, so sums over runs and the report agree to the digit.
const r4 = (value: number): number => roundTo(value, 4);

const figuresToJson = (figures: ReportFigures) => ({
  hostedHours: r4(figures.hostedHours),
  inferenceUnitHours: r4(figures.inferenceUnitHours),
  cost: r4(figures.cost),
  aroundTheClockCost: r4(figures.aroundTheClockCost),
  saving: r4(figures.saving),
  savingPercent: figures.savingPercent === undefined ? null : roundTo(figures.savingPercent, 2),
  runs: figures.runs,
  failed: figures.failed,
  budgetBlocked: figures.budgetBlocked,
  late: figures.late,
});

const periodToJson = (period: RunPeriod) => ({
  runId: period.runId,
  start: period.start.toISOString(),
  end: period.end.toISOString(),
});

const budgetToJson = (line: BudgetLine) => ({
  scope: line.scope,
  name: line.name,
  models: line.models,
  month: line.month,
  from: line.from.toISOString(),
  to: line.to.toISOString(),
  unit: line.unit,
  spent: r4(line.spent),
  limit: line.limit,
  percent: line.limit > 0 ? roundTo((line.spent / line.limit) * 100, 2) : null,
  exceeds: line.exceeds,
});

const modelToJson = (model: ModelReport) => ({
  model: model.model,
  schedule: model.schedule,
  timezone: model.timezone,
  month: model.month,
  from: model.from.toISOString(),
  to: model.to.toISOString(),
  hoursInMonth: model.hoursInMonth,
  aroundTheClockUnits: model.aroundTheClockUnits,
  pricePerInferenceUnitHour: model.pricePerInferenceUnitHour,
  ...figuresToJson(model),
  budget: model.budget ? { scope: model.budget.scope, name: model.budget.name } : null,
  runDetails: model.runDetails.map((run) => ({
    runId: run.runId,
    outcome: run.outcome,
    counted: run.counted,
    late: run.late,
    lateMinutes: run.lateMinutes === undefined ? null : roundTo(run.lateMinutes, 2),
    hostedHours: r4(run.hostedHours),
    inferenceUnitHours: r4(run.inferenceUnitHours),
    cost: r4(run.cost),
  })),
  windows: model.windows.map((w) => ({
    shift: w.shift,
    localDate: w.localDate,
    start: w.start.toISOString(),
    end: w.end.toISOString(),
    minInferenceUnits: w.minInferenceUnits,
    ...(w.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: w.maxInferenceUnits }),
  })),
  hostedPeriods: model.hostedPeriods.map(periodToJson),
  billedPeriods: model.billedPeriods.map(periodToJson),
  marks: model.marks.map((mark) => ({
    runId: mark.runId,
    kind: mark.kind,
    at: mark.at.toISOString(),
    text: mark.text,
  })),
});

/**
 * The `--json` document: UTC instants, fixed key order, figures rounded to 4 decimals (as
 * `runs --json`), `totals` the sums of the models' figures.
 */
export const reportToJson = (report: MonthlyReport) => ({
  month: report.month,
  at: report.at.toISOString(),
  models: report.models.map(modelToJson),
  totals: figuresToJson(report.totals),
  budgets: report.budgets.map(budgetToJson),
});

/** The report for people: one aligned row per model and a total row; colour only on a terminal. */
export const renderReport = (report: MonthlyReport, paint: Paint): string => {
  const budgets = budgetCells(report);
  const count = (value: number, colour: 'red' | 'yellow') =>
    value > 0 ? paint(colour, String(value)) : String(value);
  const cells = (figures: ReportFigures): string[] => [
    formatHours(figures.hostedHours),
    formatHours(figures.inferenceUnitHours),
    formatUsd(figures.cost),
    formatUsd(figures.aroundTheClockCost),
    paint(figures.saving >= 0 ? 'green' : 'red', formatUsd(figures.saving)),
    formatPercent(figures.savingPercent),
    String(figures.runs),
    count(figures.failed, 'red'),
    count(figures.budgetBlocked, 'red'),
    count(figures.late, 'yellow'),
  ];
  const rows = report.models.map((model) => {
    const line = budgetLineOf(report, model);
    const budget = budgets.get(model.model);
    const used = budget?.used ?? '–';
    return [
      model.model,
      ...cells(model),
      [line?.exceeds ? paint('red', used) : used, budget?.note ? paint('dim', budget.note) : '']
        .filter((part) => part !== '')
        .join(', '),
    ];
  });
  const zones = [...new Set(report.models.map((m) => m.timezone))].join(', ');
  return [
    `Report ${report.month} (calendar month in each model's time zone: ${zones}; open runs counted up to ${report.at.toISOString()})`,
    '',
    renderTable(summaryColumns, [...rows, [paint('bold', 'total'), ...cells(report.totals), '']]),
    '',
    paint(
      'dim',
      "24/7 cost: every hour of the month at the highest minimum units of the model's shifts. Late: hosted after its shift began.",
    ),
  ].join('\n');
};

const writeHtml = (file: string, html: string): void => {
  try {
    writeFileSync(file, html, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES' || code === 'ENOTDIR') {
      throw new UsageError(
        `cannot write ${file} (${code}); give --html a file path in a directory you can write`,
      );
    }
    throw error;
  }
};

const HELP = `
Counts each run's billed span (start requested until observed stopped) clipped to the calendar
month in the model's schedule time zone, at its minimum inference units, and compares the cost
with hosting around the clock (every hour of the month at the highest minimum units of the
model's shifts). Runs, failed, budget-blocked and late count the runs planned to start in the
month; a run is late when it was hosted after its first shift began. --json instants are UTC.

Examples:
  shiftctl report --month 2027-03
  shiftctl report --month 2027-03 --json
  shiftctl report --month 2027-03 --html report-2027-03.html
`;

/** `shiftctl report`: hosted hours, unit-hours, cost and saving against 24/7, per model and in total. */
export const registerReportCommand = (program: Command, io: CliIo): void => {
  program
    .command('report')
    .description(
      'per model and in total: hosted hours, unit-hours, cost, saving against 24/7, failed and late runs',
    )
    .option('--month <YYYY-MM>', 'the calendar month, e.g. 2027-03')
    .option('--at <ISO>', 'count open runs up to this instant (default: now)')
    .option('--json', 'print one JSON object (UTC instants)')
    .option('--html <FILE>', 'also write a self-contained HTML page with charts to FILE')
    .addHelpText('after', HELP)
    .action(async (options: ReportOptions) => {
      if (options.month === undefined || !isMonthName(options.month)) {
        throw new UsageError(
          options.month === undefined
            ? '--month YYYY-MM is required, e.g. --month 2027-03'
            : `--month ${JSON.stringify(options.month)} is not a month; give YYYY-MM, e.g. --month 2027-03`,
        );
      }
      const month = options.month;
      const at = parseInstantOption('--at', options.at, new Date());
      const report = await withDeps(io, (deps) => monthlyReport(deps, month, at));
      if (options.html !== undefined) writeHtml(options.html, renderReportHtml(report));
      if (options.json) {
        printJson(io, reportToJson(report));
        return;
      }
      const paint = painter(io.isTty);
      io.out(`${renderReport(report, paint)}\n`);
      if (options.html !== undefined) io.out(`wrote ${options.html}\n`);
    });
};
