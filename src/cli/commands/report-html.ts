import type { Temporal } from 'temporal-polyfill';
import type {
  BudgetLine,
  ModelReport,
  MonthlyReport,
  ReportFigures,
  RunMark,
  RunPeriod,
} from '../../app/report.ts';
import type { Window } from '../../schedule/windows.ts';
import { instantOfLocal, zonedOf } from '../../schedule/zoned.ts';
import {
  formatBudgetUsed,
  formatHours,
  formatInZone,
  formatPercent,
  formatUsd,
  formatWeekday,
} from '../format.ts';
import { type Column, localDatesBetween, right } from '../render.ts';

/**
 * `shiftctl report --html`: one self-contained page (inline CSS and SVG, no scripts, no fonts or
 * images from anywhere) that a plant engineer can mail around or open from disk. Every piece of
 * text from the configuration or the runs table goes through {@link escapeHtml}.
 */

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const esc = escapeHtml;

const monthTitle = (month: string): string => {
  const [year, number] = month.split('-');
  const names = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  return `${names[Number(number) - 1] ?? month} ${year ?? ''}`;
};

const COLOURS = {
  ink: '#0f172a',
  muted: '#64748b',
  grid: '#e2e8f0',
  band: '#dbe7fb',
  bandEdge: '#b6cdf3',
  billed: '#93b4ec',
  hosted: '#1e4fd8',
  baseline: '#cbd5e1',
  actual: '#1e4fd8',
  late: '#d97706',
  failed: '#dc2626',
  blocked: '#7c3aed',
  budget: '#dc2626',
  weekend: '#f8fafc',
} as const;

