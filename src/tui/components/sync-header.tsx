/**
 * The two header lines: the workspace shown, backend, connectivity and last sync; then the queue
 * (pending, failed, conflicts), the active filter and the daemon. Always
 * visible. (Why the last sync failed goes to the status line: it needs room.)
 */
import { relativeTime } from '../../output/format.js';
import { lastSyncAt, type SyncOverview } from '../../sync/overview.js';
import { CONNECTIVITY_GLYPHS, type ConnectivityView } from '../connectivity.js';
import { useInk } from '../ink.js';
import { emphasis, tone } from '../theme.js';

export interface SyncHeaderProps {
  overview: SyncOverview;
  view: ConnectivityView;
  now: number;
  /** The workspace shown (its name); absent: not shown. */
  workspace?: string | null;
  /** Project the board is limited to. */
  project: string | null;
  filter: string;
  color: boolean;
}

function host(url: string | null): string {
  if (!url) return '(no URL set)';
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function BackendLine({ overview, view, now, workspace, project, color }: SyncHeaderProps) {
  const { Text } = useInk();
  const { glyph, colour } = CONNECTIVITY_GLYPHS[view.state];
  const { backend } = overview;
  return (
    <Text wrap="truncate-end">
      <Text {...emphasis(color)}>convoy</Text>
      {workspace ? ` · workspace ${workspace}` : ''}
      {project ? ` · project ${project}` : ''}
      {' · '}
      {backend ? `${backend.kind} ${host(backend.url)} · ` : ''}
      <Text {...tone(color, colour)}>
        {glyph} {backend ? view.state : 'no backend configured (convoy init --convex <url>)'}
      </Text>
      {backend ? ` · last sync ${relativeTime(lastSyncAt(overview.tables), now)}` : ''}
    </Text>
  );
}

function QueueLine({ overview, filter, color }: SyncHeaderProps) {
  const { Text } = useInk();
  const { pending, failed, conflicts, daemon } = overview;
  return (
    <Text wrap="truncate-end">
      <Text {...tone(color, pending ? 'yellow' : 'dim')}>↑ {pending} pending</Text>
      {'  '}
      <Text {...tone(color, failed ? 'red' : 'dim')}>✗ {failed} failed</Text>
      {'  '}
      <Text {...tone(color, conflicts ? 'magenta' : 'dim')}>
        ! {conflicts} {conflicts === 1 ? 'conflict' : 'conflicts'}
      </Text>
      {filter ? <Text {...tone(color, 'cyan')}>{`  · filter "${filter}"`}</Text> : ''}
      {'  · '}
      <Text {...tone(color, daemon.running ? 'green' : 'dim')}>{daemon.running ? `daemon running (pid ${daemon.pid})` : 'daemon off'}</Text>
    </Text>
  );
}

export function SyncHeader(props: SyncHeaderProps) {
  const { Box } = useInk();
  return (
    <Box flexDirection="column">
      <BackendLine {...props} />
      <QueueLine {...props} />
    </Box>
  );
}
