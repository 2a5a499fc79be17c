/**
 * The board: sync header, the status columns (or the detail pane, the
 * conflicts view, the help), and the status bar.
 */
import { useMemo } from 'react';
import { connectivity } from '../connectivity.js';
import { useBoard } from '../hooks/use-board.js';
import type { LiveOptions } from '../hooks/use-live-data.js';
import { useTerminalSize, type TerminalSize } from '../hooks/use-terminal-size.js';
import { useInk } from '../ink.js';
import type { BoardModel } from '../model.js';
import { boardColumns, type Column, type UiState } from '../ui-state.js';
import { ConflictsView } from './conflicts-view.js';
import { DetailPane } from './detail-pane.js';
import { HelpView } from './help-view.js';
import { StatusBar } from './status-bar.js';
import { SyncHeader } from './sync-header.js';
import { TaskColumn } from './task-column.js';

export interface BoardAppProps {
  model: BoardModel;
  /** Colours allowed (a TTY without NO_COLOR). */
  color: boolean;
  /** A fixed size instead of the terminal's (tests). */
  size?: TerminalSize;
  live?: LiveOptions;
}

/** Lines above and below the main area; one line is left free so Ink never redraws the whole screen. */
const HEADER_LINES = 2;
const FOOTER_LINES = 2;

function Columns({ columns, ui, width, height, color, now }: { columns: Column[]; ui: UiState; width: number; height: number; color: boolean; now: number }) {
  const { Box } = useInk();
  const each = Math.floor(width / columns.length);
  const focus = Math.min(ui.focus, columns.length - 1);
  return (
    <Box flexDirection="row">
      {columns.map((column, i) => (
        <TaskColumn
          key={column.status}
          column={column}
          focused={i === focus}
          width={i === columns.length - 1 ? width - each * i : each}
          height={height}
          color={color}
          now={now}
        />
      ))}
    </Box>
  );
}

export function BoardApp({ model, color, size, live }: BoardAppProps) {
  const { Box } = useInk();
  const { columns: width, rows } = useTerminalSize(size);
  const height = Math.max(5, rows - 1 - HEADER_LINES - FOOTER_LINES);
  // A column's border and title take three of its lines.
  const { ui, data, sync } = useBoard(model, Math.max(1, height - 3), live);
  const { mode } = ui;
  const detailId = mode.kind === 'detail' ? mode.taskId : null;
  const detail = useMemo(() => (detailId ? model.detail(detailId) : null), [model, detailId, data.board, data.overview]);
  const inConflicts = mode.kind === 'conflicts';
  const conflicts = useMemo(() => (inConflicts ? model.conflicts() : []), [model, inConflicts, data.board, data.overview]);
  const columns = useMemo(() => boardColumns(data.board, ui), [data.board, ui]);
  const view = connectivity(data.overview, sync.running, sync.last);
  const notice = data.error ? { text: data.error, tone: 'error' as const } : ui.notice;
  const fallback = view.reason ? { text: `last sync failed: ${view.reason}`, tone: view.state === 'offline' ? ('warn' as const) : ('error' as const) } : null;
  return (
    <Box flexDirection="column" width={width}>
      <SyncHeader overview={data.overview} view={view} now={data.now} workspace={model.workspace.name} project={model.project?.name ?? null} filter={ui.filter} color={color} />
      {mode.kind === 'detail' ? <DetailPane detail={detail} now={data.now} height={height} color={color} /> : null}
      {mode.kind === 'conflicts' ? <ConflictsView items={conflicts} index={mode.index} height={height} color={color} /> : null}
      {mode.kind === 'help' ? <HelpView height={height} color={color} /> : null}
      {mode.kind === 'board' || mode.kind === 'input' ? <Columns columns={columns} ui={ui} width={width} height={height} color={color} now={data.now} /> : null}
      <StatusBar mode={mode} notice={notice} progress={sync.progress} fallback={fallback} color={color} width={width} />
    </Box>
  );
}