const STYLE = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #f1f5f9; color: ${COLOURS.ink};
    font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
  main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 48px; }
  header h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
  header p { margin: 0; color: ${COLOURS.muted}; }
  section { background: #fff; border: 1px solid ${COLOURS.grid}; border-radius: 10px; padding: 18px 20px; margin-top: 18px; }
  h2 { font-size: 16px; margin: 0 0 12px; }
  h3 { font-size: 15px; margin: 0; }
  .kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-top: 18px; }
  .kpi { background: #fff; border: 1px solid ${COLOURS.grid}; border-radius: 10px; padding: 14px 16px; }
  .kpi .label { color: ${COLOURS.muted}; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
  .kpi .value { font-size: 24px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
  .kpi .sub { color: ${COLOURS.muted}; font-size: 12px; }
  .good { color: #15803d; } .bad { color: ${COLOURS.failed}; } .warn { color: ${COLOURS.late}; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; font-size: 13.5px; font-variant-numeric: tabular-nums; }
  td.budget { text-align: left; }
  td.budget .note { color: ${COLOURS.muted}; font-size: 12px; }
  th, td { padding: 7px 6px; border-bottom: 1px solid ${COLOURS.grid}; text-align: right; white-space: nowrap; }
  th { font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; color: ${COLOURS.muted}; font-weight: 600; }
  th:first-child, td:first-child, th:last-child { text-align: left; }
  tr.total td { font-weight: 650; border-top: 2px solid ${COLOURS.ink}; border-bottom: none; }
  .model-head { display: flex; justify-content: space-between; align-items: baseline; gap: 16px; flex-wrap: wrap; margin-bottom: 6px; }
  .model-head .meta { color: ${COLOURS.muted}; font-size: 12.5px; }
  .legend { display: flex; gap: 18px; flex-wrap: wrap; color: ${COLOURS.muted}; font-size: 12.5px; margin-bottom: 10px; }
  .legend span { display: inline-flex; align-items: center; gap: 6px; }
  .sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
  .timeline + .timeline { margin-top: 22px; padding-top: 16px; border-top: 1px solid ${COLOURS.grid}; }
  svg.chart { display: block; width: 100%; height: auto; }
  .legend svg { display: inline-block; width: 14px; height: 14px; flex: none; }
  svg text { font-family: inherit; }
  .meter { display: grid; grid-template-columns: 240px 1fr 280px; gap: 12px; align-items: center; margin: 8px 0; }
  .meter .track { height: 12px; background: ${COLOURS.grid}; border-radius: 6px; overflow: hidden; }
  .meter .fill { height: 100%; border-radius: 6px; }
  .meter .text { text-align: right; font-variant-numeric: tabular-nums; }
  footer { color: ${COLOURS.muted}; font-size: 12px; margin-top: 18px; }
`;

const hours = (value: number): string => formatHours(value, 1);

const figureCells = (figures: ReportFigures): string[] => [
  hours(figures.hostedHours),
  hours(figures.inferenceUnitHours),
  formatUsd(figures.cost),
  formatUsd(figures.aroundTheClockCost),
  formatUsd(figures.saving),
  formatPercent(figures.savingPercent),
  String(figures.runs),
  String(figures.failed),
  String(figures.budgetBlocked),
  String(figures.late),
];

/** What a model's budget cell says: the spend (empty for later models of a shared budget) and a note. */
export interface BudgetCell {
  readonly used: string;
  readonly note: string;
}

/** The budget line `model` counts against, if it has a budget. */
export const budgetLineOf = (report: MonthlyReport, model: ModelReport): BudgetLine | undefined => {
  const ref = model.budget;
  return ref && report.budgets.find((line) => line.scope === ref.scope && line.name === ref.name);
};

/** Budget cells per model: a schedule's shared budget is shown on its first model only. */
export const budgetCells = (report: MonthlyReport): Map<string, BudgetCell> => {
  const cells = new Map<string, BudgetCell>();
  const shownOn = new Map<string, string>();
  for (const model of report.models) {
    const ref = model.budget;
    const line = budgetLineOf(report, model);
    if (!ref || !line) {
      cells.set(model.model, { used: '–', note: '' });
      continue;
    }
    const key = `${ref.scope}:${ref.name}`;
    const first = shownOn.get(key);
    if (first !== undefined) {
      cells.set(model.model, { used: '', note: `shared with ${first}` });
      continue;
    }
    shownOn.set(key, model.model);
    cells.set(model.model, {
      used: formatBudgetUsed(line),
      note: ref.scope === 'schedule' ? `shared by schedule ${ref.name}` : '',
    });
  }
  return cells;
};

/** The summary table's columns, for the text report and the page alike. */
export const summaryColumns: readonly Column[] = [
  { header: 'MODEL' },
  right('HOSTED H'),
  right('UNIT-H'),
  right('COST'),
  right('24/7 COST'),
  right('SAVING'),
  right('SAVING %'),
  right('RUNS'),
  right('FAILED'),
  right('BLOCKED'),
  right('LATE'),
  { header: 'BUDGET USED' },
];

/** `Hosted h` for `HOSTED H`: the page writes headers as words, the terminal in capitals. */
const sentenceCase = (header: string): string => header.charAt(0) + header.slice(1).toLowerCase();

const summaryTable = (report: MonthlyReport): string => {
  const headers = summaryColumns.map((column) => sentenceCase(column.header));
  const budgets = budgetCells(report);
  const cell = (text: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(text)}</td>`;
  const budgetCell = (budget: BudgetCell | undefined, exceeds: boolean) =>
    `<td class="budget"><span${exceeds ? ' class="bad"' : ''}>${esc(budget?.used ?? '–')}</span>${budget?.note ? `<div class="note">${esc(budget.note)}</div>` : ''}</td>`;
  const row = (model: ModelReport) => {
    const values = figureCells(model);
    const line = budgetLineOf(report, model);
    return `<tr>${cell(model.model)}${values
      .map((value, index) => {
        if (index === 4 || index === 5) return cell(value, model.saving >= 0 ? 'good' : 'bad');
        if ((index === 7 || index === 8) && value !== '0') return cell(value, 'bad');
        if (index === 9 && value !== '0') return cell(value, 'warn');
        return cell(value);
      })
      .join('')}${budgetCell(budgets.get(model.model), line?.exceeds === true)}</tr>`;
  };
  return `<div class="scroll"><table>
<thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${report.models.map(row).join('\n')}
<tr class="total">${cell('Total')}${figureCells(report.totals)
    .map((value) => cell(value))
    .join('')}${cell('')}</tr>
</tbody>
</table></div>`;
};

const kpis = (report: MonthlyReport): string => {
  const t = report.totals;
  const card = (label: string, value: string, sub: string, cls = '') =>
    `<div class="kpi"><div class="label">${esc(label)}</div><div class="value${cls ? ` ${cls}` : ''}">${esc(value)}</div><div class="sub">${esc(sub)}</div></div>`;
  return `<div class="kpis">
${card('Cost', formatUsd(t.cost), `${hours(t.inferenceUnitHours)} inference-unit hours`)}
${card('Saved against 24/7', formatUsd(t.saving), `${formatPercent(t.savingPercent)} of ${formatUsd(t.aroundTheClockCost)}`, t.saving >= 0 ? 'good' : 'bad')}
${card('Hosted', `${hours(t.hostedHours)} h`, `across ${report.models.length} model${report.models.length === 1 ? '' : 's'}`)}
${card('Runs', String(t.runs), `${t.failed} failed · ${t.late} late · ${t.budgetBlocked} budget-blocked`)}
</div>`;
};

/** A tidy axis maximum: 1, 2, 2.5 or 5 times a power of ten, at or above `value`. */
const niceCeiling = (value: number): number => {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * power >= value) return step * power;
  return 10 * power;
};

/** The USD a budget line stands for on one model's cost bar (unit-hour budgets at its price). */
const budgetUsdOf = (model: ModelReport, line: BudgetLine | undefined): number | undefined => {
  if (line?.scope !== 'model') return undefined;
  return line.unit === 'usd' ? line.limit : line.limit * model.pricePerInferenceUnitHour;
};

const costChart = (report: MonthlyReport): string => {
  const width = 1100;
  const left = 190;
  const right = 170;
  const rowHeight = 58;
  const top = 16;
  const plotWidth = width - left - right;
  const lines = new Map(report.models.map((m) => [m.model, budgetUsdOf(m, budgetLineOf(report, m))]));
  const max = niceCeiling(
    Math.max(...report.models.flatMap((m) => [m.aroundTheClockCost, m.cost, lines.get(m.model) ?? 0]), 0),
  );
  const x = (value: number) => left + (Math.max(0, value) / max) * plotWidth;
  const height = top + report.models.length * rowHeight + 34;
  const parts: string[] = [];
  for (let tick = 0; tick <= 5; tick += 1) {
    const value = (max / 5) * tick;
    const tx = x(value);
    parts.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${height - 28}" stroke="${COLOURS.grid}"/>`,
      `<text x="${tx}" y="${height - 12}" text-anchor="middle" font-size="12" fill="${COLOURS.muted}">${esc(formatUsd(value).replace(/\.00$/, ''))}</text>`,
    );
  }
  report.models.forEach((model, index) => {
    const y = top + index * rowHeight;
    const budget = lines.get(model.model);
    parts.push(
      `<text x="${left - 12}" y="${y + 24}" text-anchor="end" font-size="13" font-weight="600" fill="${COLOURS.ink}">${esc(model.model)}</text>`,
      `<text x="${left - 12}" y="${y + 40}" text-anchor="end" font-size="11.5" fill="${COLOURS.muted}">saved ${esc(formatPercent(model.savingPercent))}</text>`,
      `<rect x="${left}" y="${y + 6}" width="${x(model.aroundTheClockCost) - left}" height="18" rx="3" fill="${COLOURS.baseline}"><title>${esc(`${model.model}: 24/7 ${formatUsd(model.aroundTheClockCost)} (${hours(model.hoursInMonth)} h × ${model.aroundTheClockUnits} unit(s) × ${formatUsd(model.pricePerInferenceUnitHour)})`)}</title></rect>`,
      `<text x="${x(model.aroundTheClockCost) + 6}" y="${y + 19.5}" font-size="12" fill="${COLOURS.muted}">24/7 ${esc(formatUsd(model.aroundTheClockCost))}</text>`,
      `<rect x="${left}" y="${y + 28}" width="${Math.max(1, x(model.cost) - left)}" height="18" rx="3" fill="${COLOURS.actual}"><title>${esc(`${model.model}: actual ${formatUsd(model.cost)}`)}</title></rect>`,
      `<text x="${x(model.cost) + 6}" y="${y + 41.5}" font-size="12" font-weight="600" fill="${COLOURS.ink}">actual ${esc(formatUsd(model.cost))}</text>`,
    );
    if (budget !== undefined) {
      const bx = x(budget);
      parts.push(
        `<line x1="${bx}" y1="${y + 1}" x2="${bx}" y2="${y + 51}" stroke="${COLOURS.budget}" stroke-width="2" stroke-dasharray="4 3"><title>${esc(`budget ${formatUsd(budget)}`)}</title></line>`,
        `<text x="${bx}" y="${y + 2}" dy="-1" text-anchor="middle" font-size="10.5" fill="${COLOURS.budget}">budget</text>`,
      );
    }
  });
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`Cost per model in ${report.month}: actual against around the clock`)}">${parts.join('')}</svg>`;
};

