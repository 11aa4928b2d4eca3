import { isPlainObject, snakeCase } from './flatten.js';
import { counted, displayWidth, pad, styles, wrap, type Styles } from './text.js';
import { SESSION_TIME_KEYS, currentStateOf, formatTime, humanText, severityOf } from './values.js';

/** Options of {@link renderSessionCard}. */
export interface CardOptions {
  /** Terminal width in cells to wrap to; `Infinity` or ≤ 0 means no wrapping. */
  readonly width: number;
  /**
   * ANSI colour (bold headings, highlighted state and severity) when true.
   * @default false
   */
  readonly color?: boolean;
}

const INDENT = '  ';
const NONE = '-';

/** How one entry of a known history list reads: its fields in this order; other fields follow as `key: value`. */
interface EntryLayout {
  readonly parts: readonly EntryPart[];
}

interface EntryPart {
  readonly key: string;
  readonly render: (value: unknown, entry: Readonly<Record<string, unknown>>) => string;
}

const time: EntryPart['render'] = (value) => formatTime(value);
const labelled =
  (label: string): EntryPart['render'] =>
  (value) =>
    `${label} ${humanText(value)}`;

const LAYOUTS: Readonly<Record<string, EntryLayout>> = {
  notes: {
    parts: [
      { key: 'sourceTimestamp', render: time },
      { key: 'userId', render: labelled('by') },
      { key: 'content', render: (value) => humanText(value) },
      { key: 'id', render: labelled('id') },
    ],
  },
  scores: {
    parts: [
      { key: 'sourceTimestamp', render: time },
      { key: 'severity', render: (value) => severityText(value) },
      { key: 'score', render: labelled('score') },
    ],
  },
  states: {
    parts: [
      { key: 'sourceTimestamp', render: time },
      { key: 'stateV2', render: (value) => humanText(value) },
      // The deprecated field only adds something when it differs from (or stands in for) stateV2.
      {
        key: 'state',
        render: (value, entry) =>
          entry['stateV2'] === null || entry['stateV2'] === undefined || entry['stateV2'] === ''
            ? humanText(value)
            : value === entry['stateV2']
              ? ''
              : `(state ${humanText(value)})`,
      },
      { key: 'userId', render: labelled('by') },
    ],
  },
  riskIndicators: {
    parts: [
      { key: 'name', render: (value) => humanText(value) },
      {
        key: 'eventCount',
        render: (value) => (typeof value === 'number' ? counted(value, 'event') : `${humanText(value)} events`),
      },
      { key: 'weight', render: labelled('weight') },
      { key: 'id', render: labelled('id') },
    ],
  },
  triggeredAlerts: {
    parts: [
      { key: 'ruleName', render: (value) => humanText(value) },
      { key: 'ruleId', render: labelled('rule') },
      { key: 'alertId', render: labelled('alert') },
      { key: 'lessonId', render: labelled('lesson') },
    ],
  },
};

function severityText(value: unknown): string {
  const label = severityOf([{ severity: value }], 'latest');
  return label === undefined ? humanText(value) : label;
}

/**
 * A readable card of every field of a session: id, current state and maximum severity at the top, then the
 * scalar fields as `Label: value` lines (times as ISO-8601 UTC, unknown fields included), then each nested object
 * or list (notes, scores, states, risk indicators, triggered alerts, …) as a sub-section with one line per entry.
 */
export function renderSessionCard(session: Readonly<Record<string, unknown>>, options: CardOptions): string {
  const style = styles(options.color ?? false);
  const width = Number.isFinite(options.width) && options.width > 0 ? options.width : Number.POSITIVE_INFINITY;
  const lines: string[] = [];

  lines.push(style.bold(`Session ${humanText(session['sessionId']) || NONE}`));
  const state = currentStateOf(session['states']);
  const maxSeverity = severityOf(session['scores'], 'max');
  const latestSeverity = severityOf(session['scores'], 'latest');
  const severity =
    maxSeverity === undefined
      ? NONE
      : highlightSeverity(maxSeverity, style) +
        (latestSeverity !== undefined && latestSeverity !== maxSeverity ? ` (current ${latestSeverity})` : '');
  lines.push(...field('Current state', state === undefined ? NONE : style.bold(state), 14, width, style));
  lines.push(...field('Max severity', severity, 14, width, style));

  const scalars = Object.entries(session).filter(([, value]) => !isSection(value));
  const sections = Object.entries(session).filter(([, value]) => isSection(value));

  if (scalars.length > 0) lines.push('');
  const labelWidth = Math.max(0, ...scalars.map(([key]) => displayWidth(label(key)) + 1));
  for (const [key, value] of scalars) {
    const text = SESSION_TIME_KEYS.has(key) ? formatTime(value) : scalarText(value);
    lines.push(...field(label(key), text === '' ? style.dim(NONE) : text, labelWidth, width, style));
  }

  for (const [key, value] of sections) {
    lines.push('');
    lines.push(...section(key, value, width, style));
  }
  return `${lines.join('\n')}\n`;
}

