/**
 * A task in full: its labelled fields (from the declaration), due, tags,
 * what it is blocked by, dates, its notes, its queued ops (what is not
 * synced yet, and why an op failed) and the values of its conflicts.
 */
import type { ConflictView, OpView } from '../../db/views.js';
import { labelledFields } from '../../output/fields.js';
import { localTime, relativeTime, SYNC_GLYPHS } from '../../output/format.js';
import { titleFieldOf } from '../../schema/declare.js';
import { tasks } from '../../schema/tables.js';
import { useInk } from '../ink.js';
import type { TaskDetail } from '../model.js';
import { emphasis, tone } from '../theme.js';

export interface DetailPaneProps {
  detail: TaskDetail | null;
  now: number;
  height: number;
  color: boolean;
}

function Field({ label, value }: { label: string; value: string }) {
  const { Text } = useInk();
  return <Text wrap="truncate-end">{`${label.padEnd(12)}${value || '—'}`}</Text>;
}

function opLine(op: OpView): string {
  const fields = op.op === 'create' ? '' : ` ${Object.keys(op.fields).join(', ')}`;
  const state = op.state === 'failed' ? `failed after ${op.attempts} attempts: ${op.lastError ?? 'refused'} (r retries)` : op.attempts ? `pending, ${op.attempts} refused so far: ${op.lastError ?? ''}` : 'pending';
  return `  #${op.seq} ${op.op}${fields} · ${state}`;
}

function conflictLine(c: ConflictView): string {
  const verdict = c.resolved ? `${c.policy}, kept ${c.winner}` : `${c.policy}, waiting for a decision (c)`;
  return `  ${c.field} (${verdict}): local ${JSON.stringify(c.local)} · remote ${JSON.stringify(c.remote)}`;
}

/**
 * The labelled text and reference fields below the title and status line
 * (times are summed up in one line; the title is the heading; enums, i.e.
 * the status, share a line with the sync state).
 */
const FIELD_LINES = labelledFields(tasks).filter(({ name, field }) => name !== titleFieldOf(tasks) && (field.type.kind === 'text' || field.type.kind === 'ref'));

/** Times a person sets (a due date), shown in full; the program's own times are summed up in the updated line. */
const TIME_LINES = labelledFields(tasks).filter(({ field }) => field.type.kind === 'time' && field.input !== null);

/** The last few conflicts, newest last. */
const RECENT_CONFLICTS = 5;

function Section({ title, lines, empty }: { title: string; lines: string[]; empty: string }) {
  const { Box, Text } = useInk();
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>{title}</Text>
      {lines.length ? lines.map((line, i) => <Text key={i} wrap="truncate-end">{line}</Text>) : <Text>{`  ${empty}`}</Text>}
    </Box>
  );
}

export function DetailPane({ detail, now, height, color }: DetailPaneProps) {
  const { Box, Text } = useInk();
  if (!detail) {
    return (
      <Box height={height} borderStyle="round" paddingX={1}>
        <Text>This task is gone from the board (Esc goes back).</Text>
      </Box>
    );
  }
  const { task } = detail;
  const sync = SYNC_GLYPHS[task.syncStatus];
  const description = task.description ? task.description.split('\n').map((line) => `  ${line}`) : [];
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1} overflow="hidden">
      <Text wrap="truncate-end" {...emphasis(color)}>
        {task.title}
      </Text>
      <Field label="id" value={task.id} />
      <Text wrap="truncate-end">
        {'status'.padEnd(12)}
        {task.status}
        {'   sync '}
        <Text {...tone(color, sync.colour)}>
          {sync.glyph} {task.syncStatus}
        </Text>
      </Text>
      {FIELD_LINES.map(({ name, label, field }) => (
        <Field key={name} label={label} value={field.type.kind === 'ref' ? (detail.refs[name] ?? '') : String((task as unknown as Record<string, unknown>)[name] ?? '')} />
      ))}
      {/* Due, tags, blocked by and notes take lines only when the task has them (the pane's height is fixed). */}
      {TIME_LINES.map(({ name, label }) => {
        const at = (task as unknown as Record<string, number | null>)[name] ?? null;
        return at === null ? null : <Field key={name} label={label} value={`${localTime(at)}${at < now ? ' (passed)' : ''}`} />;
      })}
      {task.tags?.length ? <Field label="tags" value={task.tags.join(' ')} /> : null}
      {detail.blockers.length ? <Field label="blocked by" value={`${detail.blockers.join(', ')}${task.blocked ? ' (blocked)' : ' (all finished)'}`} /> : null}
      <Field label="updated" value={`${relativeTime(task.updatedAt, now)} (created ${relativeTime(task.createdAt, now)})`} />
      <Section title="Description" lines={description} empty="(none)" />
      {detail.notes.length ? <Section title={`Notes (${detail.notes.length})`} lines={detail.notes.map((n) => `  ${localTime(n.createdAt)}  ${n.text.replace(/\n/g, ' ')}`)} empty="" /> : null}
      <Section title={`Queued ops (${detail.ops.length})`} lines={detail.ops.map(opLine)} empty="none: everything is synced" />
      <Section
        title={detail.conflicts.length > RECENT_CONFLICTS ? `Conflicts (last ${RECENT_CONFLICTS} of ${detail.conflicts.length})` : 'Conflicts'}
        lines={detail.conflicts.slice(-RECENT_CONFLICTS).map(conflictLine)}
        empty="none"
      />
    </Box>
  );
}