const budgetMeters = (report: MonthlyReport): string => {
  if (report.budgets.length === 0) return '';
  const meters = report.budgets.map((line) => {
    const share = line.limit > 0 ? line.spent / line.limit : 0;
    const colour = line.exceeds ? COLOURS.failed : share >= 0.8 ? COLOURS.late : '#16a34a';
    const label =
      line.scope === 'schedule'
        ? `schedule ${esc(line.name)} <span style="color:${COLOURS.muted}">(${esc(line.models.join(', '))})</span>`
        : esc(line.name);
    return `<div class="meter"><div>${label}</div><div class="track"><div class="fill" style="width:${Math.min(100, share * 100).toFixed(1)}%;background:${colour}"></div></div><div class="text${line.exceeds ? ' bad' : ''}">${esc(formatBudgetUsed(line))}</div></div>`;
  });
  return `<h2 style="margin-top:18px">Spend against budget</h2>${meters.join('\n')}`;
};

/** Local wall-clock hours after midnight of an instant: where it sits on a day row. */
const wallHours = (instant: Date, timeZone: string): number => {
  const zoned = zonedOf(instant, timeZone);
  return zoned.hour + zoned.minute / 60 + zoned.second / 3600;
};

interface DayRow {
  readonly date: Temporal.PlainDate;
  readonly start: Date;
  readonly end: Date;
}