/** True for values shown as a sub-section: non-empty objects and arrays holding objects. */
function isSection(value: unknown): boolean {
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return Array.isArray(value) && value.some((item) => typeof item === 'object' && item !== null);
}

function scalarText(value: unknown): string {
  if (Array.isArray(value) && value.length === 0) return '(none)';
  if (isPlainObject(value)) return '{}';
  return humanText(value);
}

function highlightSeverity(label: string, style: Styles): string {
  if (label === 'CRITICAL' || label === 'HIGH') return style.bold(style.red(label));
  if (label === 'MODERATE') return style.bold(style.yellow(label));
  return style.bold(label);
}

/** A human label for an API key: `actorId` → `Actor ID`, `riskIndicatorsAlertedOn` → `Risk indicators alerted on`. */
export function label(key: string): string {
  const words = snakeCase(key)
    .replaceAll('_', ' ')
    .replace(/\bid\b/g, 'ID');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `Label: value` lines, the value wrapped to the width with continuation lines under the value's start. */
function field(name: string, value: string, labelWidth: number, width: number, style: Styles, indent = ''): string[] {
  const head = pad(`${name}:`, labelWidth);
  const hanging = ' '.repeat(displayWidth(indent) + displayWidth(head) + 1);
  const [first = '', ...rest] = wrap(value, Math.max(20, width - hanging.length));
  return [`${indent}${style.dim(head)} ${first}`, ...rest.map((line) => hanging + line)];
}

function section(key: string, value: unknown, width: number, style: Styles, indent = ''): string[] {
  if (Array.isArray(value)) {
    const lines = [indent + style.bold(`${label(key)} (${value.length})`)];
    const layout = indent === '' ? LAYOUTS[key] : undefined;
    for (const item of value) {
      const text = isPlainObject(item) ? entryText(item, layout) : humanText(item);
      lines.push(...bullet(text, width, indent + INDENT));
    }
    return lines;
  }
  const lines = [indent + style.bold(label(key))];
  const object = isPlainObject(value) ? value : {};
  const entries = Object.entries(object);
  const scalars = entries.filter(([, item]) => !isSection(item));
  const labelWidth = Math.max(0, ...scalars.map(([name]) => displayWidth(label(name)) + 1));
  for (const [name, item] of scalars) {
    const text = scalarText(item);
    lines.push(...field(label(name), text === '' ? style.dim(NONE) : text, labelWidth, width, style, indent + INDENT));
  }
  for (const [name, item] of entries.filter(([, entry]) => isSection(entry))) {
    lines.push(...section(name, item, width, style, indent + INDENT));
  }
  return lines;
}

/** One list entry on one logical line: the layout's fields first, then any other non-null field as `key: value`. */
function entryText(entry: Readonly<Record<string, unknown>>, layout: EntryLayout | undefined): string {
  const parts: string[] = [];
  const used = new Set<string>();
  for (const part of layout?.parts ?? []) {
    used.add(part.key);
    const value = entry[part.key];
    if (value === null || value === undefined) continue;
    const text = part.render(value, entry);
    if (text !== '') parts.push(text);
  }
  for (const [key, value] of Object.entries(entry)) {
    if (used.has(key) || value === null || value === undefined) continue;
    parts.push(
      `${key}: ${SESSION_TIME_KEYS.has(key) || key === 'sourceTimestamp' ? formatTime(value) : humanText(value)}`,
    );
  }
  return parts.length > 0 ? parts.join('  ') : NONE;
}

function bullet(text: string, width: number, indent: string): string[] {
  const lead = `${indent}- `;
  const [first = '', ...rest] = wrap(text, Math.max(20, width - displayWidth(lead)));
  const hanging = ' '.repeat(displayWidth(lead));
  return [lead + first, ...rest.map((line) => hanging + line)];
}