const daysOf = (model: ModelReport): DayRow[] =>
  localDatesBetween(model.from, model.to, model.timezone).map((date) => ({
    date,
    start: instantOfLocal(date, 0, model.timezone),
    end: instantOfLocal(date.add({ days: 1 }), 0, model.timezone),
  }));

/** The pieces of [start, end) on each day row, as wall-clock hours [x1, x2] of that row. */
const pieces = (
  span: { start: Date; end: Date },
  days: readonly DayRow[],
  timeZone: string,
): { row: number; from: number; to: number }[] => {
  const result: { row: number; from: number; to: number }[] = [];
  days.forEach((day, row) => {
    const start = Math.max(span.start.getTime(), day.start.getTime());
    const end = Math.min(span.end.getTime(), day.end.getTime());
    if (end <= start) return;
    const from = start === day.start.getTime() ? 0 : wallHours(new Date(start), timeZone);
    const to = end === day.end.getTime() ? 24 : wallHours(new Date(end), timeZone);
    // Across a fall-back hour the wall clock runs backwards; never draw a negative width.
    result.push({ row, from, to: Math.max(from, to) });
  });
  return result;
};

const timelineChart = (model: ModelReport): string => {
  const width = 1100;
  const left = 86;
  const right = 16;
  const top = 26;
  const rowHeight = 18;
  const plotWidth = width - left - right;
  const days = daysOf(model);
  const height = top + days.length * rowHeight + 8;
  const x = (hour: number) => left + (hour / 24) * plotWidth;
  const tz = model.timezone;
  const parts: string[] = [];
  days.forEach((day, row) => {
    const y = top + row * rowHeight;
    const weekend = day.date.dayOfWeek >= 6;
    const dayHours = (day.end.getTime() - day.start.getTime()) / 3_600_000;
    if (weekend)
      parts.push(
        `<rect x="${left}" y="${y}" width="${plotWidth}" height="${rowHeight}" fill="${COLOURS.weekend}"/>`,
      );
    const note =
      dayHours === 24
        ? ''
        : `<title>${esc(`${day.date.toString()} has ${dayHours} hours: clocks change`)}</title>`;
    parts.push(
      `<text x="${left - 10}" y="${y + 13}" text-anchor="end" font-size="11.5" fill="${weekend ? COLOURS.muted : COLOURS.ink}">${note}${formatWeekday(day.date)} ${String(day.date.day).padStart(2, '0')}${dayHours === 24 ? '' : '*'}</text>`,
    );
  });
  for (let hour = 0; hour <= 24; hour += 1) {
    const hx = x(hour);
    const major = hour % 6 === 0;
    parts.push(
      `<line x1="${hx}" y1="${top}" x2="${hx}" y2="${height - 8}" stroke="${major ? '#cbd5e1' : COLOURS.grid}" stroke-width="${major ? 1 : 0.6}"/>`,
    );
    if (hour % 2 === 0 && hour < 24) {
      parts.push(
        `<text x="${hx}" y="${top - 9}" text-anchor="middle" font-size="11" fill="${COLOURS.muted}">${String(hour).padStart(2, '0')}:00</text>`,
      );
    }
  }
  const bar = (
    span: { start: Date; end: Date },
    inset: number,
    fill: string,
    title: string,
    extra = '',
  ): string =>
    pieces(span, days, tz)
      .map(
        (p) =>
          `<rect x="${x(p.from).toFixed(2)}" y="${top + p.row * rowHeight + inset}" width="${Math.max(0.8, x(p.to) - x(p.from)).toFixed(2)}" height="${rowHeight - 2 * inset}" fill="${fill}"${extra}><title>${esc(title)}</title></rect>`,
      )
      .join('');
  const span = (from: Date, to: Date) => `${formatInZone(from, tz)} → ${formatInZone(to, tz)}`;
  parts.push(
    ...model.windows.map((w: Window) =>
      bar(
        w,
        1,
        COLOURS.band,
        `shift ${w.shift}: ${span(w.start, w.end)}`,
        ` stroke="${COLOURS.bandEdge}" stroke-width="0.6"`,
      ),
    ),
    ...model.billedPeriods.map((p: RunPeriod) =>
      bar(p, 4, COLOURS.billed, `billed ${span(p.start, p.end)} (${p.runId})`),
    ),
    ...model.hostedPeriods.map((p: RunPeriod) =>
      bar(p, 6, COLOURS.hosted, `hosted ${span(p.start, p.end)} (${p.runId})`, ' rx="1.5"'),
    ),
  );
  for (const mark of model.marks) {
    const placed = pieces({ start: mark.at, end: new Date(mark.at.getTime() + 1) }, days, tz)[0];
    if (!placed) continue;
    const mx = x(placed.from);
    const cy = top + placed.row * rowHeight + rowHeight / 2;
    parts.push(markShape(mark, mx, cy, `${mark.text} (${formatInZone(mark.at, tz)})`));
  }
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`Timeline of ${model.model} in ${model.month}: shifts against hosted periods`)}">${parts.join('')}</svg>`;
};

const markShape = (mark: RunMark, x: number, y: number, title: string): string => {
  const t = `<title>${esc(title)}</title>`;
  switch (mark.kind) {
    case 'late':
      return `<path d="M${x} ${y - 7} L${x + 6.5} ${y + 5} L${x - 6.5} ${y + 5} Z" fill="${COLOURS.late}" stroke="#fff" stroke-width="1.2">${t}</path>`;
    case 'failed':
      return `<g>${t}<circle cx="${x}" cy="${y}" r="7" fill="${COLOURS.failed}" stroke="#fff" stroke-width="1.2"/><path d="M${x - 3} ${y - 3} L${x + 3} ${y + 3} M${x + 3} ${y - 3} L${x - 3} ${y + 3}" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></g>`;
    case 'budget-blocked':
      return `<path d="M${x} ${y - 7} L${x + 7} ${y} L${x} ${y + 7} L${x - 7} ${y} Z" fill="${COLOURS.blocked}" stroke="#fff" stroke-width="1.2">${t}</path>`;
  }
};

const legend = `<div class="legend">
<span><i class="sw" style="background:${COLOURS.band};border:1px solid ${COLOURS.bandEdge}"></i>shift window (plan)</span>
<span><i class="sw" style="background:${COLOURS.billed}"></i>billed: start requested → stopped</span>
<span><i class="sw" style="background:${COLOURS.hosted}"></i>hosted</span>
<span><svg width="14" height="14" viewBox="0 0 14 14"><path d="M7 0 L13.5 12 L0.5 12 Z" fill="${COLOURS.late}"/></svg>late: hosted after the shift began</span>
<span><svg width="14" height="14" viewBox="0 0 14 14"><circle cx="7" cy="7" r="6.5" fill="${COLOURS.failed}"/></svg>failed</span>
<span><svg width="14" height="14" viewBox="0 0 14 14"><path d="M7 0 L14 7 L7 14 L0 7 Z" fill="${COLOURS.blocked}"/></svg>budget-blocked</span>
</div>`;

const timelineSection = (model: ModelReport): string => {
  const meta = [
    `schedule ${model.schedule}`,
    `local time ${model.timezone}`,
    `${hours(model.hostedHours)} h hosted of ${hours(model.hoursInMonth)} h`,
    `${model.runs} run${model.runs === 1 ? '' : 's'}`,
    ...(model.late > 0 ? [`${model.late} late`] : []),
    ...(model.failed > 0 ? [`${model.failed} failed`] : []),
    ...(model.budgetBlocked > 0 ? [`${model.budgetBlocked} budget-blocked`] : []),
  ];
  return `<div class="timeline">
<div class="model-head"><h3>${esc(model.model)}</h3><div class="meta">${esc(meta.join(' · '))}</div></div>
${timelineChart(model)}
</div>`;
};

/**
 * The report as one HTML page: title, key figures, the summary table, a cost chart (actual
 * against 24/7 per model, with model budgets as lines), spend against every budget, and one
 * timeline per model (a row per local day, shift windows as bands, billed and hosted periods as
 * bars over them, late starts, failures and budget blocks marked). Hover titles give exact times.
 */
export const renderReportHtml = (report: MonthlyReport): string => {
  const zones = [...new Set(report.models.map((m) => m.timezone))];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`Shift report ${report.month}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${esc(`Shift report — ${monthTitle(report.month)}`)}</h1>
<p>${esc(`Calendar month ${report.month} in each model's schedule time zone (${zones.join(', ')}) · open runs counted up to ${report.at.toISOString()}`)}</p>
</header>
${kpis(report)}
<section>
<h2>Summary</h2>
${summaryTable(report)}
</section>
<section>
<h2>Cost: actual against hosting around the clock</h2>
${costChart(report)}
${budgetMeters(report)}
</section>
<section>
<h2>Shifts against hosted time</h2>
${legend}
${report.models.map(timelineSection).join('\n')}
</section>
<footer>${esc("Hosted hours, inference-unit hours and cost count each run's billed span (start requested until observed stopped) clipped to the month, at the minimum inference units. The 24/7 cost is every hour of the month at the highest minimum units among the model's shifts, at its price. Rows marked * are days on which the clocks change.")}</footer>
</main>
</body>
</html>
`;
};
